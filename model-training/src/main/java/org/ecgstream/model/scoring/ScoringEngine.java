package org.ecgstream.model.scoring;

/** Which implementation reconstructs windows. */
public enum ScoringEngine {
  /** DL4J's MultiLayerNetwork: the reference path, and the one cuDNN accelerates on CUDA. */
  DL4J,
  /** {@link FusedLstmEngine}: the same weights, several times faster on CPU. */
  FUSED
}

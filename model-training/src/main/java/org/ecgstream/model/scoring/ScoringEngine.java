package org.ecgstream.model.scoring;

/** Which implementation reconstructs windows. */
public enum ScoringEngine {
  /** DL4J's MultiLayerNetwork: the reference path, and the one cuDNN accelerates on CUDA. */
  DL4J,
  /**
   * The same weights, several times faster on CPU: {@link VectorLstmEngine} where the JVM has the
   * Vector API module, {@link FusedLstmEngine} on OpenBLAS otherwise; for the conditional variant
   * {@link VectorConditionalEngine} or {@link ConditionalFusedEngine} (see
   * {@link FusedLstmEngine#forModel}).
   */
  FUSED;

  /**
   * The engine the tools compare and report with: DL4J's own network, or the fused engine for
   * the conditional variant, which DL4J cannot run.
   */
  public static ScoringEngine reference(org.ecgstream.model.nn.Architecture a) {
    return a.variant().dl4jScores() ? DL4J : FUSED;
  }
}

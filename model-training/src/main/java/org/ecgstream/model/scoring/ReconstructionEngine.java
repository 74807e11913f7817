package org.ecgstream.model.scoring;

/**
 * Runs the autoencoder on a batch of normalised windows laid out [batch][features][time] and
 * returns the reconstruction in the same layout. One instance per thread.
 */
public interface ReconstructionEngine {
  float[] reconstruct(float[] normalised, int batch);

  /** A short name for logs and benchmarks. */
  String name();
}

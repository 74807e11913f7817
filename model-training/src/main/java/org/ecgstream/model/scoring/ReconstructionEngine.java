package org.ecgstream.model.scoring;

/**
 * Runs the autoencoder on a batch of normalised windows laid out [batch][features][time] and
 * returns the reconstruction in the same layout. One instance per thread.
 */
public interface ReconstructionEngine {
  float[] reconstruct(float[] normalised, int batch);

  /**
   * As {@link #reconstruct(float[], int)}, also writing each window's embedding (the second
   * encoder layer's last hidden state, what the decoder rebuilds the window from: E values per
   * window, back to back) into {@code embeddings} unless it is null. The job's engines (fused and
   * DL4J) give them; an engine used only for comparison may not.
   */
  default float[] reconstruct(float[] normalised, int batch, float[] embeddings) {
    if (embeddings != null) {
      throw new UnsupportedOperationException(name() + " does not give embeddings");
    }
    return reconstruct(normalised, batch);
  }

  /** A short name for logs and benchmarks. */
  String name();
}

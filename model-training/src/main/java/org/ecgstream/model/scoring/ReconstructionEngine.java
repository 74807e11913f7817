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

  /**
   * As {@link #reconstruct(float[], int, float[])}, for a latent-target model
   * ({@link org.ecgstream.model.nn.Variant#LATENT}): the returned output is then the decoder's
   * rebuilding of the first encoder layer's outputs, [batch][2E][time], and {@code targets} (when
   * not null) receives those outputs, the values it is compared with, in the same layout. For the
   * other variants {@code targets} must be null.
   */
  default float[] reconstruct(float[] normalised, int batch, float[] embeddings, float[] targets) {
    if (targets != null) {
      throw new UnsupportedOperationException(name() + " does not score latent-target models");
    }
    return reconstruct(normalised, batch, embeddings);
  }

  /**
   * Whether its products run on OpenBLAS (DL4J's network and the fused engines but the Vector API
   * one), so that OpenBLAS's choice of kernels matters to its speed.
   */
  default boolean usesOpenBlas() {
    return true;
  }

  /** A short name for logs and benchmarks. */
  String name();
}

package org.ecgstream.model.nn;

/**
 * What the decoder is asked to produce from the encoder's embedding.
 *
 * <ul>
 *   <li>{@link #RECONSTRUCTION}: the encoder reads the whole window and the decoder rebuilds all of it.
 *   <li>{@link #PREDICTION}: the encoder reads the first half of the window and the decoder predicts
 *       the second half, which it has not seen (Srivastava et al. 2015's future predictor). Only the
 *       predicted steps have errors: the first half is the context, returned as it came in.
 *   <li>{@link #COMPOSITE}: the encoder reads the first half; the decoder rebuilds that half and
 *       predicts the second, so the embedding must both remember and anticipate (Srivastava et al.
 *       2015's composite objective, with one decoder for both parts where the paper has two).
 *   <li>{@link #CONDITIONAL}: the encoder reads the whole window; a one-layer decoder (E units)
 *       starts from the encoder's last state and rebuilds the window backwards, each step
 *       conditioned on the value after it: the true one in training, its own previous output when
 *       scoring (Malhotra et al. 2016, "LSTM-based Encoder-Decoder for Multi-sensor Anomaly
 *       Detection"; pair it with {@code --score MAHALANOBIS} for the paper's score). DL4J has no
 *       layer that feeds its output back: only the fused engine scores it.
 *   <li>{@link #LATENT}: the latent-target autoencoder. The encoder reads the whole window and the
 *       decoder rebuilds the first encoder layer's outputs (2E values per step) instead of the
 *       input. That layer is taken from a reconstruction autoencoder trained first and then frozen:
 *       a target the optimiser could move would let it make every window trivially easy to rebuild
 *       (a constant first layer). Its errors are in that layer's units, not the input's: the model
 *       has no reconstruction of the window, its loss is summed over the latent values, and its
 *       per-step error is the sum over a step's latent values.
 * </ul>
 */
public enum Variant {
  RECONSTRUCTION,
  PREDICTION,
  COMPOSITE,
  CONDITIONAL,
  LATENT;

  /**
   * Whether DL4J's own network can score this variant ({@code output}, {@code feedForward}); the
   * conditional decoder starts from another layer's state and reads its own outputs, which DL4J's
   * layers cannot express.
   */
  public boolean dl4jScores() {
    return this != CONDITIONAL;
  }

  /**
   * Whether DL4J's {@code fit} can train this variant: not the conditional decoder, and not the
   * latent-target model, whose first layer is frozen and whose targets are that layer's outputs.
   */
  public boolean dl4jTrains() {
    return dl4jScores() && this != LATENT;
  }

  /** Whether the decoder's output is the input's values (every variant but {@link #LATENT}). */
  public boolean rebuildsInput() {
    return this != LATENT;
  }

  /** Steps the encoder reads from the start of a window of {@code length}. */
  public int encoderSteps(int length) {
    return this == PREDICTION || this == COMPOSITE ? length / 2 : length;
  }

  /** The first step the decoder's output stands for (its steps run from there to the window's end). */
  public int firstDecodedStep(int length) {
    return this == PREDICTION ? encoderSteps(length) : 0;
  }
}

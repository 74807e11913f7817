package org.ecgstream.model.nn;

/**
 * The shape of the LSTM autoencoder: window length, features per time step, embedding size E and
 * what the decoder produces ({@link Variant}). Encoder LSTM(features→2E) → LSTM(2E→E) over the
 * {@link #encoderSteps()} first steps, last hidden state repeated over the {@link #decoderSteps()};
 * decoder LSTM(E→E) → LSTM(E→2E) → time-distributed linear back to the features (for the
 * latent-target variant, to the first encoder layer's 2E outputs: {@link #outputWidth()}).
 *
 * @param variant null (in model files written before variants) means {@link Variant#RECONSTRUCTION}
 */
public record Architecture(int windowLength, int features, int embedding, Variant variant) {
  public Architecture {
    variant = variant == null ? Variant.RECONSTRUCTION : variant;
    // Every variant's encoder reads at least two steps and its decoder produces at least one.
    if (windowLength < 2 || features < 1 || embedding < 1 || variant.encoderSteps(windowLength) < 2) {
      throw new IllegalArgumentException("invalid architecture " + windowLength + "x" + features + ", E=" + embedding
          + ", " + variant);
    }
  }

  public Architecture(int windowLength, int features, int embedding) {
    this(windowLength, features, embedding, Variant.RECONSTRUCTION);
  }

  public int hidden() {
    return 2 * embedding;
  }

  /** Values per step the decoder's output layer produces: the features, or 2E for {@link Variant#LATENT}. */
  public int outputWidth() {
    return variant.rebuildsInput() ? features : hidden();
  }

  /**
   * Error values per step a scored window has: one per feature, or for {@link Variant#LATENT} one,
   * its errors summed over the step's 2E latent values (they are not in the input's units).
   */
  public int errorsPerStep() {
    return variant.rebuildsInput() ? features : 1;
  }

  /** Steps the encoder reads, from the window's first. */
  public int encoderSteps() {
    return variant.encoderSteps(windowLength);
  }

  /** The window's first step the decoder produces; the steps before it are context only. */
  public int firstDecodedStep() {
    return variant.firstDecodedStep(windowLength);
  }

  /** Steps the decoder produces: from {@link #firstDecodedStep()} to the window's end. */
  public int decoderSteps() {
    return windowLength - firstDecodedStep();
  }
}

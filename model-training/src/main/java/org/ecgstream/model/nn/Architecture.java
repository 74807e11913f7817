package org.ecgstream.model.nn;

/**
 * The shape of the LSTM autoencoder: window length, features per time step and embedding size E.
 * Encoder LSTM(features→2E) → LSTM(2E→E), last hidden state repeated over the window; decoder
 * LSTM(E→E) → LSTM(E→2E) → time-distributed linear back to the features.
 */
public record Architecture(int windowLength, int features, int embedding) {
  public Architecture {
    if (windowLength < 2 || features < 1 || embedding < 1) {
      throw new IllegalArgumentException("invalid architecture " + windowLength + "x" + features + ", E=" + embedding);
    }
  }

  public int hidden() {
    return 2 * embedding;
  }
}

package org.ecgstream.model.scoring;

import java.util.Arrays;

/**
 * Scores of a batch of windows: per-window score (the thresholded figure: the loss summed over the
 * window, or the model's Mahalanobis score of its errors, see {@link ErrorScore}; and that divided
 * by the window's values), per-time-step
 * absolute errors and the reconstruction (both time-major and in original units, like the input)
 * and the anomaly decision at the model's threshold; when asked for, each window's embedding.
 *
 * <p>A latent-target model ({@link org.ecgstream.model.nn.Variant#LATENT}) rebuilds its first
 * encoder layer's outputs, not the window: its batch has no reconstruction (null), and its errors
 * are one value per step ({@code errorsPerStep} 1), the absolute errors summed over the step's
 * latent values, in that layer's units.
 *
 * @param features values per step the loss covers: the input's features, or 2E for a latent-target model
 * @param errorsPerStep values per step in {@code absErrors}: the features, or 1 for a latent-target model
 */
public record ScoreBatch(int size, int length, int features, int errorsPerStep, double[] lossSum, float[] absErrors,
                         float[] reconstruction, boolean[] anomalous, double threshold, float[] embeddings) {

  public double loss(int i) {
    return lossSum[i];
  }

  /**
   * The score divided by the number of values it covers per window (for a summed loss, its mean):
   * the window's, or for a latent-target model its first layer's outputs over the window.
   */
  public double lossMean(int i) {
    return lossSum[i] / (length * features);
  }

  /** Absolute reconstruction error of window {@code i}, summed over features, per time step. */
  public float[] stepErrors(int i) {
    float[] out = new float[length];
    int base = i * length * errorsPerStep;
    for (int t = 0; t < length; t++) {
      float s = 0;
      for (int f = 0; f < errorsPerStep; f++) {
        s += absErrors[base + t * errorsPerStep + f];
      }
      out[t] = s;
    }
    return out;
  }

  /**
   * Mean absolute reconstruction error of window {@code i} in each input channel (feature), over
   * the window's steps: which sensor the error lies in. Null for a latent-target model, whose
   * errors are not per channel.
   */
  public float[] channelErrors(int i) {
    // Errors are per input channel exactly when there is one per feature; a latent-target model
    // has one per step (errorsPerStep 1) over its 2E latent values.
    if (errorsPerStep != features) {
      return null;
    }
    float[] out = new float[errorsPerStep];
    int base = i * length * errorsPerStep;
    for (int t = 0; t < length; t++) {
      for (int f = 0; f < errorsPerStep; f++) {
        out[f] += absErrors[base + t * errorsPerStep + f];
      }
    }
    for (int f = 0; f < errorsPerStep; f++) {
      out[f] /= length;
    }
    return out;
  }

  /** The reconstruction of window {@code i}, time-major; null for a latent-target model, which has none. */
  public float[] reconstruction(int i) {
    if (reconstruction == null) {
      return null;
    }
    int w = length * features;
    return Arrays.copyOfRange(reconstruction, i * w, (i + 1) * w);
  }

  /** The encoder's embedding of window {@code i}, or null when the batch was scored without. */
  public float[] embedding(int i) {
    if (embeddings == null) {
      return null;
    }
    int e = embeddings.length / size;
    return Arrays.copyOfRange(embeddings, i * e, (i + 1) * e);
  }

  public boolean isAnomalous(int i) {
    return anomalous[i];
  }

  @Override
  public String toString() {
    return "ScoreBatch[" + size + " windows, losses=" + Arrays.toString(lossSum) + "]";
  }
}

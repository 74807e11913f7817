package org.ecgstream.model.scoring;

import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;

/**
 * Compares windows with their reconstructions in the original units (so that losses do not depend
 * on the normaliser and stay comparable with the literature's thresholds).
 */
public final class ReconstructionErrors {
  private ReconstructionErrors() {}

  /**
   * @param original time-major input windows, {@code batch * length * features} values
   * @param reconstruction normalised network output laid out [batch][features][time]
   * @param restored out: time-major reconstruction in original units, same size as {@code original}
   * @param absErrors out: time-major absolute errors, same size as {@code original}
   * @param lossSum out: per-window loss summed over the window
   * @param firstDecoded the first step the model produces; earlier steps are context, restored as
   *     they are, with no error (see {@link org.ecgstream.model.nn.Variant})
   */
  public static void compute(float[] original, float[] reconstruction, int batch, int length, int features,
                             FeatureNormalizer norm, LossKind loss, float[] restored, float[] absErrors,
                             double[] lossSum, int firstDecoded) {
    float[] mean = norm.mean();
    float[] std = norm.std();
    int window = length * features;
    for (int i = 0; i < batch; i++) {
      int base = i * window;
      double sum = 0;
      for (int f = 0; f < features; f++) {
        int reconBase = base + f * length;
        for (int t = 0; t < firstDecoded; t++) {
          int k = base + t * features + f;
          restored[k] = original[k];
          absErrors[k] = 0f;
        }
        for (int t = firstDecoded; t < length; t++) {
          float value = reconstruction[reconBase + t] * std[f] + mean[f];
          int k = base + t * features + f;
          float err = original[k] - value;
          restored[k] = value;
          absErrors[k] = Math.abs(err);
          sum += loss.of(err);
        }
      }
      lossSum[i] = sum;
    }
  }

  /**
   * A latent-target model's errors: its output against its targets (both [batch][width][time],
   * the first encoder layer's units, no normaliser).
   *
   * @param stepErrors out: per window and step, the absolute errors summed over the step's {@code width} values
   * @param lossSum out: per window, the loss summed over its steps and values
   */
  public static void computeLatent(float[] decoded, float[] targets, int batch, int length, int width, LossKind loss,
                                   float[] stepErrors, double[] lossSum) {
    for (int i = 0; i < batch; i++) {
      double sum = 0;
      for (int t = 0; t < length; t++) {
        float step = 0;
        for (int u = 0; u < width; u++) {
          int k = (i * width + u) * length + t;
          float err = targets[k] - decoded[k];
          step += Math.abs(err);
          sum += loss.of(err);
        }
        stepErrors[i * length + t] = step;
      }
      lossSum[i] = sum;
    }
  }
}

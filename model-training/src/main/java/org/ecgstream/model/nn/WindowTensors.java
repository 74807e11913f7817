package org.ecgstream.model.nn;

import java.util.List;
import org.ecgstream.model.data.LabelledWindow;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Converts time-major windows into DL4J's recurrent layout [batch, features, time], normalised,
 * and batches in that layout into the step-by-step rows the LSTM passes work on.
 */
public final class WindowTensors {
  private WindowTensors() {}

  public static INDArray toTensor(List<LabelledWindow> windows, FeatureNormalizer norm) {
    int n = windows.size();
    int t = windows.get(0).length();
    int f = windows.get(0).features();
    float[] flat = new float[n * t * f];
    for (int i = 0; i < n; i++) {
      writeNormalised(windows.get(i).values(), 0, t, f, norm, flat, i * t * f);
    }
    return Nd4j.create(flat, new long[] {n, f, t}, 'c');
  }

  /**
   * Windows {@code from} to {@code from + n} of {@code in} ([batch][features][length]), their first
   * {@code steps} steps, into {@code x} time-major: row s*n + b holds window b's features at step s.
   */
  public static void timeMajor(float[] in, int from, int n, int length, int steps, int features, float[] x) {
    for (int b = 0; b < n; b++) {
      int base = (from + b) * features * length;
      for (int j = 0; j < features; j++) {
        for (int s = 0; s < steps; s++) {
          x[(s * n + b) * features + j] = in[base + j * length + s];
        }
      }
    }
  }

  /**
   * The inverse of {@link #timeMajor}, for rows that may be wider than the values kept: row
   * s*n + b of {@code x} (starting at index (s*n + b) * rowWidth) holds window b's first
   * {@code features} values at step s; they go to windows {@code from} to {@code from + n} of
   * {@code out} ([batch][features][length]), steps 0 to {@code length}.
   */
  public static void fromTimeMajor(float[] x, int rowWidth, int n, int length, int features, float[] out, int from) {
    for (int b = 0; b < n; b++) {
      int base = (from + b) * features * length;
      for (int j = 0; j < features; j++) {
        for (int s = 0; s < length; s++) {
          out[base + j * length + s] = x[(s * n + b) * rowWidth + j];
        }
      }
    }
  }

  /**
   * Writes one time-major window ([t][f], starting at {@code from}) into {@code out} at
   * {@code offset} as [f][t], normalised.
   */
  public static void writeNormalised(float[] timeMajor, int from, int t, int f, FeatureNormalizer norm,
                                     float[] out, int offset) {
    float[] mean = norm.mean();
    float[] std = norm.std();
    for (int j = 0; j < f; j++) {
      float m = mean[j];
      float s = std[j];
      int base = offset + j * t;
      for (int s2 = 0; s2 < t; s2++) {
        out[base + s2] = (timeMajor[from + s2 * f + j] - m) / s;
      }
    }
  }
}

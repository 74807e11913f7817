package org.ecgstream.model.nn;

import java.util.Arrays;
import java.util.List;
import org.ecgstream.model.data.LabelledWindow;

/**
 * Per-feature standardisation fitted on the training windows only and stored in the model file, so
 * that streaming data is scaled exactly as the training data was.
 */
public record FeatureNormalizer(float[] mean, float[] std) {

  public FeatureNormalizer {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("mean and std must have the same, non-zero length");
    }
    for (float s : std) {
      if (!(s > 0) || !Float.isFinite(s)) {
        throw new IllegalArgumentException("std must be positive and finite: " + Arrays.toString(std));
      }
    }
  }

  public static FeatureNormalizer fit(List<LabelledWindow> windows) {
    int f = windows.get(0).features();
    double[] sum = new double[f];
    double[] sumSq = new double[f];
    long n = 0;
    for (LabelledWindow w : windows) {
      for (int t = 0; t < w.length(); t++) {
        for (int j = 0; j < f; j++) {
          double v = w.value(t, j);
          sum[j] += v;
          sumSq[j] += v * v;
        }
      }
      n += w.length();
    }
    float[] mean = new float[f];
    float[] std = new float[f];
    for (int j = 0; j < f; j++) {
      double m = sum[j] / n;
      double var = Math.max(0, sumSq[j] / n - m * m);
      mean[j] = (float) m;
      // A constant feature would divide by zero; leave it unscaled instead.
      std[j] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
    }
    return new FeatureNormalizer(mean, std);
  }

  public int features() {
    return mean.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureNormalizer n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
  }
}

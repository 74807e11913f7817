package org.ecgstream.model.threshold;

import java.util.Arrays;

/**
 * A patient's own threshold from the losses of a learning period: median + k × 1.4826 × MAD (the
 * MAD scaled to a standard deviation for normal data). Median and MAD stay put while up to half
 * of the learning beats are abnormal, so a patient whose first minutes already hold ectopic beats
 * (a third of record 208's beats are PVCs) still gets a threshold set by their normal beats, where
 * a percentile would land inside the ectopic losses.
 */
public final class RobustThreshold {
  private RobustThreshold() {}

  public static double of(float[] losses, int count, double k) {
    if (count < 1) {
      throw new IllegalArgumentException("no losses to calibrate on");
    }
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = losses[i];
    }
    double median = median(v);
    double[] dev = new double[count];
    for (int i = 0; i < count; i++) {
      dev[i] = Math.abs(v[i] - median);
    }
    return median + k * 1.4826 * median(dev);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}

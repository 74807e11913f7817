package org.ecgstream.model.beats;

/** Comparisons of beat windows: correlation over small shifts, peak-to-peak size, QRS width, residual, noise. */
final class Shapes {
  /** Shifts tried when comparing QRS windows, in samples of 2.5 ms: the R peak may be placed up to 30 ms apart (on an R or an S wave). */
  static final int MAX_SHIFT = 12;

  private Shapes() {}

  /** The best Pearson correlation of {@code a} with {@code b} shifted by up to {@code maxShift}; 0 when either is flat. */
  static double correlation(float[] a, float[] b, int maxShift) {
    double best = -1;
    for (int s = -maxShift; s <= maxShift; s++) {
      best = Math.max(best, correlationAt(a, b, s));
    }
    return best;
  }

  /** The shift (samples of {@code b} relative to {@code a}) where the correlation is best. */
  static int bestShift(float[] a, float[] b, int maxShift) {
    double best = -2;
    int at = 0;
    for (int s = -maxShift; s <= maxShift; s++) {
      double c = correlationAt(a, b, s);
      if (c > best) {
        best = c;
        at = s;
      }
    }
    return at;
  }

  private static double correlationAt(float[] a, float[] b, int shift) {
    int from = Math.max(0, -shift);
    int to = Math.min(a.length, b.length - shift);
    int n = to - from;
    double ma = 0;
    double mb = 0;
    for (int i = from; i < to; i++) {
      ma += a[i];
      mb += b[i + shift];
    }
    ma /= n;
    mb /= n;
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = from; i < to; i++) {
      double x = a[i] - ma;
      double y = b[i + shift] - mb;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
  }

  static double peakToPeak(float[] a) {
    float lo = Float.MAX_VALUE;
    float hi = -Float.MAX_VALUE;
    for (float x : a) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return hi - lo;
  }

  /**
   * The QRS width in samples: the span holding the middle 80 % of the window's absolute slope.
   * Wide, slurred ventricular complexes spread their slope; a narrow QRS concentrates it.
   */
  static double width(float[] qrs) {
    double total = 0;
    for (int i = 1; i < qrs.length; i++) {
      total += Math.abs(qrs[i] - qrs[i - 1]);
    }
    if (total == 0) {
      return 0;
    }
    double sum = 0;
    int first = -1;
    int last = qrs.length - 1;
    for (int i = 1; i < qrs.length; i++) {
      sum += Math.abs(qrs[i] - qrs[i - 1]);
      if (first < 0 && sum >= 0.1 * total) {
        first = i;
      }
      if (sum >= 0.9 * total) {
        last = i;
        break;
      }
    }
    return last - first;
  }

  /** Sum of |a − b| (b shifted by {@code shift}) over the sum of |b|: how far a beat is from a template in size and shape. */
  static double residual(float[] a, float[] b, int shift) {
    double diff = 0;
    double norm = 0;
    for (int i = Math.max(0, -shift); i < Math.min(a.length, b.length - shift); i++) {
      diff += Math.abs(a[i] - b[i + shift]);
      norm += Math.abs(b[i + shift]);
    }
    return norm == 0 ? 0 : diff / norm;
  }

  /** Energy of the second difference: high-frequency content (muscle noise, spikes) of a window. */
  static double roughness(float[] a) {
    double e = 0;
    for (int i = 2; i < a.length; i++) {
      double d = a[i] - 2 * a[i - 1] + a[i - 2];
      e += d * d;
    }
    return e;
  }
}

package org.ecgstream.model.threshold;

/**
 * The standard normal distribution's quantile, by bisection on its distribution function, which
 * is integrated numerically (Simpson's rule). Slow (60 steps of 4000 intervals, a few
 * milliseconds) and exact to 1e-9: it is used once per threshold.
 */
final class StandardNormal {
  private static final int INTERVALS = 4000;
  private static final double LOW = -12;

  private StandardNormal() {}

  /** z with P(Z ≤ z) = q, for q in (0, 1). */
  static double quantile(double q) {
    if (!(q > 0 && q < 1)) {
      throw new IllegalArgumentException("probability must be within (0, 1), got " + q);
    }
    double lo = LOW;
    double hi = -LOW;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (cdf(mid) < q) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  static double cdf(double z) {
    if (z <= LOW) {
      return 0;
    }
    double h = (z - LOW) / INTERVALS;
    double sum = density(LOW) + density(z);
    for (int i = 1; i < INTERVALS; i++) {
      sum += density(LOW + i * h) * (i % 2 == 1 ? 4 : 2);
    }
    return sum * h / 3;
  }

  private static double density(double x) {
    return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  }
}

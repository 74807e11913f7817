package org.ecgstream.model.threshold;

/**
 * The anomaly threshold on the per-window loss sum, with the rule and parameter that chose it.
 * A window is anomalous when its loss is strictly greater than {@code value}.
 */
public record Threshold(ThresholdRule rule, double parameter, double value) {
  public Threshold {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("threshold must be finite, got " + value);
    }
  }

  public boolean isAnomalous(double loss) {
    return loss > value;
  }

  public String describe() {
    return switch (rule) {
      case PERCENTILE -> String.format("%.4f (p%s of validation-normal losses)", value, trim(parameter));
      case F1_OPTIMAL -> String.format("%.4f (F1-optimal on a labelled validation set, F1=%.4f)", value, parameter);
      case FIXED -> String.format("%.4f (fixed)", value);
      case LOG_NORMAL -> String.format("%.4f (p%s of a log-normal fitted robustly to validation-normal losses)", value,
          trim(parameter));
    };
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}

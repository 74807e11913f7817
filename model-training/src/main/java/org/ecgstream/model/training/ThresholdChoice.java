package org.ecgstream.model.training;

import org.ecgstream.model.threshold.ThresholdRule;

/**
 * The user's threshold rule before it is applied: {@code p99} (a percentile of validation-normal
 * losses), {@code ln99} (a percentile of a log-normal fitted to them robustly), {@code f1}
 * (F1-optimal on a labelled validation file) or {@code fixed=26.5}.
 */
public record ThresholdChoice(ThresholdRule rule, double parameter) {

  public static ThresholdChoice parse(String text) {
    String t = text.strip().toLowerCase();
    try {
      if (t.startsWith("p")) {
        double p = Double.parseDouble(t.substring(1));
        if (p < 0 || p > 100) {
          throw new IllegalArgumentException("percentile must be within 0..100: " + text);
        }
        return new ThresholdChoice(ThresholdRule.PERCENTILE, p);
      }
      if (t.startsWith("ln")) {
        double p = Double.parseDouble(t.substring(2));
        if (!(p > 0 && p < 100)) {
          throw new IllegalArgumentException("log-normal percentile must be within (0, 100): " + text);
        }
        return new ThresholdChoice(ThresholdRule.LOG_NORMAL, p);
      }
      if (t.equals("f1")) {
        return new ThresholdChoice(ThresholdRule.F1_OPTIMAL, Double.NaN);
      }
      if (t.startsWith("fixed=")) {
        return new ThresholdChoice(ThresholdRule.FIXED, Double.parseDouble(t.substring(6)));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("threshold rule must be pNN (e.g. p99), lnNN (e.g. ln99), f1 or fixed=VALUE, "
        + "got '" + text + "'");
  }
}

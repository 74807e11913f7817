package org.ecgstream.model.threshold;

import java.util.Arrays;

/** Chooses a threshold from held-out losses, never from the test windows. */
public final class ThresholdSelector {
  private ThresholdSelector() {}

  /** The p-th percentile (0..100) of the losses, with linear interpolation between ranks. */
  public static Threshold percentile(double[] normalLosses, double p) {
    if (normalLosses.length == 0) {
      throw new IllegalArgumentException("no validation losses to take a percentile of");
    }
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be within 0..100, got " + p);
    }
    return new Threshold(ThresholdRule.PERCENTILE, p, percentileOf(normalLosses, p));
  }

  /**
   * The p-th percentile (0..100, exclusive) of a log-normal fitted to the losses robustly: the
   * median of their logarithms and 1.4826 × the median absolute deviation around it. A plain
   * percentile at p99 of a few hundred losses rests on its two or three largest; the fit uses the
   * bulk of them and extrapolates, so one outlying normal in the validation set does not carry
   * the threshold with it.
   */
  public static Threshold logNormal(double[] normalLosses, double p) {
    if (normalLosses.length < 3) {
      throw new IllegalArgumentException("need at least 3 validation losses to fit a log-normal, got "
          + normalLosses.length);
    }
    if (!(p > 0 && p < 100)) {
      throw new IllegalArgumentException("log-normal percentile must be within (0, 100), got " + p);
    }
    double[] logs = new double[normalLosses.length];
    for (int i = 0; i < logs.length; i++) {
      if (!(normalLosses[i] > 0)) {
        throw new IllegalArgumentException("a log-normal needs positive losses, got " + normalLosses[i]);
      }
      logs[i] = Math.log(normalLosses[i]);
    }
    double median = percentileOf(logs, 50);
    double[] deviations = Arrays.stream(logs).map(x -> Math.abs(x - median)).toArray();
    double sigma = 1.4826 * percentileOf(deviations, 50);
    if (!(sigma > 1e-9)) {
      throw new IllegalArgumentException("half or more of the validation losses are equal: no spread to fit a "
          + "log-normal to; use a percentile rule");
    }
    return new Threshold(ThresholdRule.LOG_NORMAL, p, Math.exp(median + sigma * StandardNormal.quantile(p / 100)));
  }

  static double percentileOf(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double rank = p / 100.0 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
  }

  /**
   * The threshold that maximises F1 (abnormal = positive) on labelled losses. Candidates lie
   * midway between consecutive distinct losses, so the rule does not sit on any one window.
   * The parameter stored with it is the F1 reached.
   */
  public static Threshold f1Optimal(double[] losses, boolean[] abnormal) {
    if (losses.length != abnormal.length || losses.length == 0) {
      throw new IllegalArgumentException("need as many labels as losses, and at least one");
    }
    int positives = 0;
    for (boolean a : abnormal) {
      positives += a ? 1 : 0;
    }
    if (positives == 0 || positives == losses.length) {
      throw new IllegalArgumentException("an F1-optimal threshold needs both normal and abnormal windows");
    }
    Integer[] order = new Integer[losses.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Descending by loss: lowering the threshold past each window flags it.
    Arrays.sort(order, (a, b) -> Double.compare(losses[b], losses[a]));
    double bestF1 = -1;
    double best = losses[order[0]];
    int tp = 0;
    int fp = 0;
    for (int k = 0; k < order.length; k++) {
      if (abnormal[order[k]]) {
        tp++;
      } else {
        fp++;
      }
      boolean lastOfTie = k == order.length - 1 || losses[order[k + 1]] < losses[order[k]];
      if (!lastOfTie) {
        continue;
      }
      double f1 = 2.0 * tp / (2.0 * tp + fp + (positives - tp));
      if (f1 > bestF1) {
        bestF1 = f1;
        double below = k == order.length - 1 ? losses[order[k]] - 1e-6 : losses[order[k + 1]];
        best = (losses[order[k]] + below) / 2;
      }
    }
    return new Threshold(ThresholdRule.F1_OPTIMAL, bestF1, best);
  }

  public static Threshold fixed(double value) {
    return new Threshold(ThresholdRule.FIXED, value, value);
  }
}

package org.ecgstream.model.eval;

import java.util.Map;

/**
 * What the model achieved on held-out test windows: threshold-dependent counts and rates, ranking
 * metrics, detection per abnormal class and the reference's balanced protocol. Stored in the
 * model file and printed by {@code evaluate --json}.
 *
 * @param perClass label → abnormal windows of that class flagged / total
 * @param balanced held-out normals against the same number of abnormal windows
 */
public record EvaluationMetrics(int normalWindows, int abnormalWindows, double threshold,
                                ConfusionMatrix confusion, double precision, double recall, double f1,
                                double accuracy, double rocAuc, double prAuc,
                                Map<Integer, ClassDetection> perClass, BalancedProtocol balanced) {

  /** Abnormal windows of one class, and how many were flagged. */
  public record ClassDetection(int detected, int total) {
    public double rate() {
      return total == 0 ? 0 : (double) detected / total;
    }
  }

  /** "N/size correct" for normal and abnormal windows, the reference tutorial's protocol. */
  public record BalancedProtocol(int size, int normalCorrect, int abnormalCorrect) {}
}

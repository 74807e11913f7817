package org.ecgstream.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Threshold-free metrics of how well losses rank abnormal windows above normal ones. */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** A point of the ROC curve. */
  public record RocPoint(double falsePositiveRate, double truePositiveRate) {}

  /**
   * ROC AUC as the probability that a random abnormal window has a higher loss than a random normal
   * one, ties counting one half (Mann-Whitney U).
   */
  public static double rocAuc(double[] losses, boolean[] abnormal) {
    Integer[] order = sortedAscending(losses);
    long positives = count(abnormal);
    long negatives = abnormal.length - positives;
    requireBoth(positives, negatives);
    double rankSumPositives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && losses[order[j + 1]] == losses[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (abnormal[order[k]]) {
          rankSumPositives += midRank;
        }
      }
      i = j + 1;
    }
    double u = rankSumPositives - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }

  /**
   * PR AUC as average precision: the sum over thresholds of precision times the increase in recall
   * (the step-wise definition, without interpolation).
   */
  public static double averagePrecision(double[] losses, boolean[] abnormal) {
    Integer[] order = sortedAscending(losses);
    long positives = count(abnormal);
    requireBoth(positives, abnormal.length - positives);
    double ap = 0;
    long tp = 0;
    long seen = 0;
    double lastRecall = 0;
    int i = order.length - 1;
    while (i >= 0) {
      int j = i;
      while (j - 1 >= 0 && losses[order[j - 1]] == losses[order[i]]) {
        j--;
      }
      for (int k = j; k <= i; k++) {
        seen++;
        if (abnormal[order[k]]) {
          tp++;
        }
      }
      double recall = (double) tp / positives;
      double precision = (double) tp / seen;
      ap += (recall - lastRecall) * precision;
      lastRecall = recall;
      i = j - 1;
    }
    return ap;
  }

  /** The ROC curve from the strictest threshold to the loosest. */
  public static List<RocPoint> rocCurve(double[] losses, boolean[] abnormal) {
    Integer[] order = sortedAscending(losses);
    long positives = count(abnormal);
    long negatives = abnormal.length - positives;
    requireBoth(positives, negatives);
    List<RocPoint> points = new ArrayList<>();
    points.add(new RocPoint(0, 0));
    long tp = 0;
    long fp = 0;
    int i = order.length - 1;
    while (i >= 0) {
      int j = i;
      while (j - 1 >= 0 && losses[order[j - 1]] == losses[order[i]]) {
        j--;
      }
      for (int k = j; k <= i; k++) {
        if (abnormal[order[k]]) tp++; else fp++;
      }
      points.add(new RocPoint((double) fp / negatives, (double) tp / positives));
      i = j - 1;
    }
    return points;
  }

  private static Integer[] sortedAscending(double[] losses) {
    Integer[] order = new Integer[losses.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(losses[a], losses[b]));
    return order;
  }

  private static long count(boolean[] flags) {
    long n = 0;
    for (boolean f : flags) {
      n += f ? 1 : 0;
    }
    return n;
  }

  private static void requireBoth(long positives, long negatives) {
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("ranking metrics need both normal and abnormal windows");
    }
  }
}

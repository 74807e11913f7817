package org.ecgstream.model.skab;

import java.util.Arrays;
import org.ecgstream.model.threshold.ThresholdSelector;

/**
 * From window scores to a 0/1 verdict per test row: a threshold from the training windows' scores
 * (factor × their q-quantile, the pandas linear-interpolation quantile, as the protocol's UCL) and a
 * rule that turns anomalous windows into anomalous rows.
 */
public final class SkabDetector {
  /** How anomalous windows become anomalous rows. */
  public enum PointRule {
    /**
     * The leaderboard's (a Keras example's, off-by-one included): windows lie in the test part
     * only, and test row i is anomalous only if N-1 ≤ i ≤ L-2N+1 and windows i-N+1 .. i-1 all are.
     */
    PROTOCOL,
    /** As a stream decides: a row is anomalous when the window that ends at it is (windows may reach back into the training rows). */
    CAUSAL
  }

  /**
   * @param quantile  q of the training windows' scores
   * @param factor    the threshold is factor × that quantile
   * @param smoothing with {@link PointRule#CAUSAL}: a window's score is the mean of the last this-many
   *                  windows' (1: its own); the threshold comes from the training windows' smoothed scores
   * @param episode   with {@link PointRule#CAUSAL}: how anomalous windows open and close an episode
   *                  whose rows are all anomalous, as the job's alert rule does
   */
  public record Rule(double quantile, double factor, PointRule points, int smoothing, Episode episode) {
    public Rule(double quantile, double factor, PointRule points) {
      this(quantile, factor, points, 1, Episode.EACH_WINDOW);
    }
  }

  /** Opens when k of the last m windows are anomalous, closes after {@code closeAfter} normal ones in a row. */
  public record Episode(int k, int m, int closeAfter) {
    /** Every window decides its own row. */
    public static final Episode EACH_WINDOW = new Episode(1, 1, 1);

    public Episode {
      if (k < 1 || m < k || m > 63 || closeAfter < 1) {
        throw new IllegalArgumentException("episode rule needs 1 <= k <= m <= 63 and closeAfter >= 1");
      }
    }
  }

  private SkabDetector() {}

  public static double threshold(double[] trainingScores, double quantile, double factor) {
    // The project's percentile interpolates linearly between ranks, as pandas' quantile does.
    return factor * ThresholdSelector.percentile(trainingScores, 100 * quantile).value();
  }

  /** One 0/1 per test row of the file. */
  public static int[] predict(SkabAutoencoder.Scores scores, Rule rule) {
    double ucl = threshold(scores.training(), rule.quantile(), rule.factor());
    int n = scores.window();
    double[] byEnd = scores.byEndRow();
    int testRows = byEnd.length - SkabFile.TRAIN_ROWS;
    int[] p = new int[testRows];
    if (rule.points() == PointRule.CAUSAL) {
      double[] smooth = smoothed(byEnd, n, rule.smoothing());
      double[] training = Arrays.copyOfRange(smooth, n - 1 + rule.smoothing() - 1, SkabFile.TRAIN_ROWS);
      double limit = threshold(training, rule.quantile(), rule.factor());
      // The episode state runs over the training rows too, as a stream would have it at row 400.
      long recent = 0;
      int calm = 0;
      boolean open = false;
      for (int row = n - 1 + rule.smoothing() - 1; row < byEnd.length; row++) {
        boolean bad = smooth[row] > limit;
        recent = ((recent << 1) | (bad ? 1 : 0)) & ((1L << rule.episode().m()) - 1);
        if (!open && Long.bitCount(recent) >= rule.episode().k()) {
          open = true;
          calm = 0;
        } else if (open) {
          calm = bad ? 0 : calm + 1;
          if (calm >= rule.episode().closeAfter()) {
            open = false;
            recent = 0;
          }
        }
        if (row >= SkabFile.TRAIN_ROWS) {
          p[row - SkabFile.TRAIN_ROWS] = open ? 1 : 0;
        }
      }
      return p;
    }
    // Test window j covers test rows j..j+N-1, so it ends at file row TRAIN_ROWS + j + N - 1.
    int windows = testRows - n + 1;
    boolean[] anomalous = new boolean[Math.max(0, windows)];
    for (int j = 0; j < anomalous.length; j++) {
      anomalous[j] = byEnd[SkabFile.TRAIN_ROWS + j + n - 1] > ucl;
    }
    for (int i = n - 1; i <= testRows - 2 * n + 1; i++) {
      boolean all = true;
      for (int j = i - n + 1; j <= i - 1 && all; j++) {
        all = anomalous[j];
      }
      p[i] = all ? 1 : 0;
    }
    return p;
  }

  /** The mean of each window's score and the {@code length - 1} windows before it (NaN where fewer exist). */
  static double[] smoothed(double[] byEnd, int window, int length) {
    double[] out = new double[byEnd.length];
    Arrays.fill(out, Double.NaN);
    double sum = 0;
    for (int row = window - 1; row < byEnd.length; row++) {
      sum += byEnd[row];
      if (row - length >= window - 1) {
        sum -= byEnd[row - length];
      }
      if (row - window + 1 >= length - 1) {
        out[row] = sum / length;
      }
    }
    return out;
  }
}

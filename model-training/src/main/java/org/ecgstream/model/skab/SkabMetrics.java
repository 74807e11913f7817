package org.ecgstream.model.skab;

import java.util.Arrays;
import java.util.List;

/**
 * SKAB's leaderboard metrics, as its protocol computes them (PROTOCOL.md sections 4 and 5):
 * outliers as a confusion matrix pooled over every file's test part (F1, false-alarm rate,
 * missed-alarm rate), and changepoints as NAB scores with a 60-second window to the right of each
 * true changepoint, the predicted changepoints being both ends of every predicted segment.
 */
public final class SkabMetrics {
  /** NAB's window after each true changepoint, in seconds, both ends included. */
  public static final long WINDOW_SECONDS = 60;

  private SkabMetrics() {}

  /** One file's scored rows: their times, true labels, and a 0/1 prediction each. */
  public record Scored(String file, long[] times, int[] anomaly, int[] changepoint, int[] predicted) {
    public Scored {
      if (times.length != anomaly.length || times.length != changepoint.length || times.length != predicted.length) {
        throw new IllegalArgumentException(file + ": " + times.length + " times, " + anomaly.length + " anomaly labels, "
            + changepoint.length + " changepoint labels, " + predicted.length + " predictions");
      }
    }
  }

  /** The test part of {@code f} (rows from {@link SkabFile#TRAIN_ROWS} on) with these predictions. */
  public static Scored testPart(SkabFile f, int[] predicted) {
    int from = SkabFile.TRAIN_ROWS;
    return new Scored(f.name(), Arrays.copyOfRange(f.times(), from, f.rows()),
        Arrays.copyOfRange(f.anomaly(), from, f.rows()), Arrays.copyOfRange(f.changepoint(), from, f.rows()), predicted);
  }

  /** The pooled confusion matrix of the outlier predictions. */
  public record Outliers(long tp, long tn, long fp, long fn) {
    public double f1() {
      return 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /** False-alarm rate, percent. */
    public double far() {
      return 100.0 * fp / (fp + tn);
    }

    /** Missed-alarm rate, percent. */
    public double mar() {
      return 100.0 * fn / (fn + tp);
    }
  }

  public static Outliers outliers(List<Scored> files) {
    long tp = 0;
    long tn = 0;
    long fp = 0;
    long fn = 0;
    for (Scored s : files) {
      for (int i = 0; i < s.predicted().length; i++) {
        boolean truth = s.anomaly()[i] == 1;
        boolean said = s.predicted()[i] == 1;
        if (truth && said) {
          tp++;
        } else if (truth) {
          fn++;
        } else if (said) {
          fp++;
        } else {
          tn++;
        }
      }
    }
    return new Outliers(tp, tn, fp, fn);
  }

  /** Predicted changepoints from outlier predictions: both the start and the end of every segment. */
  public static int[] changepointsOf(int[] predicted) {
    int[] cp = new int[predicted.length];
    for (int t = 0; t < predicted.length; t++) {
      cp[t] = t == 0 ? predicted[0] : Math.abs(predicted[t] - predicted[t - 1]);
    }
    return cp;
  }

  /** NAB's weights of a true positive, a false positive and a false negative. */
  public enum Profile {
    STANDARD(1, -0.11, -1), LOW_FP(1, -0.22, -1), LOW_FN(1, -0.11, -2);

    final double tp;
    final double fp;
    final double fn;

    Profile(double tp, double fp, double fn) {
      this.tp = tp;
      this.fp = fp;
      this.fn = fn;
    }
  }

  /** NAB scores under the three profiles, the missed windows and the false-positive changepoints. */
  public record Nab(double standard, double lowFp, double lowFn, int missed, int falsePositives) {}

  public static Nab nab(List<Scored> files) {
    double[] score = new double[Profile.values().length];
    double[] nullScore = new double[score.length];
    double[] perfect = new double[score.length];
    int missed = 0;
    int falsePositives = 0;
    for (Scored s : files) {
      long[][] windows = windows(s);
      long[] predicted = timesOf(s.times(), changepointsOf(s.predicted()));
      int fileFalsePositives = 0;
      int fileMissed = 0;
      double[] tpScore = new double[score.length];
      for (long[] w : windows) {
        long first = Arrays.stream(predicted).filter(t -> t >= w[0] && t <= w[1]).min().orElse(Long.MIN_VALUE);
        if (first == Long.MIN_VALUE) {
          fileMissed++;
          continue;
        }
        double rel = w[1] == w[0] ? 0 : (double) (first - w[0]) / (w[1] - w[0]);
        for (Profile p : Profile.values()) {
          tpScore[p.ordinal()] += scaled(rel, p);
        }
      }
      for (long t : predicted) {
        if (Arrays.stream(windows).noneMatch(w -> t >= w[0] && t <= w[1])) {
          fileFalsePositives++;
        }
      }
      for (Profile p : Profile.values()) {
        score[p.ordinal()] += tpScore[p.ordinal()] + p.fp * fileFalsePositives + p.fn * fileMissed;
        nullScore[p.ordinal()] += p.fn * windows.length;
        perfect[p.ordinal()] += p.tp * windows.length;
      }
      missed += fileMissed;
      falsePositives += fileFalsePositives;
    }
    double[] nab = new double[score.length];
    for (int i = 0; i < nab.length; i++) {
      nab[i] = 100 * (score[i] - nullScore[i]) / (perfect[i] - nullScore[i]);
    }
    return new Nab(nab[0], nab[1], nab[2], missed, falsePositives);
  }

  /**
   * The windows [c, c + 60 s] of the true changepoints, in time order; where one reaches the next,
   * the next starts where it ends (they share that edge).
   */
  static long[][] windows(Scored s) {
    long[] starts = timesOf(s.times(), s.changepoint());
    Arrays.sort(starts);
    long[][] w = new long[starts.length][];
    for (int i = 0; i < starts.length; i++) {
      w[i] = new long[] {starts[i], starts[i] + WINDOW_SECONDS};
      if (i > 0 && w[i - 1][1] >= w[i][0]) {
        w[i][0] = w[i - 1][1];
      }
    }
    return w;
  }

  /** NAB's scaled score of a detection at relative position {@code rel} in its window. */
  static double scaled(double rel, Profile p) {
    int e = (int) Math.min(Math.floor(1000 * rel), 999);
    double x = -Math.PI / 2 + Math.PI * e / 999;
    return p.fp + (p.tp - p.fp) * (1 - Math.tanh(x) / Math.tanh(Math.PI / 2)) / 2;
  }

  private static long[] timesOf(long[] times, int[] marks) {
    return java.util.stream.IntStream.range(0, marks.length).filter(i -> marks[i] == 1).mapToLong(i -> times[i]).toArray();
  }

  /** Rounded to two decimals, as the leaderboard prints. */
  public static double rounded(double v) {
    return Math.round(v * 100) / 100.0;
  }
}

package org.ecgstream.model.eval;

import java.util.List;
import org.ecgstream.model.wfdb.Annotation;

/**
 * Beat-by-beat counts for one class on one record as ANSI/AAMI EC57 makes them, from the end of
 * the learning period on: a flagged detection that matches a reference beat of the class (within
 * 150 ms) is a true positive, any other flagged detection a false positive, a reference beat of
 * the class not flagged (or not detected) a false negative. {@code fusion} counts the false
 * positives that are fusion (F) beats. Alerts follow a k-of-m rule on the flags and close after
 * {@code closeAfter} unflagged beats; an episode is false when none of the beats that opened it is
 * of the class or a fusion beat.
 */
public record Ec57Counts(int positives, int truePositives, int falsePositives, int fusion, int episodes,
                         int falseEpisodes, double hours) {
  /** The alert rule: k of the last m flagged opens an episode, closeAfter unflagged in a row closes it. */
  public record AlertRule(int k, int m, int closeAfter) {
    public AlertRule {
      if (k < 1 || k > m || m > 31 || closeAfter < 1) {
        throw new IllegalArgumentException("alert rule k,m,close-after must have 1 <= k <= m <= 31 and close-after >= 1, "
            + "got " + k + "," + m + "," + closeAfter);
      }
    }
  }

  /** Which reference codes are the class counted. */
  public interface BeatClass {
    boolean test(String code);
  }

  public static final BeatClass VENTRICULAR = c -> c.equals("V") || c.equals("E");
  public static final BeatClass SUPRAVENTRICULAR = c -> c.equals("A") || c.equals("a") || c.equals("J")
      || c.equals("S");

  /**
   * Counts detections {@code peaks} (with their matched reference codes, "" for none) flagged as
   * {@code flagged}, over the reference {@code annotations}, from sample {@code from} on.
   */
  public static Ec57Counts of(long[] peaks, String[] codes, boolean[] flagged, List<Annotation> annotations,
                              BeatClass cls, long from, double hours, AlertRule rule) {
    int positives = (int) annotations.stream().filter(a -> a.isBeat() && a.sample() >= from && cls.test(a.code()))
        .count();
    int first = 0;
    while (first < peaks.length && peaks[first] < from) {
      first++;
    }
    long[] beats = annotations.stream().filter(Annotation::isBeat).mapToLong(Annotation::sample).sorted().toArray();
    int tp = 0;
    int fp = 0;
    int fusion = 0;
    for (int i = first; i < peaks.length; i++) {
      // One detection per reference beat: a second detection matched to the same beat (the one
      // before it matched it too, within 150 ms) is a false positive, so TP never exceeds the beats.
      boolean again = i > first && !codes[i].isEmpty() && codes[i - 1].equals(codes[i])
          && nearest(beats, peaks[i - 1]) == nearest(beats, peaks[i]);
      if (flagged[i] && cls.test(codes[i]) && !again) {
        tp++;
      } else if (flagged[i]) {
        fp++;
        fusion += codes[i].equals("F") ? 1 : 0;
      }
    }
    int episodes = 0;
    int falseEpisodes = 0;
    int recent = 0;
    boolean open = false;
    int normalRun = 0;
    // The beats an opening window may look at start after the last close (the flags were reset there).
    int windowStart = first;
    for (int i = first; i < peaks.length; i++) {
      recent = ((recent << 1) | (flagged[i] ? 1 : 0)) & ((1 << rule.m()) - 1);
      if (!open && Integer.bitCount(recent) >= rule.k()) {
        open = true;
        normalRun = 0;
        episodes++;
        boolean real = false;
        for (int j = Math.max(windowStart, i - rule.m() + 1); j <= i; j++) {
          real |= cls.test(codes[j]) || codes[j].equals("F");
        }
        falseEpisodes += real ? 0 : 1;
      } else if (open) {
        normalRun = flagged[i] ? 0 : normalRun + 1;
        if (normalRun >= rule.closeAfter()) {
          open = false;
          recent = 0;
          windowStart = i + 1;
        }
      }
    }
    // Reference beats of the class never detected are false negatives too: Se = TP / positives.
    return new Ec57Counts(positives, tp, fp, fusion, episodes, falseEpisodes, hours);
  }

  /** The index of the reference beat nearest to {@code peak} in the sorted {@code beats}, -1 when there is none. */
  private static int nearest(long[] beats, long peak) {
    if (beats.length == 0) {
      return -1;
    }
    int at = java.util.Arrays.binarySearch(beats, peak);
    if (at >= 0) {
      return at;
    }
    int after = -at - 1;
    if (after == 0) {
      return 0;
    }
    if (after == beats.length) {
      return beats.length - 1;
    }
    return peak - beats[after - 1] <= beats[after] - peak ? after - 1 : after;
  }

  public int falseNegatives() {
    return positives - truePositives;
  }

  public double sensitivity() {
    return positives == 0 ? Double.NaN : truePositives / (double) positives;
  }

  public double positivePredictivity() {
    return truePositives + falsePositives == 0 ? Double.NaN : truePositives / (double) (truePositives + falsePositives);
  }

  public double falseAlertsPerHour() {
    return falseEpisodes / hours;
  }

  /** Gross totals: the sums of the records' counts. */
  public Ec57Counts plus(Ec57Counts o) {
    return new Ec57Counts(positives + o.positives, truePositives + o.truePositives, falsePositives + o.falsePositives,
        fusion + o.fusion, episodes + o.episodes, falseEpisodes + o.falseEpisodes, hours + o.hours);
  }

  public static Ec57Counts none() {
    return new Ec57Counts(0, 0, 0, 0, 0, 0, 0);
  }
}

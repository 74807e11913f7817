package org.ecgstream.model.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.rpeak.BeatWindow;
import org.ecgstream.model.rpeak.RPeakDetector;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.threshold.RobustThreshold;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.WfdbBeats;
import org.ecgstream.model.wfdb.WfdbRecord;

/**
 * Ventricular ectopic beat (V) detection on a continuous record as the job does it: R peaks found
 * by the streaming detector, a window cut around each, a per-patient threshold set on the first
 * minutes (the learning period, excluded from every count), then beat-level sensitivity and
 * positive predictivity for V beats (EC57 class V: V and E) and alert episodes per hour under the
 * job's rule (k of the last m beats flagged opens, {@code closeAfter} normal beats close). The
 * autoencoder's loss is compared with a template-matching baseline: 1 − correlation with the
 * median beat of the learning period (rebuilt from the best-matching half, so ectopic beats in
 * the learning period do not shape it).
 */
public final class MitBihEvaluation {
  /** One method's outcome on one record. */
  public record Result(String record, String method, double threshold, int vBeats, int truePositives,
                       int falsePositives, int falseNegatives, int episodes, int falseEpisodes, double hours) {
    public double sensitivity() {
      return vBeats == 0 ? Double.NaN : truePositives / (double) (truePositives + falseNegatives);
    }

    public double positivePredictivity() {
      return truePositives + falsePositives == 0 ? Double.NaN : truePositives / (double) (truePositives + falsePositives);
    }

    public double falseAlertsPerHour() {
      return falseEpisodes / hours;
    }
  }

  /** The alert rule: k of the last m flagged opens an episode, closeAfter unflagged in a row closes it. */
  public record AlertRule(int k, int m, int closeAfter) {}

  private MitBihEvaluation() {}

  /** Our autoencoder and the template baseline on {@code record}, learning for {@code learningSeconds}. */
  public static List<Result> evaluate(WfdbRecord record, Scorer scorer, double learningSeconds, double k, AlertRule rule) {
    double fs = record.header().frequency();
    float[] lead = record.physical(0);
    RPeakDetector d = new RPeakDetector(fs);
    List<Long> peaks = new ArrayList<>();
    for (float x : lead) {
      d.push(x, peaks::add);
    }
    d.finish(peaks::add);
    long before = BeatWindow.before(WfdbBeats.BEFORE_MS, fs);
    long after = BeatWindow.after(WfdbBeats.AFTER_MS, fs);
    int length = scorer.windowLength();
    List<Long> kept = new ArrayList<>();
    List<float[]> windows = new ArrayList<>();
    for (long p : peaks) {
      if (p - before >= 0 && p + after <= lead.length) {
        kept.add(p);
        windows.add(BeatWindow.cut((i, c) -> lead[(int) i], p - before, p + after, length, 1));
      }
    }
    int n = kept.size();
    double[] loss = scorer.losses(windows.stream().map(w -> LabelledWindow.univariate("beat", LabelledWindow.UNLABELLED, w)).toList(), 64);
    long learningEnd = Math.round(learningSeconds * fs);
    int learning = 0;
    while (learning < n && kept.get(learning) < learningEnd) {
      learning++;
    }
    if (learning == 0 || learning == n) {
      throw new IllegalArgumentException("record " + record.header().record() + ": the learning period of "
          + learningSeconds + " s must hold some but not all beats");
    }
    double[] template = medianBeat(windows.subList(0, learning), length);
    double[] mismatch = mismatch(windows, template);
    // The learning period may hold many ectopic beats: rebuild the template from the half that
    // matches it best, twice, so it settles on the dominant (normal) morphology.
    for (int round = 0; round < 2; round++) {
      double[] m = mismatch;
      List<float[]> best = java.util.stream.IntStream.range(0, learning).boxed()
          .sorted(java.util.Comparator.comparingDouble(i -> m[i])).limit(Math.max(1, learning / 2))
          .map(windows::get).toList();
      template = medianBeat(best, length);
      mismatch = mismatch(windows, template);
    }
    String[] label = labels(record, kept, Math.round(0.150 * fs));
    int vAfterLearning = (int) record.beats().stream()
        .filter(a -> a.sample() >= learningEnd && a.isVentricular()).count();
    double hours = (lead.length - learningEnd) / fs / 3600;
    String name = record.header().record();
    return List.of(judge(name, "autoencoder", loss, learning, label, vAfterLearning, k, rule, hours),
        judge(name, "template", mismatch, learning, label, vAfterLearning, k, rule, hours));
  }

  private static Result judge(String record, String method, double[] score, int learning, String[] label,
                              int vBeats, double k, AlertRule rule, double hours) {
    float[] learnt = new float[learning];
    for (int i = 0; i < learning; i++) {
      learnt[i] = (float) score[i];
    }
    double threshold = RobustThreshold.of(learnt, learning, k);
    int tp = 0;
    int fp = 0;
    boolean[] flagged = new boolean[score.length];
    for (int i = learning; i < score.length; i++) {
      flagged[i] = score[i] > threshold;
      if (flagged[i] && "V".equals(label[i])) {
        tp++;
      } else if (flagged[i]) {
        fp++;
      }
    }
    int episodes = 0;
    int falseEpisodes = 0;
    int recent = 0;
    boolean open = false;
    int normalRun = 0;
    for (int i = learning; i < score.length; i++) {
      recent = ((recent << 1) | (flagged[i] ? 1 : 0)) & ((1 << rule.m()) - 1);
      if (!open && Integer.bitCount(recent) >= rule.k()) {
        open = true;
        normalRun = 0;
        episodes++;
        boolean anyV = false;
        for (int j = Math.max(learning, i - rule.m() + 1); j <= i; j++) {
          anyV |= "V".equals(label[j]);
        }
        falseEpisodes += anyV ? 0 : 1;
      } else if (open) {
        normalRun = flagged[i] ? 0 : normalRun + 1;
        if (normalRun >= rule.closeAfter()) {
          open = false;
          recent = 0;
        }
      }
    }
    return new Result(record, method, threshold, vBeats, tp, fp, vBeats - tp, episodes, falseEpisodes, hours);
  }

  /** Each detected beat's reference class ("V" for V and E, "other" for other beats, "none" for a false detection). */
  private static String[] labels(WfdbRecord record, List<Long> peaks, long tolerance) {
    TreeMap<Long, Annotation> ref = new TreeMap<>();
    record.beats().forEach(a -> ref.put(a.sample(), a));
    String[] out = new String[peaks.size()];
    for (int i = 0; i < out.length; i++) {
      long p = peaks.get(i);
      var lo = ref.floorEntry(p);
      var hi = ref.ceilingEntry(p);
      Annotation best = null;
      if (lo != null && p - lo.getKey() <= tolerance) {
        best = lo.getValue();
      }
      if (hi != null && hi.getKey() - p <= tolerance && (best == null || hi.getKey() - p < p - best.sample())) {
        best = hi.getValue();
      }
      out[i] = best == null ? "none" : best.isVentricular() ? "V" : "other";
    }
    return out;
  }

  /** 1 − Pearson correlation of each (z-normalised) window with the template. */
  private static double[] mismatch(List<float[]> windows, double[] template) {
    int length = template.length;
    double scale = Math.max(1e-9, norm(template) / Math.sqrt(length));
    double[] out = new double[windows.size()];
    for (int i = 0; i < out.length; i++) {
      double dot = 0;
      for (int t = 0; t < length; t++) {
        dot += windows.get(i)[t] * template[t];
      }
      out[i] = 1 - dot / length / scale;
    }
    return out;
  }

  private static double[] medianBeat(List<float[]> beats, int length) {
    double[] m = new double[length];
    double[] column = new double[beats.size()];
    for (int t = 0; t < length; t++) {
      for (int i = 0; i < beats.size(); i++) {
        column[i] = beats.get(i)[t];
      }
      java.util.Arrays.sort(column);
      m[t] = column[column.length / 2];
    }
    return m;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}

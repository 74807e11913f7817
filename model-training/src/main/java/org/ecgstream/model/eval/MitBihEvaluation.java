package org.ecgstream.model.eval;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.rpeak.BeatTemplate;
import org.ecgstream.model.rpeak.BeatWindow;
import org.ecgstream.model.rpeak.RPeakDetector;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.threshold.RobustThreshold;
import org.ecgstream.model.wfdb.ReferenceBeats;
import org.ecgstream.model.wfdb.WfdbBeats;
import org.ecgstream.model.wfdb.WfdbRecord;

/**
 * Ventricular ectopic beat (V) detection on a continuous record as the job does it: R peaks found
 * by the streaming detector, a window cut around each, a per-patient threshold set on the first
 * minutes (the learning period, excluded from every count), then beat-level sensitivity and
 * positive predictivity for V beats (EC57 class V: V and E) and alert episodes per hour under the
 * job's rule (k of the last m beats flagged opens, {@code closeAfter} normal beats close). Four
 * methods on the same beats: the autoencoder's loss alone; the template baseline (1 − correlation
 * with the patient's {@link BeatTemplate} shape, thresholded by the plain per-patient rule over all
 * learning beats); the patient template alone (its own threshold rule); and the job's method, a
 * beat flagged by the autoencoder or by the patient template.
 */
public final class MitBihEvaluation {
  public static final String AUTOENCODER = "autoencoder";
  public static final String BASELINE = "template baseline";
  public static final String TEMPLATE = "patient template";
  public static final String COMBINED = "autoencoder + template";

  /**
   * One method's outcome on one record. {@code fusionFlagged} of the false positives are fusion (F)
   * beats, partly ventricular. An episode is false when none of the beats that opened it is a V or
   * an F beat; {@code episodesWithoutV} also counts those opened by fusion beats alone.
   */
  public record Result(String record, String method, int vBeats, int truePositives, int falsePositives,
                       int fusionFlagged, int falseNegatives, int episodes, int falseEpisodes, int episodesWithoutV,
                       double hours) {
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

  /**
   * How beats are judged: {@code k} for the autoencoder's and the baseline's per-patient rule,
   * {@code templateK} and {@code minMismatch} for the patient template ({@link BeatTemplate#learn}).
   */
  public record Rules(double k, double templateK, double minMismatch, AlertRule alerts) {}

  private MitBihEvaluation() {}

  /** The four methods on {@code record}, learning for {@code learningSeconds}. */
  public static List<Result> evaluate(WfdbRecord record, Scorer scorer, double learningSeconds, Rules rules) {
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
    BeatTemplate template = BeatTemplate.learn(windows.subList(0, learning), rules.templateK(), rules.minMismatch());
    double[] mismatch = windows.stream().mapToDouble(template::mismatch).toArray();
    boolean[] byModel = above(loss, learning, RobustThreshold.of(floats(loss, learning), learning, rules.k()));
    boolean[] byBaseline = above(mismatch, learning, RobustThreshold.of(floats(mismatch, learning), learning, rules.k()));
    boolean[] byTemplate = above(mismatch, learning, template.threshold());
    boolean[] either = new boolean[n];
    for (int i = 0; i < n; i++) {
      either[i] = byModel[i] || byTemplate[i];
    }
    String[] label = labels(record, kept);
    int vAfterLearning = (int) record.beats().stream()
        .filter(a -> a.sample() >= learningEnd && a.isVentricular()).count();
    double hours = (lead.length - learningEnd) / fs / 3600;
    String name = record.header().record();
    AlertRule rule = rules.alerts();
    return List.of(judge(name, AUTOENCODER, byModel, learning, label, vAfterLearning, rule, hours),
        judge(name, BASELINE, byBaseline, learning, label, vAfterLearning, rule, hours),
        judge(name, TEMPLATE, byTemplate, learning, label, vAfterLearning, rule, hours),
        judge(name, COMBINED, either, learning, label, vAfterLearning, rule, hours));
  }

  private static boolean[] above(double[] score, int learning, double threshold) {
    boolean[] out = new boolean[score.length];
    for (int i = learning; i < score.length; i++) {
      out[i] = score[i] > threshold;
    }
    return out;
  }

  private static float[] floats(double[] v, int count) {
    float[] f = new float[count];
    for (int i = 0; i < count; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  private static Result judge(String record, String method, boolean[] flagged, int learning, String[] label,
                              int vBeats, AlertRule rule, double hours) {
    int tp = 0;
    int fp = 0;
    int fusion = 0;
    for (int i = learning; i < flagged.length; i++) {
      if (flagged[i] && "V".equals(label[i])) {
        tp++;
      } else if (flagged[i]) {
        fp++;
        fusion += "F".equals(label[i]) ? 1 : 0;
      }
    }
    int episodes = 0;
    int falseEpisodes = 0;
    int withoutV = 0;
    int recent = 0;
    boolean open = false;
    int normalRun = 0;
    for (int i = learning; i < flagged.length; i++) {
      recent = ((recent << 1) | (flagged[i] ? 1 : 0)) & ((1 << rule.m()) - 1);
      if (!open && Integer.bitCount(recent) >= rule.k()) {
        open = true;
        normalRun = 0;
        episodes++;
        boolean anyV = false;
        boolean anyF = false;
        for (int j = Math.max(learning, i - rule.m() + 1); j <= i; j++) {
          anyV |= "V".equals(label[j]);
          anyF |= "F".equals(label[j]);
        }
        falseEpisodes += anyV || anyF ? 0 : 1;
        withoutV += anyV ? 0 : 1;
      } else if (open) {
        normalRun = flagged[i] ? 0 : normalRun + 1;
        if (normalRun >= rule.closeAfter()) {
          open = false;
          recent = 0;
        }
      }
    }
    return new Result(record, method, vBeats, tp, fp, fusion, vBeats - tp, episodes, falseEpisodes, withoutV, hours);
  }

  /** Each detected beat's reference class ({@link ReferenceBeats#ventricularClass}). */
  private static String[] labels(WfdbRecord record, List<Long> peaks) {
    ReferenceBeats ref = ReferenceBeats.of(record);
    return peaks.stream().map(ref::ventricularClass).toArray(String[]::new);
  }
}

package org.ecgstream.playground.demo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ecgstream.job.replay.PlannedBeat;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.playground.embedded.RunStats;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;

/**
 * What the demo saw, judged against the archive's labels: per-beat precision and recall, which
 * patients alerted, throughput and the latency from a beat's last sample to its committed score.
 */
record DemoSummary(int beatsSent, int beatsScored, int deadLetters, long truePositives, long falsePositives,
                   long falseNegatives, double precision, double recall, int alertsOpened, int alertsClosed,
                   Set<String> patientsAlerted, Set<String> arrhythmicPatients, double throughputBeatsPerSecond,
                   double latencyP50Millis, double latencyP99Millis, double threshold, String modelVersion,
                   String deliveryGuarantee) {

  static DemoSummary of(ReplayPlan plan, List<BeatScore> scores, List<Alert> alerts, int deadLetters,
                        Map<String, Long> sentAt, Map<String, Long> seenAt, int normalLabel, String guarantee) {
    Map<String, Integer> labels = new java.util.HashMap<>();
    Set<String> arrhythmic = new TreeSet<>();
    for (PlannedBeat b : plan.all()) {
      labels.put(b.sourceId() + "/" + b.firstSequence(), b.label());
      if (b.label() != normalLabel) {
        arrhythmic.add(b.sourceId());
      }
    }
    long tp = 0;
    long fp = 0;
    long fn = 0;
    for (BeatScore s : scores) {
      Integer label = labels.get(s.getSourceId() + "/" + s.getFirstSequence());
      boolean abnormal = label != null && label != normalLabel;
      if (s.getAnomalous() && abnormal) tp++;
      else if (s.getAnomalous()) fp++;
      else if (abnormal) fn++;
    }
    double[] latency = RunStats.latencies(sentAt, seenAt);
    Set<String> alerted = new TreeSet<>();
    alerts.stream().filter(a -> a.getKind() == AlertKind.OPENED).forEach(a -> alerted.add(a.getSourceId()));
    return new DemoSummary(plan.beats(), scores.size(), deadLetters, tp, fp, fn,
        tp + fp == 0 ? 0 : (double) tp / (tp + fp), tp + fn == 0 ? 0 : (double) tp / (tp + fn),
        (int) alerts.stream().filter(a -> a.getKind() == AlertKind.OPENED).count(),
        (int) alerts.stream().filter(a -> a.getKind() == AlertKind.CLOSED).count(), alerted, arrhythmic,
        RunStats.throughput(sentAt, seenAt), RunStats.percentile(latency, 50), RunStats.percentile(latency, 99),
        scores.isEmpty() ? Double.NaN : scores.get(0).getThreshold(),
        scores.isEmpty() ? "" : scores.get(0).getModelVersion(), guarantee);
  }

  String text() {
    return String.join(System.lineSeparator(),
        "==================== summary ====================",
        String.format("beats sent %d, scored %d, dead letters %d", beatsSent, beatsScored, deadLetters),
        String.format("per-beat detection vs archive labels: precision %.3f, recall %.3f (TP %d, FP %d, FN %d)",
            precision, recall, truePositives, falsePositives, falseNegatives),
        String.format("alerts opened %d, closed %d; patients alerted %s; arrhythmic patients %s", alertsOpened,
            alertsClosed, patientsAlerted, arrhythmicPatients),
        String.format("throughput %.1f beats/s; latency last sample -> committed score: p50 %.0f ms, p99 %.0f ms (%s)",
            throughputBeatsPerSecond, latencyP50Millis, latencyP99Millis, deliveryGuarantee),
        String.format("model %s, threshold %.3f", modelVersion, threshold),
        "=================================================");
  }
}

package org.ecgstream.model.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ecgstream.model.eval.AlertKinds;
import org.ecgstream.model.eval.Ec57Counts;
import org.ecgstream.model.eval.KindScore;
import org.ecgstream.model.eval.RhythmEpisodes;
import org.ecgstream.model.wfdb.Annotation;

/**
 * The alert kinds of each method summed over the records: ventricular runs against MIT-BIH's
 * {@code (VT} episodes, bigeminy against {@code (B}, alerts opened inside ventricular flutter
 * ({@code (VFL}), the other kinds counted; and the 3-of-5 rule's episodes beside them.
 */
final class AlertKindTable {
  /** One record's verdicts by one method: its detections, their reference codes ("" for none) and V flags. */
  record Verdicts(long[] peaks, String[] codes, boolean[] ventricular) {}

  /** One record's reference: rhythm episodes, annotations, where counting starts, rate and hours counted. */
  record Reference(RhythmEpisodes rhythms, List<Annotation> annotations, long from, double fs, double hours) {}

  private final Map<String, KindScore[]> totals = new LinkedHashMap<>();
  private final Map<String, int[]> counts = new LinkedHashMap<>();
  private final Map<String, Ec57Counts> rule = new LinkedHashMap<>();

  void add(String method, Verdicts v, Reference ref, Ec57Counts.AlertRule alertRule) {
    int first = 0;
    while (first < v.peaks().length && v.peaks()[first] < ref.from()) {
      first++;
    }
    List<AlertKinds.Alert> alerts = AlertKinds.of(v.peaks(), v.ventricular(), ref.fs(), first);
    KindScore run = KindScore.of(alerts, AlertKinds.Kind.VENTRICULAR_RUN, ref.rhythms().of("VT", ref.from()), v.peaks(),
        ref.from(), ref.fs(), ref.hours());
    KindScore big = KindScore.of(alerts, AlertKinds.Kind.BIGEMINY, ref.rhythms().of("B", ref.from()), v.peaks(),
        ref.from(), ref.fs(), ref.hours());
    KindScore[] t = totals.computeIfAbsent(method, m -> new KindScore[] {KindScore.none(), KindScore.none()});
    t[0] = t[0].plus(run);
    t[1] = t[1].plus(big);
    int[] c = counts.computeIfAbsent(method, m -> new int[AlertKinds.Kind.values().length + 1]);
    for (AlertKinds.Alert a : alerts) {
      c[a.kind().ordinal()]++;
      long at = v.peaks()[a.openedAt()];
      boolean inFlutter = ref.rhythms().of("VFL", ref.from()).stream().anyMatch(e -> e.overlaps(at, at + 1));
      c[AlertKinds.Kind.values().length] += inFlutter ? 1 : 0;
    }
    Ec57Counts e = Ec57Counts.of(v.peaks(), v.codes(), v.ventricular(), ref.annotations(), Ec57Counts.VENTRICULAR,
        ref.from(), ref.hours(), alertRule);
    rule.merge(method, e, Ec57Counts::plus);
  }

  void print() {
    System.out.println();
    System.out.println("alert kinds, summed over the records (runs against (VT episodes, bigeminy against (B, within "
        + KindScore.TOLERANCE_S + " s)");
    System.out.printf("%-12s %9s %9s %8s %8s | %9s %8s %8s | %6s %6s %6s %6s %6s | %9s | %8s %8s %8s%n", "method",
        "VT found", "run alrt", "false", "false/h", "B found", "big alrt", "false", "freq", "pause", "brady", "tachy",
        "in VFL", "3 of 5", "VEB Se %", "VEB +P %", "false/h");
    for (String m : totals.keySet()) {
      KindScore run = totals.get(m)[0];
      KindScore big = totals.get(m)[1];
      int[] c = counts.get(m);
      Ec57Counts e = rule.get(m);
      System.out.printf("%-12s %4d/%-4d %9d %8d %8.2f | %4d/%-4d %8d %8d | %6d %6d %6d %6d %6d | %4d (%2d) | %8.2f %8.2f %8.2f%n",
          m, run.found(), run.episodes(), run.alerts(), run.falseAlerts(), run.falseAlertsPerHour(), big.found(),
          big.episodes(), big.alerts(), big.falseAlerts(), c[AlertKinds.Kind.FREQUENT_PVC.ordinal()],
          c[AlertKinds.Kind.PAUSE.ordinal()], c[AlertKinds.Kind.BRADYCARDIA.ordinal()],
          c[AlertKinds.Kind.TACHYCARDIA.ordinal()], c[AlertKinds.Kind.values().length], e.episodes(),
          e.falseEpisodes(), 100 * e.sensitivity(), 100 * e.positivePredictivity(), e.falseAlertsPerHour());
    }
  }
}

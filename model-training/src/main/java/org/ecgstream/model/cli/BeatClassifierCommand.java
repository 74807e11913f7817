package org.ecgstream.model.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecgstream.model.beats.BoostedTrees;
import org.ecgstream.model.beats.LeaveOneRecordOut;
import org.ecgstream.model.beats.RecordBeats;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.eval.Ec57Counts;
import org.ecgstream.model.wfdb.WfdbRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code beats}: the beat classifier on continuous records, leave one record out, EC57 counts per record and gross. */
@Command(name = "beats", mixinStandardHelpOptions = true,
    description = "Classify every detected beat of continuous WFDB records as ventricular (V) or supraventricular "
        + "(S) ectopic with a classifier trained on the other records (leave one record out), and count as EC57 does.")
final class BeatClassifierCommand implements Callable<Integer> {
  static final List<String> DS1 = List.of("101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122",
      "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230");

  @Option(names = "--data", description = "Folder of WFDB records (default: the shipped MIT-BIH records).")
  Path data;

  @Option(names = "--records", split = ",", description = "Records (default: the 22 of DS1).")
  List<String> records;

  @Option(names = "--lead", defaultValue = "MLII", description = "Lead to detect and judge on; a record without it "
      + "uses its first signal, with a note (default: ${DEFAULT-VALUE}).")
  String lead;

  @Option(names = "--learning-s", defaultValue = "300", description = "Counts start here (default: ${DEFAULT-VALUE} s, "
      + "as EC57).")
  double learningSeconds;

  @Option(names = "--sveb", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also classify supraventricular ectopic beats (default: ${DEFAULT-VALUE}).")
  boolean sveb;

  @Option(names = "--alert", defaultValue = "3,5,5", split = ",", description = "Alert rule k,m,close-after "
      + "(default: ${DEFAULT-VALUE}, the job's).")
  int[] alert;

  @Override
  public Integer call() {
    Path dir = data == null ? ShippedData.mitdb() : data;
    List<String> names = records == null ? DS1 : records;
    List<RecordBeats> beats = new ArrayList<>();
    for (String name : names) {
      RecordBeats b = RecordBeats.of(WfdbRecord.read(dir, name), lead);
      if (!b.leads().note().isEmpty()) {
        System.out.println("note: " + b.leads().note());
      }
      beats.add(b);
    }
    BoostedTrees.Settings settings = BoostedTrees.Settings.defaults();
    List<LeaveOneRecordOut.Fold> v = LeaveOneRecordOut.run(beats, (r, i) -> r.isVentricular(i), settings);
    List<LeaveOneRecordOut.Fold> s = sveb ? LeaveOneRecordOut.run(beats, (r, i) -> r.isSupraventricular(i), settings)
        : beats.stream().map(r -> new LeaveOneRecordOut.Fold(new double[r.size()], 1)).toList();
    var rule = new Ec57Counts.AlertRule(alert[0], alert[1], alert[2]);
    System.out.printf("%-7s %6s %6s %6s %6s %8s %8s %8s %7s %5s | %6s %6s %6s %8s %8s %5s%n", "record", "V", "TP", "FP",
        "of F", "Se %", "+P %", "alerts", "false", "thr", "S", "TP", "FP", "Se %", "+P %", "thr");
    Ec57Counts totalV = Ec57Counts.none();
    Ec57Counts totalS = Ec57Counts.none();
    for (int k = 0; k < beats.size(); k++) {
      RecordBeats r = beats.get(k);
      long from = Math.round(learningSeconds * r.samplingHz());
      double hours = (r.samples() - from) / r.samplingHz() / 3600;
      Ec57Counts cv = Ec57Counts.of(r.peaks(), r.codes(), v.get(k).flags(), r.annotations(), Ec57Counts.VENTRICULAR,
          from, hours, rule);
      Ec57Counts cs = Ec57Counts.of(r.peaks(), r.codes(), s.get(k).flags(), r.annotations(),
          Ec57Counts.SUPRAVENTRICULAR, from, hours, rule);
      print(r.record(), cv, cs, v.get(k).threshold(), s.get(k).threshold());
      totalV = totalV.plus(cv);
      totalS = totalS.plus(cs);
    }
    print("gross", totalV, totalS, Double.NaN, Double.NaN);
    System.out.printf("false alerts per patient-hour: %.2f (%d in %.1f h)%n", totalV.falseAlertsPerHour(),
        totalV.falseEpisodes(), totalV.hours());
    return 0;
  }

  private static void print(String name, Ec57Counts v, Ec57Counts s, double vThreshold, double sThreshold) {
    System.out.printf("%-7s %6d %6d %6d %6d %8s %8s %8d %7d %5s | %6d %6d %6d %8s %8s %5s%n", name, v.positives(),
        v.truePositives(), v.falsePositives(), v.fusion(), percent(v.sensitivity()), percent(v.positivePredictivity()),
        v.episodes(), v.falseEpisodes(), threshold(vThreshold), s.positives(), s.truePositives(), s.falsePositives(),
        percent(s.sensitivity()), percent(s.positivePredictivity()), threshold(sThreshold));
  }

  private static String threshold(double t) {
    return Double.isNaN(t) ? "" : String.format("%.2f", t);
  }

  private static String percent(double x) {
    return Double.isNaN(x) ? "-" : String.format("%.2f", 100 * x);
  }
}

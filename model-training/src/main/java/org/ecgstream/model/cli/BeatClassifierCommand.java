package org.ecgstream.model.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ecgstream.model.beats.BeatClassifier;
import org.ecgstream.model.beats.BoostedTrees;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.beats.LeaveOneRecordOut;
import org.ecgstream.model.beats.RecordBeats;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.eval.Ec57Counts;
import org.ecgstream.model.eval.OseaDecisions;
import org.ecgstream.model.eval.RhythmEpisodes;
import org.ecgstream.model.threshold.RobustThreshold;
import org.ecgstream.model.wfdb.ReferenceBeats;
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

  /** What judges a beat. */
  enum Method {
    /** Boosted trees on the rule features (morphology against the patient's own beats, timing). */
    RULES,
    /** The autoencoder's loss alone, against a per-patient threshold from the learning period. */
    AUTOENCODER,
    /** Boosted trees on the rule features and the autoencoder's two. */
    COMBINED
  }

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

  @Option(names = "--methods", split = ",", defaultValue = "RULES", description = "RULES, AUTOENCODER and/or "
      + "COMBINED; several print an ablation (default: ${DEFAULT-VALUE}). The autoencoder's are trained per held-out "
      + "record, a few minutes each.")
  List<Method> methods;

  @Option(names = "--k", defaultValue = "8", description = "AUTOENCODER: threshold = median + k * 1.4826 * lower-half "
      + "MAD of the learning period's losses (default: ${DEFAULT-VALUE}, the job's calibration.k).")
  double k;

  @Option(names = "--sveb", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also classify supraventricular ectopic beats (default: ${DEFAULT-VALUE}).")
  boolean sveb;

  @Option(names = "--osea", description = "Folder of OSEA's per-beat decisions (RECORD.csv: sample,type,match), "
      + "counted beside the methods, exactly as they are.")
  Path osea;

  @Option(names = "--alert", defaultValue = "3,5,5", split = ",", description = "Alert rule k,m,close-after "
      + "(default: ${DEFAULT-VALUE}, the job's).")
  int[] alert;

  @Option(names = "--second-lead", description = "Describe beats from both leads where the record has two (default: "
      + "the primary lead only, as the job does with its one-channel model; both were measured, one did better).")
  boolean secondLead;

  @Option(names = "--ship", description = "After the evaluation, train the V classifier on all the records and store "
      + "it in this model file (its network untouched), for the job.")
  Path ship;

  @Option(names = "--context", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Two stages: the second reads the first's verdicts on the beat and the four before it "
          + "(default: ${DEFAULT-VALUE}).")
  boolean context;

  @Override
  public Integer call() {
    Path dir = data == null ? ShippedData.mitdb() : data;
    List<String> names = records == null ? DS1 : records;
    List<RecordBeats> beats = new ArrayList<>();
    for (String name : names) {
      RecordBeats b = RecordBeats.of(WfdbRecord.read(dir, name), lead, secondLead);
      if (!b.leads().note().isEmpty()) {
        System.out.println("note: " + b.leads().note());
      }
      beats.add(b);
    }
    System.out.printf("%d records, %d beats detected; leave one record out: %d classifiers per class, each with its "
        + "threshold chosen on %d more (a few minutes on 2 cores) ...%n", beats.size(),
        beats.stream().mapToInt(RecordBeats::size).sum(), beats.size(), LeaveOneRecordOut.INNER_FOLDS);
    BoostedTrees.Settings settings = BoostedTrees.Settings.defaults();
    Map<Method, List<boolean[][]>> flags = new LinkedHashMap<>();
    if (methods.contains(Method.RULES)) {
      List<LeaveOneRecordOut.Fold> v = LeaveOneRecordOut.run(beats, (r, i) -> r.isVentricular(i), settings, context);
      List<LeaveOneRecordOut.Fold> s = sveb
          ? LeaveOneRecordOut.run(beats, (r, i) -> r.isSupraventricular(i), settings, context) : null;
      flags.put(Method.RULES, both(v, s, beats));
    }
    if (methods.contains(Method.AUTOENCODER) || methods.contains(Method.COMBINED)) {
      System.out.println("training an autoencoder for each held-out record ...");
      var ae = LeaveOneRecordOut.runWithAutoencoder(beats, settings, learningSeconds, sveb, context, System.out);
      if (methods.contains(Method.AUTOENCODER)) {
        List<boolean[][]> alone = new ArrayList<>();
        for (int r = 0; r < beats.size(); r++) {
          boolean[] f = byPatientThreshold(beats.get(r), ae.autoencoder().get(r));
          alone.add(new boolean[][] {f, f});
        }
        flags.put(Method.AUTOENCODER, alone);
      }
      if (methods.contains(Method.COMBINED)) {
        flags.put(Method.COMBINED, both(ae.ventricular(), sveb ? ae.supraventricular() : null, beats));
      }
    }
    var rule = new Ec57Counts.AlertRule(alert[0], alert[1], alert[2]);
    Map<Method, Ec57Counts[]> totals = new LinkedHashMap<>();
    for (var e : flags.entrySet()) {
      System.out.println();
      System.out.println("method " + e.getKey());
      System.out.printf("%-7s %6s %6s %6s %6s %8s %8s %8s %7s | %6s %6s %6s %8s %8s%n", "record", "V", "TP", "FP",
          "of F", "Se %", "+P %", "alerts", "false", "S", "TP", "FP", "Se %", "+P %");
      Ec57Counts totalV = Ec57Counts.none();
      Ec57Counts totalS = Ec57Counts.none();
      for (int r = 0; r < beats.size(); r++) {
        RecordBeats b = beats.get(r);
        long from = Math.round(learningSeconds * b.samplingHz());
        double hours = Math.max(0, b.samples() - from) / b.samplingHz() / 3600;
        Ec57Counts cv = Ec57Counts.of(b.peaks(), b.codes(), e.getValue().get(r)[0], b.annotations(),
            Ec57Counts.VENTRICULAR, from, hours, rule);
        Ec57Counts cs = Ec57Counts.of(b.peaks(), b.codes(), e.getValue().get(r)[1], b.annotations(),
            Ec57Counts.SUPRAVENTRICULAR, from, hours, rule);
        print(b.record(), cv, cs);
        totalV = totalV.plus(cv);
        totalS = totalS.plus(cs);
      }
      print("gross", totalV, totalS);
      totals.put(e.getKey(), new Ec57Counts[] {totalV, totalS});
    }
    AlertKindTable kinds = new AlertKindTable();
    for (int r = 0; r < beats.size(); r++) {
      RecordBeats b = beats.get(r);
      long from = Math.round(learningSeconds * b.samplingHz());
      var ref = new AlertKindTable.Reference(RhythmEpisodes.of(b.annotations(), b.samples()), b.annotations(), from,
          b.samplingHz(), Math.max(0, b.samples() - from) / b.samplingHz() / 3600);
      for (var e : flags.entrySet()) {
        kinds.add(e.getKey().name(), new AlertKindTable.Verdicts(b.peaks(), b.codes(), e.getValue().get(r)[0]), ref,
            rule);
      }
      if (osea != null) {
        OseaDecisions d = OseaDecisions.read(osea.resolve(b.record() + ".csv"));
        ReferenceBeats reference = ReferenceBeats.of(b.annotations(), b.samplingHz());
        String[] codes = new String[d.samples().length];
        for (int i = 0; i < codes.length; i++) {
          var a = reference.at(d.samples()[i]);
          codes[i] = a == null ? "" : a.code();
        }
        kinds.add("OSEA", new AlertKindTable.Verdicts(d.samples(), codes, d.ventricular()), ref, rule);
      }
    }
    kinds.print();
    System.out.println();
    System.out.printf("%-12s %8s %8s %8s %10s %8s %8s%n", "gross", "VEB Se %", "VEB +P %", "episodes",
        "false / h", "SVEB Se %", "SVEB +P %");
    for (var e : totals.entrySet()) {
      Ec57Counts v = e.getValue()[0];
      Ec57Counts s = e.getValue()[1];
      System.out.printf("%-12s %8s %8s %8d %10.2f %8s %8s%n", e.getKey(), percent(v.sensitivity()),
          percent(v.positivePredictivity()), v.episodes(), v.falseAlertsPerHour(),
          sveb || e.getKey() == Method.AUTOENCODER ? percent(s.sensitivity()) : "-",
          sveb || e.getKey() == Method.AUTOENCODER ? percent(s.positivePredictivity()) : "-");
    }
    if (ship != null) {
      int leads = beats.stream().mapToInt(this::leadsOf).max().orElse(1);
      BeatClassifier c = LeaveOneRecordOut.fit(beats, (r, i) -> r.isVentricular(i), leads, settings, context);
      ModelFile.storeClassifier(ship, c);
      System.out.printf("%nstored %s in %s: V beats above probability %.2f, %s, %d leads, trained on %d records (%s)%n",
          ModelFile.classifierVersion(c), ship, c.threshold(), c.second() == null ? "one stage" : "two stages",
          c.leads(), c.trainedOn().size(),
          String.join(",", c.trainedOn()));
    }
    return 0;
  }

  private int leadsOf(RecordBeats b) {
    return secondLead && b.leads().secondary() != org.ecgstream.model.beats.LeadChoice.NONE ? 2 : 1;
  }

  private static List<boolean[][]> both(List<LeaveOneRecordOut.Fold> v, List<LeaveOneRecordOut.Fold> s,
                                        List<RecordBeats> beats) {
    List<boolean[][]> out = new ArrayList<>();
    for (int r = 0; r < v.size(); r++) {
      out.add(new boolean[][] {v.get(r).flags(), s == null ? new boolean[beats.get(r).size()] : s.get(r).flags()});
    }
    return out;
  }

  /** The job's per-patient rule on the autoencoder's loss: a threshold from the learning period's losses. */
  private boolean[] byPatientThreshold(RecordBeats r, double[][] ae) {
    long end = Math.round(learningSeconds * r.samplingHz());
    int learning = 0;
    while (learning < r.size() && r.peaks()[learning] < end) {
      learning++;
    }
    float[] losses = new float[Math.max(1, learning)];
    for (int i = 0; i < learning; i++) {
      losses[i] = (float) ae[i][0];
    }
    double threshold = RobustThreshold.of(losses, losses.length, k);
    boolean[] f = new boolean[r.size()];
    for (int i = learning; i < f.length; i++) {
      f[i] = ae[i][0] > threshold;
    }
    return f;
  }

  private static void print(String name, Ec57Counts v, Ec57Counts s) {
    System.out.printf("%-7s %6d %6d %6d %6d %8s %8s %8d %7d | %6d %6d %6d %8s %8s%n", name, v.positives(),
        v.truePositives(), v.falsePositives(), v.fusion(), percent(v.sensitivity()), percent(v.positivePredictivity()),
        v.episodes(), v.falseEpisodes(), s.positives(), s.truePositives(), s.falsePositives(),
        percent(s.sensitivity()), percent(s.positivePredictivity()));
  }

  private static String percent(double x) {
    return Double.isNaN(x) ? "-" : String.format("%.2f", 100 * x);
  }
}

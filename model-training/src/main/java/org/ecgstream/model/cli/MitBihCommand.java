package org.ecgstream.model.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.eval.MitBihEvaluation;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.wfdb.WfdbRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mitbih}: V-beat detection and false alerts on continuous MIT-BIH records, ours against a template baseline. */
@Command(name = "mitbih", mixinStandardHelpOptions = true,
    description = "Evaluate ventricular-beat detection and alert episodes on continuous WFDB records, with a "
        + "per-patient threshold from a learning period, against a template-matching baseline.")
final class MitBihCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model file.")
  Path model;

  @Option(names = "--data", description = "Folder of WFDB records (default: the shipped MIT-BIH records).")
  Path data;

  @Option(names = "--records", split = ",", defaultValue = "100,101,208", description = "(default: ${DEFAULT-VALUE})")
  List<String> records;

  @Option(names = "--learning-s", defaultValue = "300", description = "Learning period, excluded from the counts "
      + "(default: ${DEFAULT-VALUE} s, as EC57).")
  double learningSeconds;

  @Option(names = "--k", defaultValue = "8", description = "Autoencoder and baseline: threshold = median + k * 1.4826 "
      + "* lower-half MAD of the learning period (default: ${DEFAULT-VALUE}, the job's calibration.k).")
  double k;

  @Option(names = "--template-k", defaultValue = "5", description = "Patient template: the same rule over the learning "
      + "beats that match the template (default: ${DEFAULT-VALUE}, the job's calibration.template-k).")
  double templateK;

  @Option(names = "--min-mismatch", defaultValue = "0.4", description = "Patient template: the threshold's floor, "
      + "1 - correlation (default: ${DEFAULT-VALUE}, the job's calibration.template-min-mismatch).")
  double minMismatch;

  @Option(names = "--alert", defaultValue = "3,5,5", split = ",", description = "Alert rule k,m,close-after "
      + "(default: ${DEFAULT-VALUE}, the job's).")
  int[] alert;

  @Override
  public Integer call() {
    Scorer scorer = Scorer.load(model, ScoringEngine.FUSED, 1);
    Path dir = data == null ? ShippedData.mitdb() : data;
    var rules = new MitBihEvaluation.Rules(k, templateK, minMismatch,
        new MitBihEvaluation.AlertRule(alert[0], alert[1], alert[2]));
    System.out.printf("model %s; learning %.0f s; k %.1f; template k %.1f, min mismatch %.2f; alerts %d of %d, close "
            + "after %d%n", scorer.metadata().modelVersion(), learningSeconds, k, templateK, minMismatch,
        alert[0], alert[1], alert[2]);
    System.out.printf("%-7s %-23s %6s %6s %6s %6s %6s %8s %8s %9s %7s %13s%n", "record", "method", "V", "TP",
        "FP", "of F", "FN", "Se %", "+P %", "episodes", "no V", "false/hour");
    for (String name : records) {
      for (MitBihEvaluation.Result r : MitBihEvaluation.evaluate(WfdbRecord.read(dir, name), scorer, learningSeconds,
          rules)) {
        System.out.printf("%-7s %-23s %6d %6d %6d %6d %6d %8s %8s %9d %7d %13.2f%n", r.record(), r.method(),
            r.vBeats(), r.truePositives(), r.falsePositives(), r.fusionFlagged(), r.falseNegatives(),
            percent(r.sensitivity()), percent(r.positivePredictivity()), r.episodes(), r.episodesWithoutV(),
            r.falseAlertsPerHour());
      }
    }
    return 0;
  }

  private static String percent(double x) {
    return Double.isNaN(x) ? "-" : String.format("%.2f", 100 * x);
  }
}

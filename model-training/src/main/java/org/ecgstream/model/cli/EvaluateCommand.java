package org.ecgstream.model.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.eval.EvaluationMetrics;
import org.ecgstream.model.eval.Evaluator;
import org.ecgstream.model.report.ReportWriter;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.model.training.HeldOutLosses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evaluate}: re-creates the model's split of its dataset and scores the held-out windows. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a model on the held-out windows of its training split (recomputed from its seed).")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model file.")
  Path model;

  @Option(names = "--data", split = ",", description = "The dataset the model was trained on (default: shipped ECG5000).")
  List<Path> data;

  @Option(names = "--json", description = "Print the metrics as one JSON object.")
  boolean json;

  @Option(names = "--report", description = "Also write report.md and plots to this directory.")
  Path report;

  @Option(names = "--losses", description = "Also write every held-out window's loss to this CSV (set,id,label,balanced,loss).")
  Path lossesCsv;

  @Option(names = "--threads", defaultValue = "1", description = "ND4J native threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws Exception {
    Scorer scorer = Scorer.loadReference(model, threads);
    ModelMetadata meta = scorer.metadata();
    ModelMetadata.DatasetInfo d = meta.dataset();
    if (d == null) {
      throw new IllegalArgumentException(model + " records no dataset split to evaluate on");
    }
    Dataset dataset = DatasetReader.read(data == null || data.isEmpty() ? ShippedData.ecg5000() : data);
    NormalSplit split = d.split(dataset);
    HeldOutLosses losses = HeldOutLosses.of(scorer, split);
    EvaluationMetrics m = Evaluator.evaluate(losses.testNormal(), losses.abnormal(), losses.abnormalLabels(),
        meta.threshold().value(), d.splitSeed());
    if (report != null) {
      ReportWriter.write(report, meta, m, dataset, split, losses, scorer);
    }
    if (lossesCsv != null) {
      writeLosses(lossesCsv, split, losses, d.splitSeed());
    }
    if (json) {
      System.out.println(ModelFile.json().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
    } else {
      System.out.println(ReportWriter.markdown(meta, m, false).lines()
          .takeWhile(l -> !l.startsWith("## Plots")).reduce("", (a, b) -> a + b + "\n"));
      var best = Evaluator.bestBalancedInHindsight(losses.testNormal(), losses.abnormal(), d.splitSeed());
      System.out.printf("For diagnosis only, the balanced protocol's best at any threshold picked in hindsight on "
          + "these test losses: %d/%d normal, %d/%d abnormal at %.4f%n", best.balanced().normalCorrect(),
          best.balanced().size(), best.balanced().abnormalCorrect(), best.balanced().size(), best.threshold());
    }
    return 0;
  }

  /**
   * One row per held-out window, named by its dataset id, so that the beats behind a miss can be
   * looked up; {@code balanced} marks the windows the balanced protocol compares.
   */
  private static void writeLosses(Path file, NormalSplit split, HeldOutLosses losses, long seed) throws java.io.IOException {
    Evaluator.BalancedDraw draw = Evaluator.balancedDraw(losses.testNormal().length, losses.abnormal().length, seed);
    StringBuilder csv = new StringBuilder("set,id,label,balanced,loss\n");
    appendRows(csv, "validation", split.validation(), losses.validation(), null);
    appendRows(csv, "test", split.testNormal(), losses.testNormal(), draw.normal());
    appendRows(csv, "test", split.abnormal(), losses.abnormal(), draw.abnormal());
    java.nio.file.Files.writeString(file, csv);
  }

  private static void appendRows(StringBuilder csv, String set, List<LabelledWindow> windows, double[] losses, boolean[] balanced) {
    for (int i = 0; i < windows.size(); i++) {
      LabelledWindow w = windows.get(i);
      csv.append(set).append(',').append(csvField(w.id())).append(',').append(w.label()).append(',')
          .append(balanced != null && balanced[i]).append(',').append(losses[i]).append('\n');
    }
  }

  /** Ids come from file names or a CSV's id column: quote the rare one that would break the row. */
  static String csvField(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}

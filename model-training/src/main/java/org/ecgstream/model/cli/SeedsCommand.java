package org.ecgstream.model.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.eval.EvaluationMetrics;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.model.training.HeldOutLosses;
import org.ecgstream.model.training.ThresholdChoice;
import org.ecgstream.model.training.TrainOptions;
import org.ecgstream.model.training.TrainingProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code seeds}: repeats training over several split seeds and reports the mean and spread, since
 * 145 held-out normals is a small sample.
 */
@Command(name = "seeds", mixinStandardHelpOptions = true,
    description = "Train once per split seed and summarise the test metrics (mean ± standard deviation).")
final class SeedsCommand implements Callable<Integer> {
  @Mixin
  TrainCommand.TrainingParameters p;

  @Option(names = "--split-seeds", split = ",", defaultValue = "1,2,3,4,5",
      description = "Split seeds (default: ${DEFAULT-VALUE}).")
  List<Long> splitSeeds;

  @Option(names = "--out-dir", defaultValue = "model-training/models/seeds", description = "Where each seed's model goes (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(names = "--reuse", description = "Use a seed's model already in --out-dir instead of training it again, "
      + "when it was trained with the same settings (resumes an interrupted study).")
  boolean reuse;

  @Option(names = "--networks-from", description = "Take each seed's trained network from the model of that seed in "
      + "this directory (trained with the same settings) and only fit the error score and threshold asked for, "
      + "writing the models to --out-dir: one set of trainings compared under several scores.")
  Path networksFrom;

  @Option(names = "--first-stages-from", description = "For --architecture LATENT: take each seed's first stage "
      + "from the reconstruction model of that seed in this directory (a seeds study of RECONSTRUCTION with the "
      + "same data and E) instead of training it again.")
  Path firstStagesFrom;

  @Option(names = "--summary", description = "Markdown file for the summary table (default: <out-dir>/seeds.md).")
  Path summary;

  @Option(names = "--compare-thresholds", split = ",", description = "Also apply these threshold rules (e.g. "
      + "p99,ln99) to every seed's validation losses and report recall and normal false positives under each.")
  List<String> compareThresholds = List.of();

  @Override
  public Integer call() throws IOException {
    List<Long> seeds = new ArrayList<>();
    List<EvaluationMetrics> results = new ArrayList<>();
    List<HeldOutLosses> losses = new ArrayList<>();
    for (long seed : splitSeeds) {
      System.out.printf("== split seed %d%n", seed);
      Path model = outDir.resolve("split-seed-" + seed + ".zip");
      TrainOptions options = p.options("seed" + seed, seed,
          firstStagesFrom == null ? null : firstStagesFrom.resolve(model.getFileName()));
      if (networksFrom != null) {
        Path trained = networksFrom.resolve(model.getFileName());
        sameTraining(trained, options);
        TrainingProtocol.Outcome o = TrainingProtocol.rescore(trained, options, model, System.out);
        results.add(o.bundle().metadata().metrics());
        losses.add(o.losses());
      } else if (reuse && Files.exists(model)) {
        results.add(reused(model, options));
        System.out.println("reusing " + model);
        if (!compareThresholds.isEmpty()) {
          losses.add(HeldOutLosses.of(Scorer.load(model, ScoringEngine.FUSED, options.threads()), NormalSplit.of(
              DatasetReader.read(options.files()), options.normalLabel(), options.validationFraction(),
              options.testFraction(), seed)));
        }
      } else {
        TrainingProtocol.Outcome o = TrainingProtocol.run(options, model, System.out);
        results.add(o.bundle().metadata().metrics());
        losses.add(o.losses());
      }
      seeds.add(seed);
    }
    String table = table(seeds, results) + ThresholdComparison.table(seeds, losses,
        compareThresholds.stream().map(ThresholdChoice::parse).toList());
    System.out.print(table);
    Path file = summary != null ? summary : outDir.resolve("seeds.md");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, table);
    return 0;
  }

  /** The metrics stored in a model trained earlier, if it was trained as this study would train it. */
  private static EvaluationMetrics reused(Path model, TrainOptions options) {
    ModelMetadata m = sameTraining(model, options);
    if (!options.score().matches(m.score())) {
      throw new IllegalArgumentException(model + " is scored by " + m.describeScore() + ", not " + options.score()
          + "; remove it, leave out --reuse, or use --networks-from");
    }
    return m.metrics();
  }

  private static ModelMetadata sameTraining(Path model, TrainOptions options) {
    ModelMetadata m = ModelFile.readMetadata(model);
    if (!m.training().config().equals(options.training()) || m.dataset().splitSeed() != options.splitSeed()) {
      throw new IllegalArgumentException(model + " was trained with other settings (" + m.training().config()
          + ", split seed " + m.dataset().splitSeed() + "); remove it or train it again");
    }
    return m;
  }

  static String table(List<Long> seeds, List<EvaluationMetrics> r) {
    StringBuilder s = new StringBuilder(
        "| split seed | threshold | ROC AUC | PR AUC | F1 | recall (all abnormal) | normal correct | abnormal correct |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < r.size(); i++) {
      EvaluationMetrics m = r.get(i);
      s.append(String.format(Locale.ROOT, "| %d | %.3f | %.4f | %.4f | %.4f | %.4f | %d/%d | %d/%d |%n", seeds.get(i),
          m.threshold(), m.rocAuc(), m.prAuc(), m.f1(), m.recall(), m.balanced().normalCorrect(), m.balanced().size(),
          m.balanced().abnormalCorrect(), m.balanced().size()));
    }
    s.append(String.format(Locale.ROOT, "| mean ± sd | %s | %s | %s | %s | %s | %s | %s |%n",
        stat(r, EvaluationMetrics::threshold, "%.3f"), stat(r, EvaluationMetrics::rocAuc, "%.4f"),
        stat(r, EvaluationMetrics::prAuc, "%.4f"), stat(r, EvaluationMetrics::f1, "%.4f"),
        stat(r, EvaluationMetrics::recall, "%.4f"), stat(r, m -> m.balanced().normalCorrect(), "%.1f"),
        stat(r, m -> m.balanced().abnormalCorrect(), "%.1f")));
    return s.toString();
  }

  private static String stat(List<EvaluationMetrics> r, ToDoubleFunction<EvaluationMetrics> f, String fmt) {
    return meanSd(r.stream().mapToDouble(f).toArray(), fmt);
  }

  /** "mean ± sd" (sample standard deviation) of {@code values}, each printed with {@code fmt}. */
  static String meanSd(double[] values, String fmt) {
    double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
    double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum()
        / Math.max(1, values.length - 1);
    return String.format(Locale.ROOT, fmt + " ± " + fmt, mean, Math.sqrt(var));
  }
}

package org.ecgstream.model.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ecgstream.model.skab.ReferencePredictions;
import org.ecgstream.model.skab.SkabAutoencoder;
import org.ecgstream.model.skab.SkabDetector;
import org.ecgstream.model.skab.SkabDetector.PointRule;
import org.ecgstream.model.skab.SkabFile;
import org.ecgstream.model.skab.SkabMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "skab", mixinStandardHelpOptions = true,
    description = "The Skoltech Anomaly Benchmark's protocol on a SKAB folder: one autoencoder per experiment "
        + "trained on its first 400 rows, the rest scored; pooled F1, FAR, MAR and NAB as its leaderboard computes "
        + "them. The detection rule is chosen leaving one file out.")
final class SkabCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "The SKAB data folder (valve1/, valve2/, other/).")
  Path data;

  @Option(names = "--windows", split = ",", defaultValue = "10", description = "Window lengths N to build models "
      + "for, in rows (default: ${DEFAULT-VALUE}).")
  List<Integer> windows;

  @Option(names = "--embedding", defaultValue = "16", description = "Embedding size E (default: ${DEFAULT-VALUE}).")
  int embedding;

  @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam's learning rate (default: "
      + "${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--epochs", defaultValue = "100", description = "At most this many epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--patience", defaultValue = "5", description = "Early-stopping patience (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--seed", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--reference", description = "Also print the leaderboard's rows, computed from the folder's "
      + "reference_predictions.tsv.")
  boolean reference;

  /** The rules the leave-one-file-out choice picks from, per window length. */
  static final double[][] QUANTILE_FACTOR = {{0.99, 1.0}, {0.99, 1.5}, {0.99, 2.0}};
  static final int[] SMOOTHING = {1, 10, 30};
  static final List<SkabDetector.Episode> EPISODES = List.of(SkabDetector.Episode.EACH_WINDOW,
      new SkabDetector.Episode(3, 5, 5), new SkabDetector.Episode(3, 5, 30));

  @Override
  public Integer call() {
    PrintStream out = System.out;
    List<SkabFile> files = SkabFile.readAll(data);
    out.printf("%d SKAB files, %d test rows%n", files.size(), files.stream().mapToInt(SkabFile::testRows).sum());
    out.printf("%-72s %6s %7s %7s %9s %8s %8s %7s %5s%n", "method", "F1", "FAR %", "MAR %", "NAB std", "NAB lFP",
        "NAB lFN", "missed", "FPs");
    if (reference) {
      Path tsv = data.resolve("reference_predictions.tsv");
      if (!Files.isRegularFile(tsv)) {
        throw new IllegalArgumentException("--reference: no reference_predictions.tsv in " + data);
      }
      for (var e : ReferencePredictions.read(tsv).entrySet()) {
        List<SkabMetrics.Scored> scored = new ArrayList<>();
        for (SkabFile f : files) {
          scored.add(SkabMetrics.testPart(f, e.getValue().get(f.name())));
        }
        out.println(row("leaderboard " + e.getKey() + " (its predictions)", scored));
      }
    }
    Map<String, SkabAutoencoder.Scores[]> byWindow = new LinkedHashMap<>();
    for (int n : windows) {
      SkabAutoencoder.Settings s = new SkabAutoencoder.Settings(n, embedding, learningRate, epochs, patience, seed);
      SkabAutoencoder.Scores[] scores = new SkabAutoencoder.Scores[files.size()];
      long start = System.nanoTime();
      for (int i = 0; i < files.size(); i++) {
        scores[i] = SkabAutoencoder.trainAndScore(files.get(i), s, new PrintStream(java.io.OutputStream.nullOutputStream()));
      }
      System.err.printf("N=%d: %d models trained in %.1f s (median %d epochs)%n", n, files.size(),
          (System.nanoTime() - start) / 1e9, java.util.Arrays.stream(scores).mapToInt(SkabAutoencoder.Scores::epochs)
              .sorted().toArray()[files.size() / 2]);
      byWindow.put(String.valueOf(n), scores);
    }
    // Every candidate: window, quantile and factor, point rule.
    List<String> names = new ArrayList<>();
    List<int[][]> predictions = new ArrayList<>();
    for (var w : byWindow.entrySet()) {
      for (double[] qf : QUANTILE_FACTOR) {
        List<SkabDetector.Rule> rules = new ArrayList<>();
        rules.add(new SkabDetector.Rule(qf[0], qf[1], PointRule.PROTOCOL));
        for (int smoothing : SMOOTHING) {
          for (SkabDetector.Episode episode : EPISODES) {
            rules.add(new SkabDetector.Rule(qf[0], qf[1], PointRule.CAUSAL, smoothing, episode));
          }
        }
        for (SkabDetector.Rule rule : rules) {
          int[][] p = new int[files.size()][];
          for (int i = 0; i < files.size(); i++) {
            p[i] = SkabDetector.predict(w.getValue()[i], rule);
          }
          names.add(String.format("N=%s q=%.2f x%.1f %s", w.getKey(), qf[0], qf[1], rule.points() == PointRule.PROTOCOL
              ? "protocol points" : "causal, mean of " + rule.smoothing() + ", episodes " + rule.episode().k() + "/"
              + rule.episode().m() + " close " + rule.episode().closeAfter()));
          predictions.add(p);
        }
      }
    }
    for (int c = 0; c < names.size(); c++) {
      out.println(row("ours " + names.get(c) + " *", scored(files, predictions.get(c), -1)));
    }
    // Leave one file out: the candidate best on the other files decides the held-out file's rows.
    int[][] chosen = new int[files.size()][];
    Map<String, Integer> picks = new LinkedHashMap<>();
    for (int held = 0; held < files.size(); held++) {
      int best = -1;
      double bestObjective = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < names.size(); c++) {
        double o = objective(scored(files, predictions.get(c), held));
        if (o > bestObjective) {
          bestObjective = o;
          best = c;
        }
      }
      chosen[held] = predictions.get(best)[held];
      picks.merge(names.get(best), 1, Integer::sum);
    }
    out.println(row("ours, rule chosen leaving each file out", scored(files, chosen, -1)));
    out.println("* a row computed on all files for every candidate: a sweep on the test data, for reference only");
    out.println("rules chosen (files): " + picks);
    return 0;
  }

  /** What the choice maximises: F1 - FAR/100 + NAB standard/100 over the other files. */
  static double objective(List<SkabMetrics.Scored> scored) {
    SkabMetrics.Outliers o = SkabMetrics.outliers(scored);
    return o.f1() - o.far() / 100 + SkabMetrics.nab(scored).standard() / 100;
  }

  private static List<SkabMetrics.Scored> scored(List<SkabFile> files, int[][] predictions, int without) {
    List<SkabMetrics.Scored> s = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      if (i != without) {
        s.add(SkabMetrics.testPart(files.get(i), predictions[i]));
      }
    }
    return s;
  }

  static String row(String method, List<SkabMetrics.Scored> scored) {
    SkabMetrics.Outliers o = SkabMetrics.outliers(scored);
    SkabMetrics.Nab nab = SkabMetrics.nab(scored);
    return String.format("%-72s %6.2f %7.2f %7.2f %9.2f %8.2f %8.2f %7d %5d", method, o.f1(), o.far(), o.mar(),
        nab.standard(), nab.lowFp(), nab.lowFn(), nab.missed(), nab.falsePositives());
  }
}

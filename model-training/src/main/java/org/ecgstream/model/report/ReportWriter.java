package org.ecgstream.model.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.eval.EvaluationMetrics;
import org.ecgstream.model.eval.RankingMetrics;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.model.threshold.ThresholdSelector;
import org.ecgstream.model.training.HeldOutLosses;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;

/** Writes the evaluation report: {@code report.md} and the PNG plots it shows. */
public final class ReportWriter {
  static final int SHOWN = 6;
  static final int BINS = 60;

  private ReportWriter() {}

  public static Path write(Path dir, ModelMetadata meta, EvaluationMetrics m, Dataset data, NormalSplit split,
                           HeldOutLosses losses, Scorer scorer) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create report directory " + dir, e);
    }
    if (meta.training() != null) {
      Plots.writePng(dir.resolve("loss-history.png"), lossHistoryChart(meta.training().history()));
    }
    Plots.writePng(dir.resolve("loss-histogram.png"), histogramChart(losses, m.threshold()));
    Plots.writePng(dir.resolve("roc.png"), rocChart(losses, m.rocAuc()));
    if (meta.architecture().variant().rebuildsInput()) {
      Plots.writePng(dir.resolve("reconstructions.png"), SHOWN, reconstructionCharts(split, scorer));
    } else {
      // A latent-target model rebuilds its first layer's outputs, not the beat: nothing to draw over
      // it, and an earlier model's drawing in this folder would mislead.
      try {
        Files.deleteIfExists(dir.resolve("reconstructions.png"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<XYChart> classMeans = classMeanCharts(data);
    Plots.writePng(dir.resolve("class-means.png"), Math.min(3, classMeans.size()), classMeans);
    Path report = dir.resolve("report.md");
    try {
      Files.writeString(report, markdown(meta, m, meta.training() != null));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + report, e);
    }
    return report;
  }

  public static String markdown(ModelMetadata meta, EvaluationMetrics m, boolean hasHistory) {
    StringBuilder s = new StringBuilder();
    s.append("# Evaluation report: ").append(meta.modelVersion()).append("\n\n");
    var a = meta.architecture();
    s.append(String.format(Locale.ROOT, "Model: LSTM autoencoder, window %d x %d feature(s), E = %d, %s; %s loss; "
        + "scored by the %s.%n%n", a.windowLength(), a.features(), a.embedding(), layers(a), meta.loss(),
        meta.describeScore()));
    var d = meta.dataset();
    if (d != null) {
      s.append(String.format(Locale.ROOT, "Data: %s (%d windows, sha256 `%s`). Normal label %d. Split seed %d: train %d, "
              + "validation %d, test normals %d; abnormal windows (test only) %d.%n%n", String.join(", ", d.files()),
          d.windows(), d.sha256(), d.normalLabel(), d.splitSeed(), d.trainWindows(), d.validationWindows(),
          d.testNormalWindows(), d.abnormalWindows()));
    }
    var t = meta.training();
    if (t != null) {
      s.append(String.format(Locale.ROOT, "Training: Adam lr %s, batch %d, up to %d epochs, patience %d, seed %d; ran %d epochs "
              + "in %.0f s with %d thread(s); kept epoch %d.%n%n", t.config().learningRate(), t.config().batchSize(),
          t.config().maxEpochs(), t.config().patience(), t.config().seed(), t.epochsRun(), t.seconds(), t.threads(),
          t.bestEpoch()));
      if (t.firstStage() != null) {
        s.append("Those epochs are the second stage's; the first stage (the reconstruction autoencoder whose first "
            + "layer is frozen) was ").append(t.firstStage()).append(".\n\n");
      }
    }
    s.append("Threshold: ").append(meta.threshold().describe()).append(". A window is abnormal when its loss is above it.\n\n");
    s.append("## Held-out test windows\n\n");
    var c = m.confusion();
    s.append("| | flagged abnormal | passed as normal |\n|---|---:|---:|\n");
    s.append(String.format("| abnormal (%d) | %d (TP) | %d (FN) |%n", m.abnormalWindows(), c.tp(), c.fn()));
    s.append(String.format("| normal (%d) | %d (FP) | %d (TN) |%n%n", m.normalWindows(), c.fp(), c.tn()));
    s.append("| metric | value |\n|---|---:|\n");
    row(s, "precision", m.precision());
    row(s, "recall (detection rate, all abnormal)", m.recall());
    row(s, "F1", m.f1());
    row(s, "accuracy", m.accuracy());
    row(s, "ROC AUC", m.rocAuc());
    row(s, "PR AUC (average precision)", m.prAuc());
    s.append('\n');
    s.append("Detection rate per abnormal class:\n\n| class | detected | total | rate |\n|---:|---:|---:|---:|\n");
    m.perClass().forEach((label, det) -> s.append(String.format(Locale.ROOT, "| %d | %d | %d | %.4f |%n", label,
        det.detected(), det.total(), det.rate())));
    var b = m.balanced();
    s.append(String.format("%nBalanced protocol (the reference's): **%d/%d normal** and **%d/%d abnormal** correct.%n%n",
        b.normalCorrect(), b.size(), b.abnormalCorrect(), b.size()));
    s.append("## Plots\n\n");
    if (hasHistory) {
      s.append("![loss per epoch](loss-history.png)\n\n");
    }
    s.append("![loss histograms](loss-histogram.png)\n\n![ROC curve](roc.png)\n\n");
    if (meta.architecture().variant().rebuildsInput()) {
      s.append("![reconstructions](reconstructions.png)\n\n");
    }
    s.append("![class means](class-means.png)\n");
    return s.toString();
  }

  private static void row(StringBuilder s, String name, double v) {
    s.append(String.format(Locale.ROOT, "| %s | %.4f |%n", name, v));
  }

  static XYChart lossHistoryChart(List<AutoencoderTrainer.Epoch> history) {
    double[] x = history.stream().mapToDouble(AutoencoderTrainer.Epoch::epoch).toArray();
    double[] train = history.stream().mapToDouble(AutoencoderTrainer.Epoch::trainLoss).toArray();
    double[] val = history.stream().mapToDouble(AutoencoderTrainer.Epoch::validationLoss).toArray();
    XYChart c = Plots.chart("Loss per epoch (normalised units)", "epoch", "loss per window", 800, 400);
    Plots.line(c, "train", x, train, Plots.BLUE);
    Plots.line(c, "validation", x, val, Plots.ORANGE);
    return c;
  }

  static XYChart histogramChart(HeldOutLosses l, double threshold) {
    double max = Math.max(threshold, ThresholdSelector.percentile(l.abnormal(), 99).value()) * 1.1;
    XYChart c = Plots.chart("Loss of held-out test windows", "loss (sum over window)", "fraction of class", 800, 400);
    double peak = 0;
    for (double v : Plots.histogram(c, "normal (" + l.testNormal().length + ")", l.testNormal(), 0, max, BINS, Plots.BLUE)
        .getYData()) {
      peak = Math.max(peak, v);
    }
    for (double v : Plots.histogram(c, "abnormal (" + l.abnormal().length + ")", l.abnormal(), 0, max, BINS, Plots.RED)
        .getYData()) {
      peak = Math.max(peak, v);
    }
    Plots.verticalLine(c, "threshold", threshold, 0, peak, Color.BLACK);
    c.getStyler().setXAxisMin(0.0).setXAxisMax(max).setYAxisMin(0.0).setYAxisMax(peak);
    c.getStyler().setYAxisDecimalPattern("0.00");
    return c;
  }

  static XYChart rocChart(HeldOutLosses l, double auc) {
    double[] all = new double[l.testNormal().length + l.abnormal().length];
    boolean[] abnormal = new boolean[all.length];
    System.arraycopy(l.testNormal(), 0, all, 0, l.testNormal().length);
    System.arraycopy(l.abnormal(), 0, all, l.testNormal().length, l.abnormal().length);
    for (int i = l.testNormal().length; i < all.length; i++) {
      abnormal[i] = true;
    }
    List<RankingMetrics.RocPoint> curve = RankingMetrics.rocCurve(all, abnormal);
    double[] fpr = curve.stream().mapToDouble(RankingMetrics.RocPoint::falsePositiveRate).toArray();
    double[] tpr = curve.stream().mapToDouble(RankingMetrics.RocPoint::truePositiveRate).toArray();
    XYChart c = Plots.chart(String.format(Locale.ROOT, "ROC curve (AUC %.4f)", auc), "false positive rate",
        "true positive rate", 500, 500);
    Plots.line(c, "chance", new double[] {0, 1}, new double[] {0, 1}, Color.LIGHT_GRAY).setShowInLegend(false);
    Plots.line(c, "autoencoder", fpr, tpr, Plots.BLUE);
    c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    c.getStyler().setLegendPosition(LegendPosition.InsideSE);
    return c;
  }

  /** Up to {@link #SHOWN} test normals, then as many abnormal windows: each beat and its reconstruction. */
  static List<XYChart> reconstructionCharts(NormalSplit split, Scorer scorer) {
    List<XYChart> charts = new ArrayList<>();
    addReconstructions(charts, split.testNormal(), "normal", scorer);
    addReconstructions(charts, split.abnormal(), "abnormal", scorer);
    return charts;
  }

  private static void addReconstructions(List<XYChart> charts, List<LabelledWindow> windows, String kind, Scorer scorer) {
    int n = Math.min(SHOWN, windows.size());
    if (n == 0) {
      return;
    }
    int step = Math.max(1, windows.size() / n);
    int len = scorer.windowLength() * scorer.features();
    float[] flat = new float[n * len];
    List<LabelledWindow> shown = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LabelledWindow w = windows.get(i * step);
      shown.add(w);
      System.arraycopy(w.values(), 0, flat, i * len, len);
    }
    ScoreBatch b = scorer.score(flat, n);
    for (int i = 0; i < n; i++) {
      double[] x = new double[scorer.windowLength()];
      double[] orig = new double[x.length];
      double[] rec = new double[x.length];
      float[] r = b.reconstruction(i);
      for (int t = 0; t < x.length; t++) {
        x[t] = t;
        orig[t] = shown.get(i).value(t, 0);
        rec[t] = r[t * scorer.features()];
      }
      XYChart c = Plots.chart(String.format(Locale.ROOT, "%s (class %d) loss %.1f", kind, shown.get(i).label(), b.loss(i)),
          "step", "", 330, 240);
      Plots.line(c, "beat", x, orig, kind.equals("normal") ? Plots.BLUE : Plots.RED);
      Plots.line(c, "reconstruction", x, rec, Plots.GREEN);
      charts.add(c);
    }
  }

  /** One chart per class: the mean of its windows (first feature) and a band of two standard deviations. */
  static List<XYChart> classMeanCharts(Dataset data) {
    Map<Integer, List<LabelledWindow>> byClass = new TreeMap<>();
    for (LabelledWindow w : data.windows()) {
      byClass.computeIfAbsent(w.label(), k -> new ArrayList<>()).add(w);
    }
    List<XYChart> charts = new ArrayList<>();
    int colour = 0;
    for (var e : byClass.entrySet()) {
      int len = data.length();
      double[] x = new double[len];
      double[] mean = new double[len];
      double[] lo = new double[len];
      double[] hi = new double[len];
      for (int t = 0; t < len; t++) {
        double sum = 0;
        double sq = 0;
        for (LabelledWindow w : e.getValue()) {
          double v = w.value(t, 0);
          sum += v;
          sq += v * v;
        }
        int n = e.getValue().size();
        x[t] = t;
        mean[t] = sum / n;
        double sd = Math.sqrt(Math.max(0, sq / n - mean[t] * mean[t]));
        lo[t] = mean[t] - 2 * sd;
        hi[t] = mean[t] + 2 * sd;
      }
      Color c = Plots.PALETTE[colour++ % Plots.PALETTE.length];
      XYChart chart = Plots.chart("class " + e.getKey() + " (" + e.getValue().size() + " windows): mean ± 2σ", "step", "",
          420, 280);
      Plots.band(chart, "±2σ", x, lo, hi, c);
      Plots.line(chart, "mean", x, mean, c);
      // In the plot, see-through: below it a band's legend entry is cut off, and XChart sizes a legend
      // beside it too narrow.
      chart.getStyler().setLegendPosition(LegendPosition.InsideNE).setLegendLayout(LegendLayout.Vertical)
          .setLegendBackgroundColor(new Color(255, 255, 255, 170));
      charts.add(chart);
    }
    return charts;
  }

  /** The variant's layers and what its decoder produces, in words. */
  static String layers(Architecture a) {
    int f = a.features();
    int h = a.hidden();
    int e = a.embedding();
    return switch (a.variant()) {
      case RECONSTRUCTION -> String.format(Locale.ROOT, "encoder %d→%d→%d, decoder %d→%d→%d→%d rebuilding the window",
          f, h, e, e, e, h, f);
      case PREDICTION -> String.format(Locale.ROOT, "encoder %d→%d→%d over the first %d steps, decoder %d→%d→%d→%d "
          + "predicting the last %d", f, h, e, a.encoderSteps(), e, e, h, f, a.decoderSteps());
      case COMPOSITE -> String.format(Locale.ROOT, "encoder %d→%d→%d over the first %d steps, decoder %d→%d→%d→%d "
          + "rebuilding them and predicting the rest", f, h, e, a.encoderSteps(), e, e, h, f);
      case CONDITIONAL -> String.format(Locale.ROOT, "encoder %d→%d→%d, conditional decoder %d→%d→%d from its last "
          + "state rebuilding the window backwards from its own outputs", f, h, e, f, e, f);
      case LATENT -> String.format(Locale.ROOT, "encoder %d→%d→%d (first layer frozen from a reconstruction "
          + "autoencoder), decoder %d→%d→%d→%d rebuilding that layer's outputs", f, h, e, e, e, h, h);
    };
  }
}

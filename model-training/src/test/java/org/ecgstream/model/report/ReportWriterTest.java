package org.ecgstream.model.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.testing.SmallModel;
import org.ecgstream.model.training.HeldOutLosses;
import org.ecgstream.model.training.TrainingProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ReportWriterTest {
  @TempDir
  Path dir;

  @Test
  void lossHistoryPlotsTrainAndValidationLossPerEpoch() {
    XYChart c = ReportWriter.lossHistoryChart(List.of(new AutoencoderTrainer.Epoch(1, 9.0, 8.0, 1),
        new AutoencoderTrainer.Epoch(2, 5.0, 6.0, 1), new AutoencoderTrainer.Epoch(3, 4.0, 5.5, 1)));
    assertThat(c.getTitle()).isEqualTo("Loss per epoch (normalised units)");
    assertThat(c.getXAxisTitle()).isEqualTo("epoch");
    assertThat(c.getYAxisTitle()).isEqualTo("loss per window");
    assertThat(c.getSeriesMap()).containsOnlyKeys("train", "validation");
    assertThat(c.getSeriesMap().get("train").getXData()).containsExactly(1, 2, 3);
    assertThat(c.getSeriesMap().get("train").getYData()).containsExactly(9, 5, 4);
    assertThat(c.getSeriesMap().get("validation").getYData()).containsExactly(8, 6, 5.5);
  }

  @Test
  void histogramShowsEachClassAsFractionsAndTheThresholdAcrossThem() {
    double[] normal = {1, 1, 1, 2};
    double[] abnormal = {8, 9, 10, 11, 12, 30};
    XYChart c = ReportWriter.histogramChart(new HeldOutLosses(new double[0], normal, abnormal, new int[6]), 5);
    assertThat(c.getTitle()).isEqualTo("Loss of held-out test windows");
    assertThat(c.getXAxisTitle()).isEqualTo("loss (sum over window)");
    assertThat(c.getYAxisTitle()).isEqualTo("fraction of class");
    assertThat(c.getSeriesMap()).containsOnlyKeys("normal (4)", "abnormal (6)", "threshold");
    for (String name : List.of("normal (4)", "abnormal (6)")) {
      double[] y = c.getSeriesMap().get(name).getYData();
      assertThat(y).hasSize(ReportWriter.BINS + 1);
      // The last point only closes the last bin; the bins themselves add up to the whole class.
      assertThat(Arrays.stream(y, 0, ReportWriter.BINS).sum()).as(name).isCloseTo(1.0, within(1e-9));
    }
    double[] x = c.getSeriesMap().get("normal (4)").getXData();
    assertThat(x[0]).isZero();
    assertThat(x[ReportWriter.BINS]).isEqualTo(c.getStyler().getXAxisMax());
    XYSeries threshold = c.getSeriesMap().get("threshold");
    assertThat(threshold.getXData()).containsExactly(5, 5);
    assertThat(threshold.getYData()[0]).isZero();
    // The line spans the plot: up to the tallest bin, three of the four normals.
    assertThat(threshold.getYData()[1]).isEqualTo(0.75).isEqualTo(c.getStyler().getYAxisMax());
  }

  @Test
  void binsCountValuesOutsideTheRangeInTheEndBins() {
    assertThat(Plots.binFractions(new double[] {-1, 0.5, 1.5, 3.9, 7}, 0, 4, 4))
        .containsExactly(0.4, 0.2, 0.0, 0.4);
  }

  @Test
  void rocPlotsTheCurveOnTheUnitSquareWithTheAucInTheTitle() {
    XYChart c = ReportWriter.rocChart(new HeldOutLosses(new double[0], new double[] {1, 2, 3},
        new double[] {2.5, 4, 5}, new int[3]), 0.8889);
    assertThat(c.getTitle()).isEqualTo("ROC curve (AUC 0.8889)");
    assertThat(c.getXAxisTitle()).isEqualTo("false positive rate");
    assertThat(c.getYAxisTitle()).isEqualTo("true positive rate");
    assertThat(List.of(c.getStyler().getXAxisMin(), c.getStyler().getXAxisMax(), c.getStyler().getYAxisMin(),
        c.getStyler().getYAxisMax())).containsExactly(0.0, 1.0, 0.0, 1.0);
    // Losses from the highest down: 5 A, 4 A, 3 N, 2.5 A, 2 N, 1 N.
    XYSeries curve = c.getSeriesMap().get("autoencoder");
    assertThat(curve.getXData()).containsExactly(new double[] {0, 0, 0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1}, within(1e-12));
    assertThat(curve.getYData()).containsExactly(new double[] {0, 1 / 3.0, 2 / 3.0, 2 / 3.0, 1, 1, 1}, within(1e-12));
    assertThat(c.getSeriesMap().get("chance").isShowInLegend()).isFalse();
  }

  @Test
  void classMeansPlotEachClassMeanWithATwoSigmaBand() {
    Dataset data = new Dataset(List.of(LabelledWindow.univariate("a", 1, new float[] {0, 2, 4}),
        LabelledWindow.univariate("b", 1, new float[] {2, 2, 0}),
        LabelledWindow.univariate("c", 3, new float[] {5, 5, 5})), 3, 1, "sha");
    List<XYChart> charts = ReportWriter.classMeanCharts(data);
    assertThat(charts).extracting(XYChart::getTitle)
        .containsExactly("class 1 (2 windows): mean ± 2σ", "class 3 (1 windows): mean ± 2σ");
    XYChart first = charts.get(0);
    assertThat(first.getXAxisTitle()).isEqualTo("step");
    assertThat(first.getSeriesMap().get("mean").getYData()).containsExactly(1, 2, 2);
    // The band is one polygon: along mean + 2σ, then back along mean - 2σ.
    assertThat(first.getSeriesMap().get("±2σ").getXData()).containsExactly(0, 1, 2, 2, 1, 0);
    assertThat(first.getSeriesMap().get("±2σ").getYData()).containsExactly(3, 2, 6, -2, 2, -1);
  }

  @Test
  void writesEveryPlotTheReportLinksAsAPngOfItsSize() throws Exception {
    TrainingProtocol.Outcome o = SmallModel.outcome();
    var meta = o.bundle().metadata();
    Path md = ReportWriter.write(dir, meta, meta.metrics(), o.dataset(), o.split(), o.losses(),
        Scorer.of(o.bundle(), ScoringEngine.DL4J));
    assertThat(GraphicsEnvironment.isHeadless()).isTrue();

    long classes = o.dataset().windows().stream().mapToInt(LabelledWindow::label).distinct().count();
    int cols = (int) Math.min(3, classes);
    int shownRows = (o.split().testNormal().isEmpty() ? 0 : 1) + (o.split().abnormal().isEmpty() ? 0 : 1);
    Map<String, int[]> sizes = Map.of(
        "loss-history.png", new int[] {800, 400},
        "loss-histogram.png", new int[] {800, 400},
        "roc.png", new int[] {500, 500},
        "reconstructions.png", new int[] {ReportWriter.SHOWN * 330, shownRows * 240},
        "class-means.png", new int[] {cols * 420, (int) ((classes + cols - 1) / cols) * 280});
    Matcher links = Pattern.compile("!\\[[^]]*]\\(([^)]+)\\)").matcher(Files.readString(md));
    List<String> linked = links.results().map(r -> r.group(1)).toList();
    assertThat(linked).containsExactlyInAnyOrderElementsOf(sizes.keySet());
    for (String png : linked) {
      BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
      assertThat(img).as(png).isNotNull();
      assertThat(new int[] {img.getWidth(), img.getHeight()}).as(png).containsExactly(sizes.get(png));
    }
  }
}

package org.ecgstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.eval.EvaluationMetrics;
import org.ecgstream.model.testing.SmallModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCliTest {
  @TempDir
  Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  /**
   * The latent-target variant from the command line: trained on the small model as its first
   * stage, then scored (loss mean over its 2E latent values per step), evaluated with a report
   * and inspected.
   */
  @Test
  void aLatentTargetModelTrainsFromAFirstStageAndIsScoredEvaluatedAndInspected() throws Exception {
    Path latent = dir.resolve("latent.zip");
    String data = SmallModel.data().toString();
    int code = ModelCli.execute("train", "--data", data, "--architecture", "LATENT", "--first-stage",
        SmallModel.file().toString(), "--embedding", "4", "--lr", "0.01", "--batch", "32", "--epochs", "30",
        "--patience", "5", "--seed", "11", "--validation-fraction", "0.1", "--test-fraction", "0.05",
        "--split-seed", "42", "--threshold", "p99", "--out", latent.toString(), "--report",
        dir.resolve("train-report").toString(), "--name", "latent");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("latent target: stage 1 taken from model small-");

    Path scores = dir.resolve("scores.csv");
    assertThat(ModelCli.execute("score", "--model", latent.toString(), "--input", data, "--output", scores.toString()))
        .as(err.toString()).isZero();
    List<String> lines = Files.readAllLines(scores);
    assertThat(lines.get(0)).isEqualTo("id,label,loss_sum,loss_mean,anomalous");
    assertThat(lines).hasSize(DatasetReader.read(SmallModel.data()).size() + 1);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      // 24 steps of 2E = 8 latent values.
      assertThat(Double.parseDouble(f[3])).isCloseTo(Double.parseDouble(f[2]) / (24 * 8),
          org.assertj.core.data.Offset.offset(2e-6));
    }

    Path report = dir.resolve("report");
    assertThat(ModelCli.execute("evaluate", "--model", latent.toString(), "--data", data, "--report", report.toString()))
        .as(err.toString()).isZero();
    assertThat(report.resolve("report.md")).exists();
    assertThat(report.resolve("reconstructions.png")).doesNotExist();

    out.reset();
    assertThat(ModelCli.execute("inspect", "--model", latent.toString())).as(err.toString()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("network    LATENT")
        .contains("score      loss summed over the first encoder layer's outputs over the window")
        .contains("first stage taken from model small-");
  }

  @Test
  void evaluateJsonPrintsTheMetricsStoredAtTraining() throws Exception {
    Path model = SmallModel.file();
    int code = ModelCli.execute("evaluate", "--model", model.toString(), "--data", SmallModel.data().toString(), "--json");
    assertThat(code).as(err.toString()).isZero();
    String json = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(json.lines()).hasSize(1);
    EvaluationMetrics printed = ModelFile.json().readValue(json, EvaluationMetrics.class);
    assertThat(printed).isEqualTo(ModelFile.readMetadata(model).metrics());
    JsonNode tree = ModelFile.json().readTree(json);
    assertThat(tree.path("rocAuc").asDouble()).isEqualTo(1.0);
  }

  @Test
  void evaluateWritesEveryHeldOutLossAndTheHindsightDiagnosis() throws Exception {
    Path model = SmallModel.file();
    Path csv = dir.resolve("losses.csv");
    int code = ModelCli.execute("evaluate", "--model", model.toString(), "--data", SmallModel.data().toString(),
        "--losses", csv.toString());
    assertThat(code).as(err.toString()).isZero();
    var meta = ModelFile.readMetadata(model);
    var m = meta.metrics();
    var split = meta.dataset().split(DatasetReader.read(SmallModel.data()));
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows.get(0)).isEqualTo("set,id,label,balanced,loss");
    List<String[]> cells = rows.subList(1, rows.size()).stream().map(r -> r.split(",")).toList();
    assertThat(cells).allSatisfy(c -> assertThat(c).hasSize(5));
    // Every held-out window appears once, under its own id, in the split's order.
    assertThat(cells.stream().filter(c -> c[0].equals("validation")).map(c -> c[1]))
        .containsExactlyElementsOf(split.validation().stream().map(LabelledWindow::id).toList());
    List<String> testIds = new ArrayList<>(split.testNormal().stream().map(LabelledWindow::id).toList());
    split.abnormal().forEach(w -> testIds.add(w.id()));
    assertThat(cells.stream().filter(c -> c[0].equals("test")).map(c -> c[1])).containsExactlyElementsOf(testIds);
    long testNormal = cells.stream().filter(c -> c[0].equals("test") && c[2].equals("1")).count();
    long abnormal = cells.stream().filter(c -> c[0].equals("test") && !c[2].equals("1")).count();
    assertThat(testNormal).isEqualTo(m.confusion().tn() + m.confusion().fp());
    assertThat(abnormal).isEqualTo(m.confusion().tp() + m.confusion().fn());
    // The balanced protocol compares as many abnormal windows as normal ones; validation is never in it.
    assertThat(cells.stream().filter(c -> c[3].equals("true") && c[2].equals("1")).count()).isEqualTo(m.balanced().size());
    assertThat(cells.stream().filter(c -> c[3].equals("true") && !c[2].equals("1")).count()).isEqualTo(m.balanced().size());
    assertThat(cells.stream().filter(c -> c[0].equals("validation")).map(c -> c[3])).containsOnly("false");
    // The small model separates its classes completely, so hindsight finds every window correct.
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(String.format("best at any threshold picked in hindsight "
        + "on these test losses: %d/%d normal, %d/%d abnormal", m.balanced().size(), m.balanced().size(),
        m.balanced().size(), m.balanced().size()));
  }

  @Test
  void embedWritesEveryWindowsEmbeddingAndTheyGroupNormalShapesApartFromAbnormalOnes() throws Exception {
    Path model = SmallModel.file();
    Path csv = dir.resolve("embeddings.csv");
    int code = ModelCli.execute("embed", "--model", model.toString(), "--input", SmallModel.data().toString(),
        "--output", csv.toString(), "--batch", "7");
    assertThat(code).as(err.toString()).isZero();
    int e = ModelFile.readMetadata(model).architecture().embedding();
    List<LabelledWindow> windows = DatasetReader.read(SmallModel.data()).windows();
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows.get(0)).isEqualTo("id,label,e0,e1,e2,e3");
    assertThat(rows).hasSize(windows.size() + 1);
    List<double[]> normal = new ArrayList<>();
    List<double[]> abnormal = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      String[] c = rows.get(i + 1).split(",");
      assertThat(c[0]).isEqualTo(windows.get(i).id());
      assertThat(c).hasSize(2 + e);
      double[] v = new double[e];
      for (int k = 0; k < e; k++) {
        v[k] = Double.parseDouble(c[2 + k]);
        assertThat(v[k]).as("an LSTM's hidden state").isBetween(-1.0, 1.0);
      }
      (c[1].equals("1") ? normal : abnormal).add(v);
    }
    // The sines sit close together in embedding space, the spikes elsewhere.
    double within = meanDistance(normal, normal);
    double across = meanDistance(normal, abnormal);
    assertThat(across).isGreaterThan(2 * within);
  }

  private static double meanDistance(List<double[]> a, List<double[]> b) {
    double sum = 0;
    for (double[] x : a) {
      for (double[] y : b) {
        double d = 0;
        for (int k = 0; k < x.length; k++) {
          d += (x[k] - y[k]) * (x[k] - y[k]);
        }
        sum += Math.sqrt(d);
      }
    }
    return sum / (a.size() * (double) b.size());
  }

  @Test
  void lossesCsvQuotesOnlyIdsThatWouldBreakARow() {
    assertThat(EvaluateCommand.csvField("ECG5000_TEST.txt.gz#2048")).isEqualTo("ECG5000_TEST.txt.gz#2048");
    assertThat(EvaluateCommand.csvField("a,b")).isEqualTo("\"a,b\"");
    assertThat(EvaluateCommand.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
  }

  @Test
  void scoreWritesOneCsvRowPerWindow() throws Exception {
    Path csv = dir.resolve("scores.csv");
    int code = ModelCli.execute("score", "--model", SmallModel.file().toString(), "--input", SmallModel.data().toString(),
        "--output", csv.toString());
    assertThat(code).as(err.toString()).isZero();
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows.get(0)).isEqualTo("id,label,loss_sum,loss_mean,anomalous");
    assertThat(rows).hasSize(461);
    long flaggedSpikes = rows.stream().skip(401).filter(r -> r.endsWith(",true")).count();
    assertThat(flaggedSpikes).isEqualTo(60);
    String[] first = rows.get(1).split(",");
    assertThat(Double.parseDouble(first[3])).isCloseTo(Double.parseDouble(first[2]) / 24, org.assertj.core.api.Assertions.within(1e-5));
  }

  @Test
  void seedsSummarisesEverySplitSeedAndResumesWithReuse() throws Exception {
    String[] study = {"seeds", "--data", SmallModel.data().toString(), "--embedding", "2", "--epochs", "1", "--batch", "64",
        "--split-seeds", "3,4", "--out-dir", dir.toString()};
    assertThat(ModelCli.execute(study)).as(err.toString()).isZero();
    String first = Files.readString(dir.resolve("seeds.md"));
    assertThat(first).contains("| 3 |", "| 4 |", "| mean ± sd |");
    byte[] model3 = Files.readAllBytes(dir.resolve("split-seed-3.zip"));

    out.reset();
    String[] resumed = java.util.Arrays.copyOf(study, study.length + 1);
    resumed[study.length] = "--reuse";
    assertThat(ModelCli.execute(resumed)).as(err.toString()).isZero();
    assertThat(out.toString()).contains("reusing " + dir.resolve("split-seed-3.zip")).doesNotContain("epoch   1/1");
    assertThat(Files.readString(dir.resolve("seeds.md"))).isEqualTo(first);
    assertThat(Files.readAllBytes(dir.resolve("split-seed-3.zip"))).isEqualTo(model3);

    // A model trained with other settings is not silently mixed into the study.
    String[] other = resumed.clone();
    other[4] = "3";
    assertThat(ModelCli.execute(other)).isEqualTo(1);
    assertThat(err.toString()).contains("split-seed-3.zip was trained with other settings");
  }

  @Test
  void trainWritesAModelAndAReportWithPlots() throws Exception {
    Path model = dir.resolve("m.zip");
    Path report = dir.resolve("report");
    int code = ModelCli.execute("train", "--data", SmallModel.data().toString(), "--embedding", "2", "--epochs", "2",
        "--batch", "64", "--out", model.toString(), "--report", report.toString(), "--name", "cli");
    assertThat(code).as(err.toString()).isZero();
    assertThat(ModelFile.readMetadata(model).modelVersion()).startsWith("cli-");
    assertThat(out.toString()).contains("epoch   1/2", "epoch   2/2", "val ", "test: ROC AUC");
    assertThat(Files.readString(report.resolve("report.md"))).contains("Balanced protocol", "ROC AUC", "roc.png");
    for (String png : List.of("loss-history.png", "loss-histogram.png", "roc.png", "reconstructions.png", "class-means.png")) {
      byte[] head = Files.readAllBytes(report.resolve(png));
      assertThat(head).as(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
  }

  @Test
  void inspectShowsTheModelAndFailsWithOneLineOnACorruptFile() throws Exception {
    assertThat(ModelCli.execute("inspect", "--model", SmallModel.file().toString())).isZero();
    assertThat(out.toString()).contains("threshold", "p99 of validation-normal losses", "window 24 x 1");
    Path bad = Files.writeString(dir.resolve("bad.zip"), "garbage");
    assertThat(ModelCli.execute("inspect", "--model", bad.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("error: ").contains("not a model file").doesNotContain("\n");
  }

  @Test
  void badInputExitsNonZeroWithAReason() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.txt"), "1 1 2\n1 1 oops\n");
    assertThat(ModelCli.execute("score", "--model", SmallModel.file().toString(), "--input", broken.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("broken.txt:2: value 2 is not a number: 'oops'");
    assertThat(ModelCli.execute("train", "--threshold", "median")).isEqualTo(1);
    assertThat(err.toString()).contains("threshold rule must be");
    assertThat(ModelCli.execute("train", "--embedding", "many")).isEqualTo(2);
    assertThat(ModelCli.execute("--help")).isZero();
    assertThat(out.toString()).contains("train", "evaluate", "score", "inspect");
  }
}

package org.ecgstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ecgstream.model.testing.SmallModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short run of the model-level benchmark: every engine measured for every setting asked for. */
class BenchmarkCommandTest {
  @Test
  void smokeRunMeasuresEveryEngineForEverySetting(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("bench.md");
    int code = ModelCli.execute("benchmark", "--model", SmallModel.file().toString(), "--embeddings", "4",
        "--batches", "1,3", "--threads", "1", "--reps", "1", "--min-beats", "2", "--out", table.toString());
    assertThat(code).isZero();
    List<String> rows = rows(table);
    assertThat(rows).hasSize(4);
    for (String row : rows) {
      String[] cells = row.split("\\|");
      assertThat(cells).hasSize(15);
      assertThat(Double.parseDouble(cells[4].strip())).as("DL4J beats/s in %s", row).isPositive();
      assertThat(Double.parseDouble(cells[5].strip())).as("fused beats/s in %s", row).isPositive();
      assertThat(Double.parseDouble(cells[9].strip())).as("fused on OpenBLAS beats/s in %s", row).isPositive();
      assertThat(Double.parseDouble(cells[10].strip())).as("ONNX Runtime beats/s in %s", row).isPositive();
      assertThat(cells[11].strip()).as("fused / ORT in %s", row).endsWith("x");
      assertThat(Double.parseDouble(cells[13].strip())).as("ONNX Runtime, scoring graph, beats/s in %s", row).isPositive();
    }
    // The test JVM has the Vector API module, as bin/ecg's has: the fused column is that engine.
    assertThat(Files.readString(table)).contains("peak resident memory", "ONNX Runtime 1.", "OpenBLAS kernels: ")
        .startsWith("fused engine: Java Vector API, ");
  }

  @Test
  void variantsRunTimesEveryVariantsFusedEngineBesideOnnxRuntime(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("variants.md");
    int code = ModelCli.execute("benchmark", "--variants", "RECONSTRUCTION,PREDICTION,COMPOSITE,CONDITIONAL",
        "--embeddings", "4", "--batches", "2", "--threads", "1", "--reps", "1", "--min-beats", "2", "--out",
        table.toString());
    assertThat(code).isZero();
    List<String> rows = Files.readAllLines(table).stream().filter(l -> l.matches("\\| [A-Z]+ \\|.*")).toList();
    assertThat(rows).extracting(r -> r.split("\\|")[1].strip())
        .containsExactly("RECONSTRUCTION", "PREDICTION", "COMPOSITE", "CONDITIONAL");
    for (String row : rows) {
      String[] cells = row.split("\\|");
      assertThat(Double.parseDouble(cells[5].strip())).as("fused beats/s in %s", row).isPositive();
      assertThat(Double.parseDouble(cells[7].strip())).as("ONNX Runtime beats/s in %s", row).isPositive();
      assertThat(cells[8].strip()).as("fused / ORT in %s", row).endsWith("x");
    }
  }

  @Test
  void trainBenchmarkTimesEveryVariantsEpochs() throws Exception {
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream before = System.out;
    System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = ModelCli.execute("train-benchmark", "--variants", "PREDICTION,CONDITIONAL", "--embeddings", "4",
          "--epochs", "1", "--rounds", "2");
    } finally {
      System.setOut(before);
    }
    assertThat(code).isZero();
    List<String> rows = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("| 4 |")).toList();
    assertThat(rows).extracting(r -> r.split("\\|")[2].strip()).containsExactly("PREDICTION", "CONDITIONAL");
    for (String row : rows) {
      String[] cells = row.split("\\|");
      assertThat(cells[3].split(",")).as("one epoch per round in %s", row).hasSize(2);
      assertThat(Double.parseDouble(cells[4].strip())).as("median seconds in %s", row).isPositive();
    }
  }

  /**
   * Without ONNX Runtime on the classpath (as in a jar built without it) the benchmark still runs,
   * and says so; in a JVM started without the Vector API module its fused engine runs on OpenBLAS.
   */
  @Test
  void withoutOnnxRuntimeItSaysSoAndLeavesItsColumnsOut(@TempDir Path dir) throws Exception {
    String testClasspath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String withoutOrt = Arrays.stream(testClasspath.split(File.pathSeparator))
        .filter(e -> !e.contains("onnxruntime")).collect(Collectors.joining(File.pathSeparator));
    assertThat(withoutOrt).isNotEqualTo(testClasspath).contains("picocli");
    Path table = dir.resolve("bench.md");
    String output = modelCli(List.of("-Xmx1g", "-cp", withoutOrt), "benchmark", "--model", SmallModel.file().toString(),
        "--embeddings", "4", "--batches", "2", "--threads", "1", "--reps", "1", "--min-beats", "2", "--out",
        table.toString());
    assertThat(output).contains("ONNX Runtime: not on the classpath");
    List<String> rows = rows(table);
    assertThat(rows).hasSize(2).allSatisfy(r -> assertThat(r.split("\\|")).hasSize(11));
    assertThat(Files.readString(table)).doesNotContain("ORT");
    // Started without --add-modules jdk.incubator.vector, the fused engine falls back to OpenBLAS and says why.
    assertThat(Files.readString(table))
        .startsWith("fused engine: OpenBLAS (the JVM was started without --add-modules jdk.incubator.vector)");
  }

  /** In a JVM of its own, as the command is meant to run: the live heap then has nothing else in it. */
  @Test
  void memoryModeReportsEveryStageAndTheMappings(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("memory.md");
    String testClasspath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    modelCli(List.of("-Xmx1g", "--add-modules", "jdk.incubator.vector", "-cp", testClasspath), "benchmark", "--memory",
        "--model", SmallModel.file().toString(), "--batches", "1,128", "--threads", "1", "--slots", "2", "--out",
        report.toString());
    String text = Files.readString(report);
    assertThat(text).contains("| JVM started, nothing loaded |", "| ND4J and OpenBLAS started |",
        "| model loaded, fused scorer 1 built |", "| scorer 1 scored batch 128 ", "| scorer 2 loaded, scored batch 128 ",
        "| at the end |", "| all mappings |");
    String[] end = row(text, "| at the end");
    assertThat(Long.parseLong(end[2].strip())).as("VmRSS in MB").isGreaterThan(10);
    // The live heap (after a full GC) grows by the two scorers' weights and buffers (megabytes at batch 128).
    double started = Double.parseDouble(row(text, "| ND4J and OpenBLAS started")[5].strip());
    assertThat(Double.parseDouble(end[5].strip())).as("live heap in MB at the end").isGreaterThan(started + 1);
  }

  @Test
  void profileModeBreaksTheFusedEnginesTimeDownByLayerAndPart(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("profile.md");
    int code = ModelCli.execute("benchmark", "--profile", "--model", SmallModel.file().toString(), "--embeddings", "4",
        "--batches", "3", "--threads", "1", "--reps", "1", "--min-beats", "3", "--out", report.toString());
    assertThat(code).isZero();
    String text = Files.readString(report);
    assertThat(text).contains("### shipped (E=4), batch 3", "### random E=4, batch 3", "ONNX Runtime");
    for (String part : List.of("| encoder 1 | recurrent product", "| decoder 2 | gate activations", "| engine | output layer (GEMM)",
        "| all layers | cell update")) {
      assertThat(text).contains(part);
    }
    double total = Double.parseDouble(text.lines().filter(l -> l.startsWith("| all | |")).findFirst().orElseThrow()
        .split("\\|")[3].strip());
    assertThat(total).as("ms per batch, all parts").isPositive();
  }

  private static List<String> rows(Path table) throws Exception {
    return Files.readAllLines(table).stream().filter(l -> l.startsWith("| shipped") || l.startsWith("| random")).toList();
  }

  private static String[] row(String table, String start) {
    return table.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow().split("\\|");
  }

  /** Runs the model CLI in a child JVM with these options and arguments; returns its output once it ended well. */
  private static String modelCli(List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.add(ModelCli.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}

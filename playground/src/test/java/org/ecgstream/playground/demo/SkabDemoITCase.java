package org.ecgstream.playground.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.ecgstream.model.bundle.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The telemetry demo on SKAB (read from beside the checkout; GPL-3.0, never committed): the 34
 * pumps learn their models in the stream, and SKAB's figures from the streamed scores equal the
 * offline command's, row for row.
 */
class SkabDemoITCase {
  static Path skab() {
    return Stream.of(Path.of("..", "shared", "data", "skab"), Path.of("..", "..", "shared", "data", "skab"))
        .filter(p -> Files.isDirectory(p.resolve("valve1"))).findFirst().orElse(null);
  }

  @Test
  void streamedFiguresEqualTheOfflineCommands(@TempDir Path dir) throws Exception {
    Path skab = skab();
    assumeTrue(skab != null, "the SKAB folder is not beside this checkout (shared/data/skab); skipped");
    Path summary = dir.resolve("skab.json");
    DemoConsole run = DemoConsole.run("--skab", skab.toString(), "--web-ui-port", "0", "--stay", "no",
        "--summary-json", summary.toString());
    String console = run.output();
    int code = run.exitCode();
    assertThat(code).as(console).isZero();
    var json = ModelFile.json().readTree(summary.toFile());
    assertThat(json.get("files").asInt()).isEqualTo(34);
    assertThat(json.get("differingRows").asLong()).isZero();
    String streamed = json.get("streamed").asText();
    assertThat(streamed).isEqualTo(json.get("offline").asText());
    // The exact figures move in their last digits with the CPU's vector width and the native thread
    // count (float sums in another order); the floor does not: better than the
    // leaderboard's LSTM-AE (F1 0.74, FAR 29.96 %, NAB standard 23.51) on all three at once.
    var m = java.util.regex.Pattern.compile("F1 ([0-9.]+), FAR ([0-9.]+), MAR [0-9.]+, NAB ([0-9.-]+) ")
        .matcher(streamed);
    assertThat(m.find()).as(streamed).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as("F1").isGreaterThan(0.74);
    assertThat(Double.parseDouble(m.group(2))).as("FAR").isLessThan(29.96);
    assertThat(Double.parseDouble(m.group(3))).as("NAB standard").isGreaterThan(23.51);
    assertThat(console).contains("ALERT").contains(", mostly ");
  }
}

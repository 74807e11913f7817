package org.ecgstream.playground.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short run of the pipeline benchmark: it must complete, report every beat it offered, and set
 * the rate after sending ended against the engine's own rate.
 */
class PipelineBenchmarkSmokeITCase {
  @Test
  void shortRunScoresEveryOfferedBeatInBothModes(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("pipeline.md");
    int code = new CommandLine(new PipelineBenchmark()).execute("--patients", "4", "--seconds", "2", "--bpm", "120",
        "--flat-out-beats", "5000", "--warm-up-seconds", "1", "--reference-seconds", "0.5",
        "--out", table.toString());
    assertThat(code).isZero();
    List<String> lines = Files.readAllLines(table);
    List<String> rows = lines.stream().filter(l -> l.startsWith("| at-") || l.startsWith("| exactly")).toList();
    assertThat(rows).hasSize(6);
    assertThat(rows).filteredOn(r -> r.contains("after sending ended")).hasSize(2);
    for (String row : rows) {
      String[] cells = row.split("\\|");
      if (row.contains("after sending ended")) {
        // Beats left when sending ended: some, never more than were sent.
        assertThat(Integer.parseInt(cells[4].strip())).as(row).isBetween(1, 5000);
        continue;
      }
      assertThat(cells[4].strip()).as("beats scored in %s", row).isEqualTo(cells[3].strip());
      assertThat(Double.parseDouble(cells[5].strip())).as("throughput").isPositive();
    }
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("Model level in this process \\(fused engine, batch 32, "
        + "1 thread\\(s\\)\\), before / after the runs: reconstruction alone [1-9][0-9]* / [1-9][0-9]* beats/s, "
        + "the scorer library's whole call [1-9][0-9]* / [1-9][0-9]* beats/s\\."));
    // A short run may drain for too short a time to claim a ratio; then it must say so.
    assertThat(lines).filteredOn(l -> l.matches("Flat out, (at-least-once|exactly-once)(, after sending ended: [1-9][0-9]* "
        + "beats/s over [0-9.]+ s \\([0-9]+ of 5000 beats\\) = .*|: the job drained for only [0-9.]+ s .*)")).hasSize(2);
  }
}

package org.ecgstream.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A short run of the pipeline benchmark: it must complete and report every beat it offered. */
class PipelineBenchmarkSmokeITCase {
  @Test
  void shortRunScoresEveryOfferedBeatInBothModes(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("pipeline.md");
    int code = new CommandLine(new PipelineBenchmark()).execute("--patients", "4", "--seconds", "2", "--bpm", "120",
        "--flat-out-beats", "200", "--warm-up-seconds", "1", "--out", table.toString());
    assertThat(code).isZero();
    List<String> rows = Files.readAllLines(table).stream().filter(l -> l.startsWith("| at-") || l.startsWith("| exactly")).toList();
    assertThat(rows).hasSize(4);
    for (String row : rows) {
      String[] cells = row.split("\\|");
      assertThat(cells[4].strip()).as("beats scored in %s", row).isEqualTo(cells[3].strip());
      assertThat(Double.parseDouble(cells[5].strip())).as("throughput").isPositive();
    }
  }
}

package org.ecgstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecgstream.model.testing.SmallModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short run of the model-level benchmark: both engines measured for every setting asked for. */
class BenchmarkCommandTest {
  @Test
  void smokeRunMeasuresBothEnginesForEverySetting(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("bench.md");
    int code = ModelCli.execute("benchmark", "--model", SmallModel.file().toString(), "--embeddings", "4",
        "--batches", "1,3", "--threads", "1", "--reps", "1", "--min-beats", "2", "--out", table.toString());
    assertThat(code).isZero();
    List<String> rows = Files.readAllLines(table).stream().filter(l -> l.startsWith("| shipped") || l.startsWith("| random"))
        .toList();
    assertThat(rows).hasSize(4);
    for (String row : rows) {
      String[] cells = row.split("\\|");
      assertThat(Double.parseDouble(cells[4].strip())).as("DL4J beats/s in %s", row).isPositive();
      assertThat(Double.parseDouble(cells[5].strip())).as("fused beats/s in %s", row).isPositive();
      assertThat(Double.parseDouble(cells[9].strip())).as("fused GEMM-only beats/s in %s", row).isPositive();
    }
    assertThat(Files.readString(table)).contains("peak resident memory").startsWith("OpenBLAS kernels: ");
  }
}

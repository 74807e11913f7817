package org.ecgstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.wfdb.WfdbBeats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped two-lead set is what the command makes from the shipped record, and reads back as its beats. */
class BeatsCsvCommandTest {
  @TempDir
  Path dir;

  @Test
  void theShippedTwoLeadSetIsRemadeByTheCommandAndReadsBackAsTheRecordsBeats() throws IOException {
    Path record = ShippedData.mitdb().resolve("208.hea");
    Path remade = dir.resolve("beats.csv.gz");
    assertThat(ModelCli.execute("beats-csv", "--records", record.toString(), "--normal-every", "2", "--out",
        remade.toString())).isZero();
    assertThat(unzipped(remade)).isEqualTo(unzipped(ShippedData.twoLeadBeats()));

    Dataset shipped = DatasetReader.read(ShippedData.twoLeadBeats());
    assertThat(shipped.size()).isEqualTo(2161);
    assertThat(shipped.length()).isEqualTo(WfdbBeats.LENGTH);
    assertThat(shipped.features()).isEqualTo(2);
    List<LabelledWindow> beats = WfdbBeats.read(record, 2);
    List<LabelledWindow> normals = beats.stream().filter(b -> b.label() == 1).toList();
    assertThat(shipped.windows().stream().filter(w -> w.label() == 1).count()).isEqualTo((normals.size() + 1) / 2);
    assertThat(shipped.windows().stream().filter(w -> w.label() != 1).count())
        .isEqualTo(beats.size() - normals.size());
    // Same values, to the CSV's 3 decimals, for the beats kept: both leads, time-major.
    java.util.Map<String, LabelledWindow> byId = new java.util.HashMap<>();
    beats.forEach(b -> byId.put(b.id(), b));
    for (LabelledWindow w : shipped.windows()) {
      LabelledWindow original = byId.get(w.id());
      assertThat(original).as(w.id()).isNotNull();
      assertThat(w.label()).isEqualTo(original.label());
      for (int k = 0; k < w.values().length; k++) {
        assertThat(w.values()[k]).isCloseTo(original.values()[k], within(5.001e-4f));
      }
    }
    // The two leads differ (MLII and V1): the second feature is not a copy of the first.
    float[] v = shipped.windows().get(0).values();
    assertThat(v[2 * 70]).isNotEqualTo(v[2 * 70 + 1]);
  }

  private static byte[] unzipped(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}

package org.ecgstream.model.wfdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.ecgstream.model.data.ShippedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WfdbRecordTest {
  @TempDir
  Path dir;

  @Test
  void shouldReadTheShippedRecordsWithTheirPublishedBeatCounts() {
    WfdbRecord r100 = WfdbRecord.read(ShippedData.mitdb(), "100");
    assertThat(r100.header().frequency()).isEqualTo(360.0);
    assertThat(r100.adc()[0]).hasSize(650_000);
    assertThat(r100.header().signals()).extracting(WfdbHeader.Signal::description).containsExactly("MLII", "V5");
    // The first MLII sample is 995 ADC units: (995 - 1024) / 200 = -0.145 mV.
    assertThat(r100.physical(0)[0]).isEqualTo(-0.145f);
    assertThat(r100.beats()).hasSize(2273);
    assertThat(r100.beats()).extracting(Annotation::sample).startsWith(77L, 370L, 662L);
    assertThat(r100.annotations().get(0)).satisfies(a -> {
      assertThat(a.code()).isEqualTo("+");
      assertThat(a.sample()).isEqualTo(18);
      assertThat(a.aux()).isEqualTo("(N");
    });
    assertThat(WfdbRecord.read(ShippedData.mitdb(), "101").beats()).hasSize(1865);
    WfdbRecord r208 = WfdbRecord.read(ShippedData.mitdb(), "208");
    Map<String, Long> codes = r208.beats().stream().collect(Collectors.groupingBy(Annotation::code, Collectors.counting()));
    assertThat(r208.beats()).hasSize(2955);
    assertThat(codes).containsEntry("N", 1586L).containsEntry("V", 992L).containsEntry("F", 373L)
        .containsEntry("S", 2L).containsEntry("Q", 2L);
    assertThat(r208.annotations()).filteredOn(a -> a.code().equals("+")).hasSize(53);
    assertThat(r208.signal("V1")).isEqualTo(1);
  }

  @Test
  void shouldRefuseATruncatedOrCorruptedSignalFileWithTheReason() throws IOException {
    copyRecord("100");
    byte[] dat = unpacked("100");
    Files.write(dir.resolve("100.dat"), java.util.Arrays.copyOf(dat, 3000));
    assertThatThrownBy(() -> WfdbRecord.read(dir, "100")).isInstanceOf(WfdbFormatException.class)
        .hasMessageContaining("truncated: 3000 bytes hold 1000 of 650000 samples per signal");
    dat[5000] ^= 0x11;
    Files.write(dir.resolve("100.dat"), dat);
    assertThatThrownBy(() -> WfdbRecord.read(dir, "100")).hasMessageContaining("checksum");
    Files.delete(dir.resolve("100.dat"));
    assertThatThrownBy(() -> WfdbRecord.read(dir, "100")).hasMessageContaining("signal file missing");
    assertThatThrownBy(() -> WfdbRecord.read(dir, "999")).hasMessageContaining("no such header");
  }

  @Test
  void shouldRefuseBadHeadersAndAnnotationsWithTheLine() throws IOException {
    Files.writeString(dir.resolve("x.hea"), "x 2 360 650000\nx.dat 16 200 11 1024 995 0 0 MLII\nx.dat 16 200 11 1024 1 0 0 V5\n");
    assertThatThrownBy(() -> WfdbRecord.read(dir, "x")).hasMessageContaining("format 16; only format 212");
    Files.writeString(dir.resolve("y.hea"), "# a comment\ny 2 360 lots\n");
    assertThatThrownBy(() -> WfdbHeader.read(dir.resolve("y.hea")))
        .hasMessageContaining("line 2: samples per signal must be a whole number, got 'lots'");
    Files.writeString(dir.resolve("z.hea"), "z 2 360 10\nz.dat 212 200 11 1024 0 0 0 MLII\n");
    assertThatThrownBy(() -> WfdbHeader.read(dir.resolve("z.hea"))).hasMessageContaining("announces 2 signals, 1 signal");
    Files.write(dir.resolve("t.atr"), new byte[] {0x12, 0x70, 0x3b});
    assertThatThrownBy(() -> MitAnnotations.read(dir.resolve("t.atr"))).hasMessageContaining("no end marker");
    Files.write(dir.resolve("u.atr"), new byte[] {0x05, (byte) 0xc4, 0, 0}); // code 49: no such annotation
    assertThatThrownBy(() -> MitAnnotations.read(dir.resolve("u.atr"))).hasMessageContaining("unknown annotation code 49");
  }

  private void copyRecord(String name) throws IOException {
    Files.copy(ShippedData.mitdb().resolve(name + ".hea"), dir.resolve(name + ".hea"));
    Files.copy(ShippedData.mitdb().resolve(name + ".atr"), dir.resolve(name + ".atr"));
  }

  private static byte[] unpacked(String name) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(ShippedData.mitdb().resolve(name + ".dat.gz")))) {
      return in.readAllBytes();
    }
  }
}

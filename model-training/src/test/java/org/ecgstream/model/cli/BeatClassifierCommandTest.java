package org.ecgstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ecgstream.model.data.ShippedData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code beats} on the shipped records, one of them renamed to lack lead MLII. */
class BeatClassifierCommandTest {
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

  @Test
  void countsEveryRecordAndSaysWhichLeadARecordWithoutMliiUsed() throws Exception {
    Path shipped = ShippedData.mitdb();
    for (String r : new String[] {"100", "101", "208"}) {
      for (String ext : new String[] {".atr", ".dat.gz"}) {
        Files.copy(shipped.resolve(r + ext), dir.resolve(r + ext));
      }
      String header = Files.readString(shipped.resolve(r + ".hea"), StandardCharsets.US_ASCII);
      // 101 as a monitor that names its first lead "II".
      Files.writeString(dir.resolve(r + ".hea"), r.equals("101") ? header.replace("MLII", "II") : header,
          StandardCharsets.US_ASCII);
    }
    // A reference classifier that calls exactly the annotated V and E beats ventricular.
    Path osea = Files.createDirectories(dir.resolve("osea"));
    for (String r : new String[] {"100", "101", "208"}) {
      StringBuilder csv = new StringBuilder("sample,type,match\n");
      for (var a : org.ecgstream.model.wfdb.WfdbRecord.read(shipped, r).beats()) {
        csv.append(a.sample()).append(',').append(a.isVentricular() ? 5 : 1).append(",0\n");
      }
      Files.writeString(osea.resolve(r + ".csv"), csv);
    }
    int code = ModelCli.execute("beats", "--data", dir.toString(), "--records", "100,101,208", "--no-sveb", "--osea",
        osea.toString());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed).contains("note: record 101 has no lead MLII (it has [II, V1]); using II");
    assertThat(printed).contains("method RULES");
    // From 300 s on: 100 has 1 V beat, 101 none, 208 824.
    String gross = printed.lines().filter(l -> l.startsWith("gross ")).findFirst().orElseThrow();
    assertThat(gross.split("\\s+")[1]).isEqualTo("825");
    assertThat(printed.lines().filter(l -> l.matches("^(100|101|208) .*"))).hasSize(3);
    // The reference classifier counted the same way: every V beat found, no false one, no false alert.
    String reference = printed.lines().filter(l -> l.startsWith("OSEA ")).findFirst().orElseThrow();
    String[] f = reference.trim().split("\\s+");
    assertThat(f[f.length - 3]).isEqualTo("100.00");
    assertThat(f[f.length - 2]).isEqualTo("100.00");
    assertThat(f[f.length - 1]).isEqualTo("0.00");
    assertThat(printed).contains("RULES ");
  }
}

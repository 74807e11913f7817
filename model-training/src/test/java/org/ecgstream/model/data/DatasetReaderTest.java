package org.ecgstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {
  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsUcrRowsWithFloatLabels() throws IOException {
    Path f = write("a.txt", "   1.0000000e+00   1.5e-01  -2.0e+00   3.0\n\n   2.0000000e+00 4 5 6\n");
    Dataset d = DatasetReader.read(f);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.length()).isEqualTo(3);
    assertThat(d.features()).isEqualTo(1);
    assertThat(d.windows().get(0).label()).isEqualTo(1);
    assertThat(d.windows().get(0).values()).containsExactly(0.15f, -2f, 3f);
    assertThat(d.windows().get(1).label()).isEqualTo(2);
  }

  @Test
  void gzippedFileHasTheSameWindowsAndHashAsPlain() throws IOException {
    String text = "1 1 2 3\n2 4 5 6\n";
    Path plain = write("b.txt", text);
    Path gz = dir.resolve("b.txt.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    Dataset a = DatasetReader.read(plain);
    Dataset b = DatasetReader.read(gz);
    assertThat(b.sha256()).isEqualTo(a.sha256());
    assertThat(b.windows().get(1).values()).containsExactly(a.windows().get(1).values());
  }

  @Test
  void ucrRejectsBadRowsWithFileLineAndReason() throws IOException {
    assertBad(write("c.txt", "1 1 2 3\n1 1 x 3\n"), 2, "value 2 is not a number: 'x'");
    assertBad(write("d.txt", "1 1 2 3\n1 1 2\n"), 2, "expected 3 values (as on the first row), found 2");
    assertBad(write("e.txt", "1 1 NaN 3\n"), 1, "value 2 is not finite");
    assertBad(write("f.txt", "1 1 2 3\n1.5 1 2 3\n"), 2, "label is not a whole number");
    assertBad(write("g.txt", "1 1 Infinity 3\n"), 1, "value 2 is not finite");
    assertBad(write("h.txt", "1\n"), 1, "expected a label and at least one value");
  }

  @Test
  void emptyUnknownAndMissingFilesAreClearErrors() throws IOException {
    assertThatThrownBy(() -> DatasetReader.read(write("empty.txt", "")))
        .isInstanceOf(DatasetFormatException.class).hasMessageContaining("no windows in file");
    assertThatThrownBy(() -> DatasetReader.read(write("x.parquet", "1 2")))
        .isInstanceOf(DatasetFormatException.class).hasMessageContaining("unknown format");
    assertThatThrownBy(() -> DatasetReader.read(dir.resolve("nope.txt")))
        .isInstanceOf(DatasetFormatException.class).hasMessageContaining("nope.txt").hasMessageContaining("no such file");
  }

  @Test
  void filesOfDifferentWindowLengthsCannotBeCombined() throws IOException {
    Path a = write("a3.txt", "1 1 2 3\n");
    Path b = write("b2.txt", "1 1 2\n");
    assertThatThrownBy(() -> DatasetReader.read(a, b)).hasMessageContaining("windows are 2x1 but earlier files had 3x1");
  }

  @Test
  void readsArffWithClassAsLastAttribute() throws IOException {
    Path f = write("e.arff", """
        % a comment
        @relation ECG5000
        @attribute att1 numeric
        @attribute att2 numeric
        @attribute target {1,2,3,4,5}

        @data
        0.5,-1.25,1
        2,3,'4'
        """);
    Dataset d = DatasetReader.read(f);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.windows().get(0).values()).containsExactly(0.5f, -1.25f);
    assertThat(d.windows().get(1).label()).isEqualTo(4);
  }

  @Test
  void arffRejectsBadRows() throws IOException {
    String header = "@relation r\n@attribute a numeric\n@attribute b numeric\n@attribute c {1,2}\n@data\n";
    assertBad(write("m.arff", header + "1,2,1\n1,?,2\n"), 7, "value 2 is missing");
    assertBad(write("n.arff", header + "1,2\n"), 6, "expected 3 fields (one per @attribute), found 2");
    assertBad(write("o.arff", header + "1,2,x\n"), 6, "label is not a number");
    assertBad(write("p.arff", "@relation r\n@attribute a numeric\n@attribute c numeric\n"), 3, "no @data section");
    assertBad(write("q.arff", "@relation r\nbogus\n"), 2, "expected @relation, @attribute or @data");
  }

  @Test
  void readsCsvGroupedByIdAndOrderedByTimestamp() throws IOException {
    Path f = write("t.csv", """
        id,timestamp,feature_1,feature_2,label
        s1,2,0.2,20,0
        s2,1,5,50,1
        s1,1,0.1,10,0
        s2,2,6,60,1
        """);
    Dataset d = DatasetReader.read(f);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.features()).isEqualTo(2);
    assertThat(d.length()).isEqualTo(2);
    LabelledWindow s1 = d.windows().get(0);
    assertThat(s1.id()).isEqualTo("s1");
    assertThat(s1.label()).isZero();
    assertThat(s1.values()).containsExactly(0.1f, 10f, 0.2f, 20f);
    assertThat(d.windows().get(1).value(1, 1)).isEqualTo(60f);
  }

  @Test
  void csvWithoutLabelColumnGivesUnlabelledWindows() throws IOException {
    Dataset d = DatasetReader.read(write("u.csv", "id,timestamp,x\na,1,1\na,2,2\n"));
    assertThat(d.windows().get(0).hasLabel()).isFalse();
  }

  @Test
  void csvRejectsBadRows() throws IOException {
    assertBad(write("h1.csv", "id,value\na,1\n"), 1, "header must name id, timestamp");
    assertBad(write("h2.csv", "id,timestamp,x,label\na,1,1,0\na,2\n"), 3, "expected 4 fields as in the header, found 2");
    assertBad(write("h3.csv", "id,timestamp,x,label\na,1,1,0\na,2,2,0\nb,1,1,0\n"), 4,
        "id b has 1 rows, the first id has 2");
    assertBad(write("h4.csv", "id,timestamp,x,label\na,1,1,0\na,2,2,1\n"), 3, "id a mixes labels 0 and 1");
    assertBad(write("h5.csv", "id,timestamp,x,label\na,1,1,0\na,1,2,0\n"), 3, "id a repeats timestamp");
    assertBad(write("h6.csv", "id,timestamp,x,label\na,1,NaN,0\n"), 2, "x is not finite");
    assertBad(write("h7.csv", "id,timestamp,x,label\n"), 1, "no data rows after the header");
  }

  @Test
  void shippedEcg5000HasTheDocumentedFilesAndClasses() {
    Dataset train = DatasetReader.read(ShippedData.ecg5000().get(0));
    assertThat(train.sha256()).isEqualTo("0d96aff193311a6dc6111bf0dbd2f7d2313987fbf7a1da4a383d92563876057b");
    Dataset all = DatasetReader.read(ShippedData.ecg5000());
    assertThat(all.size()).isEqualTo(5000);
    assertThat(all.length()).isEqualTo(140);
    Map<Integer, Long> counts = all.windows().stream()
        .collect(Collectors.groupingBy(LabelledWindow::label, Collectors.counting()));
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(1, 2919L, 2, 1767L, 3, 96L, 4, 194L, 5, 24L));
  }

  private static void assertBad(Path file, long line, String reason) {
    assertThatThrownBy(() -> DatasetReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(reason)
        .satisfies(e -> {
          DatasetFormatException d = (DatasetFormatException) e;
          assertThat(d.file()).isEqualTo(file);
          assertThat(d.line()).isEqualTo(line);
        });
  }
}

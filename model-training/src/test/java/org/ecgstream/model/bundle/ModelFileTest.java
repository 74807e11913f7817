package org.ecgstream.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.testing.SmallModel;
import org.ecgstream.model.testing.SyntheticBeats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  @TempDir
  Path dir;

  @Test
  void roundTripKeepsScoresAndEverythingTheJobNeeds() {
    ModelBundle trained = SmallModel.outcome().bundle();
    ModelBundle loaded = ModelFile.load(SmallModel.file());
    ModelMetadata m = loaded.metadata();
    assertThat(m).isEqualTo(trained.metadata());
    // Scored by its summed loss: written in format 1, which releases before the error score read.
    assertThat(m.formatVersion()).isEqualTo(1);
    assertThat(m.score()).isEqualTo(ErrorScore.SUM);
    assertThat(m.modelVersion()).startsWith("small-").hasSize("small-".length() + 12);
    assertThat(m.architecture().windowLength()).isEqualTo(SyntheticBeats.LENGTH);
    assertThat(m.threshold().value()).isPositive();
    assertThat(m.dataset().sha256()).hasSize(64);
    assertThat(m.training().config().seed()).isEqualTo(11);
    assertThat(m.metrics()).isNotNull();

    float[] batch = new float[5 * SyntheticBeats.LENGTH];
    Random r = new Random(99);
    for (int i = 0; i < 5; i++) {
      System.arraycopy(i < 3 ? SyntheticBeats.normal(r) : SyntheticBeats.abnormal(r), 0, batch, i * SyntheticBeats.LENGTH,
          SyntheticBeats.LENGTH);
    }
    ScoreBatch before = Scorer.of(trained, ScoringEngine.DL4J).score(batch, 5);
    ScoreBatch after = Scorer.of(loaded, ScoringEngine.DL4J).score(batch, 5);
    for (int i = 0; i < 5; i++) {
      assertThat(after.loss(i)).isCloseTo(before.loss(i), within(1e-6));
      assertThat(after.isAnomalous(i)).isEqualTo(before.isAnomalous(i));
    }
    for (int k = 0; k < batch.length; k++) {
      assertThat(after.absErrors()[k]).isCloseTo(before.absErrors()[k], within(1e-6f));
    }
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> ModelFile.load(dir.resolve("none.zip")))
        .isInstanceOf(ModelFileException.class).hasMessageContaining("model file not found");
  }

  @Test
  void notAZipIsRejected() throws IOException {
    Path f = Files.writeString(dir.resolve("text.zip"), "hello, I am not a model");
    assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("not a model file");
  }

  @Test
  void truncatedFileIsRejected() throws IOException {
    byte[] bytes = Files.readAllBytes(SmallModel.file());
    Path f = Files.write(dir.resolve("cut.zip"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(ModelFileException.class);
  }

  @Test
  void weightsThatDoNotMatchTheMetadataAreRejected() throws IOException {
    Map<String, byte[]> e = entries(SmallModel.file());
    byte[] net = e.get(ModelFile.NETWORK).clone();
    net[net.length / 2] ^= 0x5A;
    e.put(ModelFile.NETWORK, net);
    Path f = zip("tampered.zip", e);
    assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("corrupt: the network does not match the hash");
  }

  @Test
  void newerFormatVersionIsRejectedWithTheReason() throws IOException {
    Map<String, byte[]> e = entries(SmallModel.file());
    String json = new String(e.get(ModelFile.METADATA), StandardCharsets.UTF_8)
        .replaceFirst("\"formatVersion\" : 1", "\"formatVersion\" : 4");
    e.put(ModelFile.METADATA, json.getBytes(StandardCharsets.UTF_8));
    Path f = zip("v4.zip", e);
    assertThatThrownBy(() -> ModelFile.load(f)).hasMessageContaining("format version 4; this build reads versions 1 to 3")
        .hasMessageContaining("newer release");
  }

  /** A file written before variants and error scores: no such keys at all, format 1. */
  @Test
  void aFileFromBeforeVariantsAndErrorScoresLoadsAsAReconstructionModelScoredBySum() throws IOException {
    Map<String, byte[]> e = entries(SmallModel.file());
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) ModelFile.json().readTree(e.get(ModelFile.METADATA));
    tree.remove("errorScore");
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("architecture")).remove("variant");
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("training").get("config")).remove("variant");
    String json = ModelFile.json().writeValueAsString(tree);
    assertThat(json).doesNotContain("variant", "errorScore").contains("\"formatVersion\" : 1");
    e.put(ModelFile.METADATA, json.getBytes(StandardCharsets.UTF_8));
    ModelMetadata m = ModelFile.load(zip("old.zip", e)).metadata();
    assertThat(m.architecture().variant()).isEqualTo(Variant.RECONSTRUCTION);
    assertThat(m.training().config().variant()).isEqualTo(Variant.RECONSTRUCTION);
    assertThat(m.score()).isEqualTo(ErrorScore.SUM);
  }

  @Test
  void aMahalanobisScoreIsStoredInFormat2AndComesBackIdentical() {
    ModelBundle trained = SmallModel.outcome().bundle();
    int d = trained.architecture().windowLength();
    ErrorScore score = new ErrorScore(ErrorScore.Kind.MAHALANOBIS, 0.5, 10, ramp(d, 0.1f), identityFactor(d, 2f));
    Path f = dir.resolve("maha.zip");
    ModelMetadata stored = ModelFile.save(trained.withMetadata(trained.metadata().withErrorScore(score)), f, "m");
    assertThat(stored.formatVersion()).isEqualTo(2);
    ModelMetadata read = ModelFile.load(f).metadata();
    assertThat(read.formatVersion()).isEqualTo(2);
    assertThat(read.score()).isEqualTo(score);
    assertThat(read).isEqualTo(stored);
  }

  @Test
  void anErrorScoreFittedOnOtherWindowsIsRejected() throws IOException {
    ModelBundle trained = SmallModel.outcome().bundle();
    int d = trained.architecture().windowLength() - 1;
    Path f = dir.resolve("short.zip");
    ModelFile.save(trained.withMetadata(trained.metadata().withErrorScore(
        new ErrorScore(ErrorScore.Kind.MAHALANOBIS, 0.5, 10, ramp(d, 0f), identityFactor(d, 1f)))), f, "m");
    assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("its error score was fitted on windows of " + d + " values, the architecture has "
            + (d + 1));
    // A factor that is not positive definite is refused when the metadata is read, with the field.
    Map<String, byte[]> e = entries(f);
    String json = new String(e.get(ModelFile.METADATA), StandardCharsets.UTF_8).replaceFirst("\"cholesky\" : \\[ 1\\.0",
        "\"cholesky\" : [ -1.0");
    e.put(ModelFile.METADATA, json.getBytes(StandardCharsets.UTF_8));
    Path bad = zip("notpd.zip", e);
    assertThatThrownBy(() -> ModelFile.load(bad)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("has invalid metadata").hasMessageContaining("non-positive or non-finite diagonal at 0");
  }

  private static float[] ramp(int d, float step) {
    float[] v = new float[d];
    for (int i = 0; i < d; i++) {
      v[i] = i * step;
    }
    return v;
  }

  private static float[] identityFactor(int d, float diagonal) {
    float[] l = new float[d * (d + 1) / 2];
    for (int i = 0; i < d; i++) {
      l[i * (i + 1) / 2 + i] = diagonal;
    }
    return l;
  }

  @Test
  void metadataWhoseArchitectureDisagreesWithTheNetworkIsRejected() throws IOException {
    Map<String, byte[]> e = entries(SmallModel.file());
    String json = new String(e.get(ModelFile.METADATA), StandardCharsets.UTF_8)
        .replaceFirst("\"embedding\" : 4", "\"embedding\" : 8");
    e.put(ModelFile.METADATA, json.getBytes(StandardCharsets.UTF_8));
    Path f = zip("arch.zip", e);
    assertThatThrownBy(() -> ModelFile.load(f)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("does not match the metadata's architecture");
  }

  @Test
  void missingEntriesAndBrokenJsonAreRejected() throws IOException {
    Map<String, byte[]> e = entries(SmallModel.file());
    Map<String, byte[]> noMeta = new LinkedHashMap<>(e);
    noMeta.remove(ModelFile.METADATA);
    assertThatThrownBy(() -> ModelFile.load(zip("nometa.zip", noMeta))).hasMessageContaining("has no metadata.json");
    Map<String, byte[]> noNet = new LinkedHashMap<>(e);
    noNet.remove(ModelFile.NETWORK);
    assertThatThrownBy(() -> ModelFile.load(zip("nonet.zip", noNet))).hasMessageContaining("has no network.bin");
    Map<String, byte[]> badJson = new LinkedHashMap<>(e);
    badJson.put(ModelFile.METADATA, "{ not json".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ModelFile.load(zip("badjson.zip", badJson))).hasMessageContaining("not valid JSON");
    Map<String, byte[]> noThreshold = new LinkedHashMap<>(e);
    String json = new String(e.get(ModelFile.METADATA), StandardCharsets.UTF_8).replaceFirst("\"threshold\"", "\"thresh\"");
    noThreshold.put(ModelFile.METADATA, json.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ModelFile.load(zip("nothr.zip", noThreshold))).hasMessageContaining("missing 'threshold'");
  }

  private static Map<String, byte[]> entries(Path file) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file); ZipInputStream z = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = z.getNextEntry()) != null) {
        out.put(e.getName(), z.readAllBytes());
      }
    }
    return out;
  }

  private Path zip(String name, Map<String, byte[]> entries) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(out)) {
      for (var e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return f;
  }
}

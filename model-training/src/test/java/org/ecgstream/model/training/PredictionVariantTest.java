package org.ecgstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelFileException;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.onnx.OnnxExportParityTest;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.testing.SmallModel;
import org.ecgstream.model.testing.SyntheticBeats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prediction variant trained through the whole protocol, saved, loaded and scored by every engine. */
class PredictionVariantTest {
  @TempDir
  static Path dir;
  static Path model;
  static TrainingProtocol.Outcome outcome;

  @BeforeAll
  static void train() {
    TrainOptions base = SmallModel.options(SmallModel.data(), 11);
    TrainingConfig c = base.training();
    TrainOptions o = new TrainOptions(base.files(), base.normalLabel(), base.validationFraction(),
        base.testFraction(), base.splitSeed(), new TrainingConfig(c.embedding(), c.loss(), c.learningRate(),
        c.batchSize(), c.maxEpochs(), c.patience(), c.seed(), Variant.PREDICTION), base.threshold(), null,
        "prediction", 1, base.engine(), ErrorScoreChoice.SUM);
    model = dir.resolve("prediction.zip");
    outcome = TrainingProtocol.run(o, model, new PrintStream(PrintStream.nullOutputStream()));
  }

  @Test
  void isStoredAsFormat2AndScoresOnlyThePredictedHalf() {
    ModelBundle loaded = ModelFile.load(model);
    assertThat(loaded.metadata().formatVersion()).isEqualTo(2);
    assertThat(loaded.architecture().variant()).isEqualTo(Variant.PREDICTION);
    assertThat(loaded.metadata().training().config().variant()).isEqualTo(Variant.PREDICTION);

    List<LabelledWindow> windows = DatasetReader.read(SmallModel.data()).windows().subList(0, 40);
    int t = SyntheticBeats.LENGTH;
    float[] flat = new float[windows.size() * t];
    for (int i = 0; i < windows.size(); i++) {
      System.arraycopy(windows.get(i).values(), 0, flat, i * t, t);
    }
    ScoreBatch fused = Scorer.of(loaded, ScoringEngine.FUSED).score(flat, windows.size());
    ScoreBatch dl4j = Scorer.of(ModelFile.load(model), ScoringEngine.DL4J).score(flat, windows.size());
    for (int i = 0; i < windows.size(); i++) {
      double sum = 0;
      for (int s = 0; s < t; s++) {
        float err = fused.absErrors()[i * t + s];
        if (s < t / 2) {
          assertThat(err).as("context step %d has no error", s).isZero();
          assertThat(fused.reconstruction()[i * t + s]).isEqualTo(flat[i * t + s]);
        } else {
          sum += err;
        }
      }
      assertThat(fused.loss(i)).isCloseTo(sum, within(1e-4 * sum));
      assertThat(fused.loss(i)).isCloseTo(dl4j.loss(i), within(1e-4 * dl4j.loss(i)));
    }
    // Trained: the predicted half is learnt well enough to tell the synthetic abnormal beats apart.
    assertThat(outcome.bundle().metadata().metrics().rocAuc()).isGreaterThan(0.9);
  }

  @Test
  void exportsToOnnxWithTheSameScores() {
    ModelBundle loaded = ModelFile.load(model);
    OnnxExportParityTest.assertExportScoresAsFused(loaded, 16, OnnxExportParityTest.RELATIVE);
  }

  /**
   * The Mahalanobis score covers only the predicted half: the context steps never have an error, so
   * even an unshrunk covariance can be inverted, and the export slices them off too.
   */
  @Test
  void theMahalanobisScoreCoversOnlyThePredictedStepsAndExportsSo() {
    TrainOptions base = SmallModel.options(SmallModel.data(), 11);
    TrainingConfig c = outcome.bundle().metadata().training().config();
    TrainOptions o = new TrainOptions(base.files(), base.normalLabel(), base.validationFraction(),
        base.testFraction(), base.splitSeed(), c, base.threshold(), null, "prediction", 1, base.engine(),
        new ErrorScoreChoice(ErrorScore.Kind.MAHALANOBIS, 0));
    Path rescored = dir.resolve("prediction-mahalanobis.zip");
    TrainingProtocol.rescore(model, o, rescored, new PrintStream(PrintStream.nullOutputStream()));
    ModelBundle loaded = ModelFile.load(rescored);
    ErrorScore score = loaded.metadata().score();
    assertThat(score.from()).isEqualTo(SyntheticBeats.LENGTH / 2);
    assertThat(score.mean()).hasSize(SyntheticBeats.LENGTH / 2);
    assertThat(score.shrinkage()).isZero();
    OnnxExportParityTest.assertExportScoresAsFused(loaded, 16, OnnxExportParityTest.MAHALANOBIS_RELATIVE);
  }

  @Test
  void aNetworkWhoseDecoderDoesNotMatchTheMetadataIsRefused() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(model); ZipInputStream z = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = z.getNextEntry()) != null) {
        entries.put(e.getName(), z.readAllBytes());
      }
    }
    String json = new String(entries.get("metadata.json"), StandardCharsets.UTF_8);
    assertThat(json).contains("\"variant\" : \"PREDICTION\"");
    entries.put("metadata.json", json.replace("\"variant\" : \"PREDICTION\"", "\"variant\" : \"RECONSTRUCTION\"")
        .getBytes(StandardCharsets.UTF_8));
    Path tampered = dir.resolve("tampered.zip");
    try (OutputStream out = Files.newOutputStream(tampered); ZipOutputStream z = new ZipOutputStream(out)) {
      for (var e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    assertThatThrownBy(() -> ModelFile.load(tampered)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("the network's decoder does not produce the 24 steps");
  }
}

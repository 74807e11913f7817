package org.ecgstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.onnx.OnnxExport;
import org.ecgstream.model.onnx.OnnxExportParityTest;
import org.ecgstream.model.onnx.OnnxRuntimeModel;
import org.ecgstream.model.report.ReportWriter;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.testing.SmallModel;
import org.ecgstream.model.testing.SyntheticBeats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The latent-target autoencoder through the whole protocol: two stages, a frozen first layer, its own errors. */
class LatentVariantTest {
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @TempDir
  Path dir;

  private static TrainOptions options(AutoencoderTrainer.Engine engine, ErrorScoreChoice score) {
    return options(Variant.LATENT, SmallModel.options(SmallModel.data(), 11).splitSeed(), engine, score, null);
  }

  private static TrainOptions options(Variant variant, long splitSeed, AutoencoderTrainer.Engine engine,
                                      ErrorScoreChoice score, Path firstStage) {
    TrainOptions base = SmallModel.options(SmallModel.data(), 11);
    TrainingConfig c = base.training();
    return new TrainOptions(base.files(), base.normalLabel(), base.validationFraction(), base.testFraction(),
        splitSeed, new TrainingConfig(c.embedding(), c.loss(), c.learningRate(), c.batchSize(), c.maxEpochs(),
        c.patience(), c.seed(), variant), base.threshold(), null, "latent", 1, engine, score, firstStage);
  }

  @Test
  void trainsOnTheFrozenFirstLayerOfTheReconstructionModelAndScoresItsOwnErrors() throws java.io.IOException {
    Path model = dir.resolve("latent.zip");
    TrainingProtocol.Outcome o = TrainingProtocol.run(options(AutoencoderTrainer.Engine.BACKPROP, ErrorScoreChoice.SUM),
        model, QUIET);
    ModelBundle loaded = ModelFile.load(model);
    assertThat(loaded.metadata().formatVersion()).as("format-2 readers must refuse it by its version").isEqualTo(3);
    assertThat(loaded.architecture().variant()).isEqualTo(Variant.LATENT);
    assertThat(loaded.metadata().describeScore()).isEqualTo("loss summed over the first encoder layer's outputs over "
        + "the window (the latent-target model's units)");
    assertThat(loaded.network().getParam(AutoencoderFactory.OUTPUT + "_W").shape()).containsExactly(8, 8);

    // Stage one is the small reconstruction model itself (same data, configuration and seeds), and
    // stage two left its first layer exactly as it was.
    ModelBundle reconstruction = SmallModel.outcome().bundle();
    for (String key : List.of("_W", "_RW", "_b")) {
      INDArray frozen = loaded.network().getParam(AutoencoderFactory.ENCODER_1 + key);
      assertThat(frozen.equalsWithEps(reconstruction.network().getParam(AutoencoderFactory.ENCODER_1 + key), 0))
          .as("first layer %s frozen", key).isTrue();
      assertThat(loaded.network().getParam(AutoencoderFactory.ENCODER_2 + key)
          .equalsWithEps(reconstruction.network().getParam(AutoencoderFactory.ENCODER_2 + key), 1e-6))
          .as("second layer %s trained on", key).isFalse();
    }
    var history = loaded.metadata().training().history();
    assertThat(history.get(loaded.metadata().training().bestEpoch() - 1).validationLoss())
        .isLessThan(history.get(0).validationLoss());
    assertThat(o.bundle().metadata().metrics().rocAuc()).isGreaterThan(0.9);

    // Its scores: no reconstruction of the window; one error per step, whose sum is the L1 loss.
    List<LabelledWindow> some = DatasetReader.read(SmallModel.data()).windows().subList(0, 16);
    int length = SyntheticBeats.LENGTH;
    float[] flat = new float[some.size() * length];
    for (int i = 0; i < some.size(); i++) {
      System.arraycopy(some.get(i).values(), 0, flat, i * length, length);
    }
    Scorer fused = Scorer.of(loaded, ScoringEngine.FUSED);
    ScoreBatch b = fused.score(flat, some.size());
    assertThat(b.reconstruction()).isNull();
    assertThat(b.reconstruction(0)).isNull();
    assertThat(b.errorsPerStep()).isEqualTo(1);
    for (int i = 0; i < some.size(); i++) {
      // The mean over the values the loss covers: 2E latent values per step.
      assertThat(b.lossMean(i)).isCloseTo(b.loss(i) / (length * 8), within(1e-9 * b.loss(i)));
      double steps = 0;
      for (float e : b.stepErrors(i)) {
        steps += e;
      }
      assertThat(steps).isCloseTo(b.loss(i), within(1e-4 * b.loss(i)));
    }

    // The saved model scores its held-out windows as the protocol did, on both engines; its ONNX export agrees.
    List<LabelledWindow> held = o.split().validation();
    for (ScoringEngine engine : ScoringEngine.values()) {
      double[] again = Scorer.load(model, engine, 1).losses(held, 64);
      for (int i = 0; i < held.size(); i++) {
        assertThat(again[i]).as("%s, window %d", engine, i).isCloseTo(o.losses().validation()[i],
            within(1e-4 * again[i]));
      }
    }
    try (OnnxRuntimeModel ort = new OnnxRuntimeModel(OnnxExport.scoringGraph(loaded).toByteArray(), length, 1, 1)) {
      OnnxExportParityTest.assertScoringParity(ort, fused, some);
    }

    // Its report draws no reconstruction, and removes one an earlier model left in the folder.
    Path report = dir.resolve("report");
    java.nio.file.Files.createDirectories(report);
    java.nio.file.Files.writeString(report.resolve("reconstructions.png"), "an earlier model's");
    Path md = ReportWriter.write(report, loaded.metadata(), loaded.metadata().metrics(), o.dataset(), o.split(),
        o.losses(), fused);
    assertThat(report.resolve("reconstructions.png")).doesNotExist();
    assertThat(report.resolve("roc.png")).exists();
    assertThat(java.nio.file.Files.readString(md)).doesNotContain("reconstructions.png")
        .contains("rebuilding that layer's outputs").contains("the first stage (the reconstruction autoencoder whose "
            + "first layer is frozen) was trained in this run: ");
  }

  @Test
  void theMahalanobisScoreCoversItsPerStepErrors() {
    Path model = dir.resolve("latent-maha.zip");
    TrainingProtocol.run(options(AutoencoderTrainer.Engine.BACKPROP,
        new ErrorScoreChoice(ErrorScore.Kind.MAHALANOBIS, 0.5)), model, QUIET);
    ModelBundle loaded = ModelFile.load(model);
    assertThat(loaded.metadata().score().mean()).hasSize(SyntheticBeats.LENGTH);
    OnnxExportParityTest.assertExportScoresAsFused(loaded, 8, OnnxExportParityTest.MAHALANOBIS_RELATIVE);
  }

  /**
   * A first stage taken from a reconstruction model file of the same split gives the model that
   * training both stages gives (stage one is that same training), and says where it came from.
   */
  @Test
  void takesItsFirstStageFromAReconstructionModelOfTheSameSplit() {
    long split = SmallModel.options(SmallModel.data(), 11).splitSeed();
    ModelBundle both = TrainingProtocol.run(options(Variant.LATENT, split, AutoencoderTrainer.Engine.BACKPROP,
        ErrorScoreChoice.SUM, null), dir.resolve("both.zip"), QUIET).bundle();
    ModelBundle taken = TrainingProtocol.run(options(Variant.LATENT, split, AutoencoderTrainer.Engine.BACKPROP,
        ErrorScoreChoice.SUM, SmallModel.file()), dir.resolve("taken.zip"), QUIET).bundle();
    assertThat(taken.network().params().equalsWithEps(both.network().params(), 0)).isTrue();
    assertThat(both.metadata().training().firstStage()).startsWith("trained in this run: ");
    assertThat(taken.metadata().training().firstStage())
        .isEqualTo("taken from model " + SmallModel.outcome().bundle().metadata().modelVersion());
    assertThat(taken.metadata().training().seconds()).isLessThan(both.metadata().training().seconds());
    assertThat(ModelFile.load(dir.resolve("taken.zip")).metadata().training().firstStage())
        .isEqualTo(taken.metadata().training().firstStage());
  }

  @Test
  void refusesAFirstStageThatIsNotThisRunsReconstructionModel() {
    long split = SmallModel.options(SmallModel.data(), 11).splitSeed();
    Path latent = dir.resolve("latent.zip");
    TrainingProtocol.run(options(AutoencoderTrainer.Engine.BACKPROP, ErrorScoreChoice.SUM), latent, QUIET);
    assertThatThrownBy(() -> TrainingProtocol.run(options(Variant.LATENT, split, AutoencoderTrainer.Engine.BACKPROP,
        ErrorScoreChoice.SUM, latent), dir.resolve("x.zip"), QUIET))
        .hasMessageContaining("cannot take the first stage from").hasMessageContaining("it is a LATENT model");
    assertThatThrownBy(() -> TrainingProtocol.run(options(Variant.LATENT, split + 1, AutoencoderTrainer.Engine.BACKPROP,
        ErrorScoreChoice.SUM, SmallModel.file()), dir.resolve("x.zip"), QUIET))
        .hasMessageContaining("trained on another split").hasMessageContaining("split seed " + split);
    assertThatThrownBy(() -> TrainingProtocol.run(options(Variant.PREDICTION, split, AutoencoderTrainer.Engine.BACKPROP,
        ErrorScoreChoice.SUM, SmallModel.file()), dir.resolve("x.zip"), QUIET))
        .hasMessageContaining("is for --architecture LATENT, not PREDICTION");
    assertThat(dir.resolve("x.zip")).doesNotExist();
  }

  @Test
  void dl4jsTrainingEngineRefusesItBeforeTrainingAnything() {
    assertThatThrownBy(() -> TrainingProtocol.run(options(AutoencoderTrainer.Engine.DL4J, ErrorScoreChoice.SUM),
        dir.resolve("x.zip"), QUIET))
        .hasMessageContaining("latent-target variant trains with --engine BACKPROP only");
  }
}

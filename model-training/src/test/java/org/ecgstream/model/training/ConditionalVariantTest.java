package org.ecgstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.onnx.OnnxExportParityTest;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.testing.SmallModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conditional decoder with the Mahalanobis score, as Malhotra et al. pair them, through the whole protocol. */
class ConditionalVariantTest {
  @TempDir
  Path dir;

  private static TrainOptions options(AutoencoderTrainer.Engine engine) {
    TrainOptions base = SmallModel.options(SmallModel.data(), 11);
    TrainingConfig c = base.training();
    return new TrainOptions(base.files(), base.normalLabel(), base.validationFraction(), base.testFraction(),
        base.splitSeed(), new TrainingConfig(c.embedding(), c.loss(), c.learningRate(), c.batchSize(), c.maxEpochs(),
        c.patience(), c.seed(), Variant.CONDITIONAL), base.threshold(), null, "conditional", 1, engine,
        new ErrorScoreChoice(ErrorScore.Kind.MAHALANOBIS, 0.5));
  }

  @Test
  void trainsSavesAndScoresWithTheMahalanobisScore() {
    Path model = dir.resolve("conditional.zip");
    TrainingProtocol.Outcome o = TrainingProtocol.run(options(AutoencoderTrainer.Engine.BACKPROP), model,
        new PrintStream(PrintStream.nullOutputStream()));
    ModelBundle loaded = ModelFile.load(model);
    assertThat(loaded.metadata().formatVersion()).isEqualTo(2);
    assertThat(loaded.architecture().variant()).isEqualTo(Variant.CONDITIONAL);
    assertThat(loaded.network().getnLayers()).isEqualTo(4);
    assertThat(loaded.metadata().score().kind()).isEqualTo(ErrorScore.Kind.MAHALANOBIS);
    // Training lowered the (teacher-forced) validation loss, and the free-running score separates the classes.
    var history = loaded.metadata().training().history();
    assertThat(history.get(loaded.metadata().training().bestEpoch() - 1).validationLoss())
        .isLessThan(history.get(0).validationLoss() / 2);
    assertThat(o.bundle().metadata().metrics().rocAuc()).isGreaterThan(0.9);

    // The saved model scores its held-out windows as the protocol did, and its ONNX export agrees.
    List<LabelledWindow> held = o.split().validation();
    double[] again = Scorer.load(model, ScoringEngine.FUSED, 1).losses(held, 64);
    for (int i = 0; i < held.size(); i++) {
      assertThat(again[i]).isCloseTo(o.losses().validation()[i], within(1e-6 * again[i]));
    }
    OnnxExportParityTest.assertExportScoresAsFused(loaded, 16, OnnxExportParityTest.MAHALANOBIS_RELATIVE);
    assertThatThrownBy(() -> Scorer.load(model, ScoringEngine.DL4J, 1))
        .hasMessageContaining("cannot score the CONDITIONAL variant");
  }

  @Test
  void dl4jsTrainingEngineRefusesItWithTheReason() {
    assertThatThrownBy(() -> TrainingProtocol.run(options(AutoencoderTrainer.Engine.DL4J), dir.resolve("x.zip"),
        new PrintStream(PrintStream.nullOutputStream())))
        .hasMessageContaining("cannot train the CONDITIONAL variant").hasMessageContaining("--engine BACKPROP");
  }
}

package org.ecgstream.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.eval.EvaluationMetrics;
import org.ecgstream.model.testing.SmallModel;
import org.ecgstream.model.testing.SyntheticBeats;
import org.ecgstream.model.training.TrainingProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class AutoencoderTrainingTest {
  @Test
  void smallModelSeparatesAbnormalShapesFromNormalOnes() {
    TrainingProtocol.Outcome o = SmallModel.outcome();
    double[] normal = o.losses().testNormal();
    double[] abnormal = o.losses().abnormal();
    double worstNormal = max(normal);
    double mildestAbnormal = min(abnormal);
    // Every spike window reconstructs worse than every held-out sine window.
    assertThat(mildestAbnormal).isGreaterThan(worstNormal);
    EvaluationMetrics m = o.bundle().metadata().metrics();
    assertThat(m.rocAuc()).isEqualTo(1.0);
    assertThat(m.recall()).isEqualTo(1.0);
    assertThat(m.abnormalWindows()).isEqualTo(60);
    assertThat(m.normalWindows()).isEqualTo(20);
  }

  @Test
  void trainingKeepsTheBestValidationEpochAndLearns() {
    var meta = SmallModel.outcome().bundle().metadata();
    var history = meta.training().history();
    double best = history.stream().mapToDouble(AutoencoderTrainer.Epoch::validationLoss).min().orElseThrow();
    assertThat(history.get(meta.training().bestEpoch() - 1).validationLoss()).isEqualTo(best);
    assertThat(best).isLessThan(history.get(0).validationLoss() / 2);
  }

  @ParameterizedTest
  @EnumSource(AutoencoderTrainer.Engine.class)
  void sameSeedTrainsTheSameModel(AutoencoderTrainer.Engine engine) {
    List<LabelledWindow> train = sines();
    List<LabelledWindow> val = train.subList(0, 16);
    TrainingConfig cfg = new TrainingConfig(4, LossKind.L1, 1e-3, 16, 2, 2, 5);
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    var a = AutoencoderTrainer.train(train, val, cfg, engine, quiet);
    var b = AutoencoderTrainer.train(train, val, cfg, engine, quiet);
    var c = AutoencoderTrainer.train(train, val, new TrainingConfig(4, LossKind.L1, 1e-3, 16, 2, 2, 6), engine, quiet);
    assertThat(b.network().params()).isEqualTo(a.network().params());
    assertThat(b.history().get(1).validationLoss()).isEqualTo(a.history().get(1).validationLoss());
    assertThat(c.network().params()).isNotEqualTo(a.network().params());
  }

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"L1, RECONSTRUCTION", "L2, RECONSTRUCTION", "L1, PREDICTION", "L1, COMPOSITE"})
  void ourBackwardPassTrainsAsDl4jDoesFromTheSameStart(LossKind loss, Variant variant) {
    List<LabelledWindow> train = sines();
    List<LabelledWindow> val = train.subList(0, 16);
    TrainingConfig cfg = new TrainingConfig(4, loss, 1e-2, 16, 3, 3, 5, variant);
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    var dl4j = AutoencoderTrainer.train(train, val, cfg, AutoencoderTrainer.Engine.DL4J, quiet);
    var ours = AutoencoderTrainer.train(train, val, cfg, AutoencoderTrainer.Engine.BACKPROP, quiet);
    // Same initial weights, batches, gradients and Adam steps: the epochs' losses agree to float
    // rounding, which grows a little with every step.
    for (int e = 0; e < 3; e++) {
      var d = dl4j.history().get(e);
      var o = ours.history().get(e);
      assertThat(o.trainLoss()).as("epoch %d training loss", e + 1).isCloseTo(d.trainLoss(), within(1e-3 * d.trainLoss()));
      assertThat(o.validationLoss()).as("epoch %d validation loss", e + 1)
          .isCloseTo(d.validationLoss(), within(1e-3 * d.validationLoss()));
    }
    assertThat(ours.history().get(2).validationLoss()).isLessThan(ours.history().get(0).validationLoss());
  }

  private static List<LabelledWindow> sines() {
    Random r = new Random(3);
    List<LabelledWindow> train = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      train.add(LabelledWindow.univariate("n" + i, 1, SyntheticBeats.normal(r)));
    }
    return train;
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) m = Math.max(m, x);
    return m;
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : v) m = Math.min(m, x);
    return m;
  }
}

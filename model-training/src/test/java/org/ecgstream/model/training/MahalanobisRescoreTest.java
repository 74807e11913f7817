package org.ecgstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.testing.SmallModel;
import org.ecgstream.model.testing.SyntheticBeats;
import org.ecgstream.model.threshold.ThresholdSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained network scored again by the Mahalanobis distance of its errors, end to end through the model file. */
class MahalanobisRescoreTest {
  @TempDir
  Path dir;

  @Test
  void rescoringKeepsTheNetworkAndThresholdsTheNewScore() {
    TrainingProtocol.Outcome summed = SmallModel.outcome();
    TrainOptions base = SmallModel.options(SmallModel.data(), 11);
    TrainOptions maha = new TrainOptions(base.files(), base.normalLabel(), base.validationFraction(),
        base.testFraction(), base.splitSeed(), base.training(), base.threshold(), null, "maha", 1, base.engine(),
        new ErrorScoreChoice(ErrorScore.Kind.MAHALANOBIS, 0.5));
    Path out = dir.resolve("maha.zip");
    TrainingProtocol.Outcome o = TrainingProtocol.rescore(SmallModel.file(), maha, out,
        new PrintStream(PrintStream.nullOutputStream()));

    ModelBundle loaded = ModelFile.load(out);
    ModelMetadata m = loaded.metadata();
    // The same weights (the serialised bytes may differ: DL4J writes its counters with them).
    assertThat(loaded.network().params()).isEqualTo(ModelFile.load(SmallModel.file()).network().params());
    assertThat(m.score().kind()).isEqualTo(ErrorScore.Kind.MAHALANOBIS);
    assertThat(m.score().shrinkage()).isEqualTo(0.5);
    assertThat(m.score().windows()).isEqualTo(summed.split().train().size());
    assertThat(m.score().mean()).hasSize(SyntheticBeats.LENGTH);

    // The stored score applied to the summed model's errors is what the scorer reports, with either engine.
    List<LabelledWindow> held = summed.split().validation();
    Scorer sum = Scorer.of(ModelFile.load(SmallModel.file()), ScoringEngine.DL4J);
    List<float[]> errors = sum.absErrors(held, 64);
    double[] fused = Scorer.of(loaded, ScoringEngine.FUSED).losses(held, 64);
    double[] dl4j = Scorer.of(ModelFile.load(out), ScoringEngine.DL4J).losses(held, 64);
    float[] std = loaded.normalizer().std();
    for (int i = 0; i < held.size(); i++) {
      double expected = m.score().score(errors.get(i), 0, SyntheticBeats.LENGTH, 1, std, Double.NaN);
      assertThat(dl4j[i]).isCloseTo(expected, within(1e-6 * expected));
      assertThat(fused[i]).isCloseTo(expected, within(1e-3 * expected));
    }
    // The threshold is the rule's (p99) on the validation windows' new scores, and decides on them.
    assertThat(o.losses().validation()).containsExactly(dl4j);
    assertThat(m.threshold().value()).isEqualTo(ThresholdSelector.percentile(dl4j, 99).value());
    assertThat(m.threshold().value()).isNotCloseTo(summed.bundle().metadata().threshold().value(), within(1e-3));
    assertThat(m.metrics().threshold()).isEqualTo(m.threshold().value());
    // On these synthetic beats the abnormal ones stand out under the new score too.
    assertThat(m.metrics().rocAuc()).isGreaterThan(0.95);
  }
}

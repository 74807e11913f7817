package org.ecgstream.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.eval.EvaluationMetrics;
import org.ecgstream.model.eval.Evaluator;
import org.ecgstream.model.scoring.FusedLstmEngineParityTest;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.model.training.HeldOutLosses;
import org.junit.jupiter.api.Test;

/** The committed ECG5000 model: it loads, its stored metrics are reproducible, and it is good. */
class ShippedModelTest {
  static final Path MODEL = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));

  @Test
  void storedMetricsAreWhatTheHeldOutBeatsGiveAndMeetTheTargets() {
    ModelBundle bundle = ModelFile.load(MODEL);
    ModelMetadata meta = bundle.metadata();
    Dataset data = DatasetReader.read(ShippedData.ecg5000());
    assertThat(data.sha256()).isEqualTo(meta.dataset().sha256());
    var d = meta.dataset();
    NormalSplit split = d.split(data);
    HeldOutLosses losses = HeldOutLosses.of(Scorer.of(bundle, ScoringEngine.FUSED), split);
    EvaluationMetrics m = Evaluator.evaluate(losses.testNormal(), losses.abnormal(), losses.abnormalLabels(),
        meta.threshold().value(), d.splitSeed());
    EvaluationMetrics stored = meta.metrics();
    assertThat(m.confusion()).isEqualTo(stored.confusion());
    assertThat(m.balanced()).isEqualTo(stored.balanced());
    assertThat(m.rocAuc()).isCloseTo(stored.rocAuc(), within(1e-6));
    assertThat(m.normalWindows()).isEqualTo(145);
    assertThat(m.abnormalWindows()).isEqualTo(2081);
    assertThat(m.rocAuc()).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void fastPathMatchesDl4jOnTheShippedModel() {
    ModelBundle bundle = ModelFile.load(MODEL);
    FusedLstmEngineParityTest.assertParity(bundle.network(), bundle.architecture(), 40, 3);
  }
}

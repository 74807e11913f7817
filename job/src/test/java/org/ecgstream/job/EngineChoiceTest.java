package org.ecgstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.threshold.ThresholdSelector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The job refuses, when it is submitted, an engine that cannot run the model's variant. */
class EngineChoiceTest {
  private static ModelMetadata model(Variant v) {
    return new ModelMetadata(2, "m-0123456789ab", null, new Architecture(24, 1, 4, v), LossKind.L1,
        ThresholdSelector.fixed(1), new FeatureNormalizer(new float[] {0}, new float[] {1}), null, null, null, "sha",
        null);
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void theFusedEngineRunsEveryVariantAndDl4jAllButTheConditionalDecoder(Variant v) {
    assertThat(EcgAnomalyJob.engineFor(model(v), "fused")).isEqualTo(ScoringEngine.FUSED);
    if (v == Variant.CONDITIONAL) {
      assertThatThrownBy(() -> EcgAnomalyJob.engineFor(model(v), "dl4j"))
          .hasMessage("scorer.engine=dl4j cannot score model m-0123456789ab: its CONDITIONAL variant runs on the fused "
              + "engine only; set scorer.engine=fused");
    } else {
      assertThat(EcgAnomalyJob.engineFor(model(v), "dl4j")).isEqualTo(ScoringEngine.DL4J);
    }
  }
}

package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which kernels the fused engine runs on, as the scorer builds it. */
class VectorKernelsTest {
  private final Architecture a = new Architecture(24, 1, 4);
  private final MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L1, 1e-3, 5);

  @AfterEach
  void clearProperty() {
    System.clearProperty(VectorKernels.PROPERTY);
  }

  /** The build starts test JVMs as bin/ecg and the deploy files start scorers: with the module. */
  @Test
  void theScorersFusedEngineRunsOnTheVectorApiWhereTheJvmHasTheModule() {
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
    assertThat(VectorKernels.usable()).isTrue();
    assertThat(FusedLstmEngine.forModel(net, a)).isInstanceOf(VectorLstmEngine.class);
    assertThat(Scorer.of(org.ecgstream.model.testing.SmallModel.outcome().bundle(), ScoringEngine.FUSED).engineName())
        .isEqualTo("fused (Vector API)");
    assertThat(VectorKernels.describe()).startsWith("Java Vector API, ").contains("-bit vectors");
  }

  @Test
  void thePropertyKeepsItOnOpenBlas() {
    System.setProperty(VectorKernels.PROPERTY, "OpenBLAS");
    assertThat(VectorKernels.usable()).isFalse();
    assertThat(FusedLstmEngine.forModel(net, a)).isInstanceOf(FusedLstmEngine.class);
    assertThat(VectorKernels.describe()).startsWith("OpenBLAS (" + VectorKernels.PROPERTY + "=OpenBLAS");
  }

  @Test
  void anUnknownValueIsRefusedWithTheChoices() {
    System.setProperty(VectorKernels.PROPERTY, "avx512");
    assertThatThrownBy(() -> FusedLstmEngine.forModel(net, a)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(VectorKernels.PROPERTY + " must be 'vector' or 'openblas', not 'avx512'");
  }

  @Test
  void theConditionalVariantHasItsOwnEngineOnEither() {
    Architecture c = new Architecture(24, 1, 4, Variant.CONDITIONAL);
    MultiLayerNetwork conditional = AutoencoderFactory.create(c, LossKind.L1, 1e-3, 5);
    assertThat(FusedLstmEngine.forModel(conditional, c)).isInstanceOf(VectorConditionalEngine.class)
        .satisfies(e -> assertThat(e.usesOpenBlas()).isFalse());
    System.setProperty(VectorKernels.PROPERTY, "openblas");
    assertThat(FusedLstmEngine.forModel(conditional, c)).isInstanceOf(ConditionalFusedEngine.class);
  }
}

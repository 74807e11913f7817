package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.testing.SmallModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The fast path must reconstruct exactly what DL4J's network does, for any size of model. */
public class FusedLstmEngineParityTest {
  static final double TOLERANCE = 1e-5;

  @ParameterizedTest(name = "window {0}, {1} feature(s), E = {2}, batch {3}")
  @CsvSource({"24, 1, 4, 1", "24, 1, 4, 7", "30, 3, 8, 5", "20, 2, 16, 130", "140, 1, 32, 3", "140, 1, 64, 2",
      "140, 1, 64, 40", "140, 2, 128, 2"})
  void randomModelsOfOtherSizesMatchDl4j(int window, int features, int embedding, int batch) {
    Nd4jRuntime.ensureStarted();
    Architecture a = new Architecture(window, features, embedding);
    MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L1, 1e-3, window * 31L + embedding);
    // DL4J's own initialisation. With weights scaled x3, a 140-step recurrence turned chaotic and
    // amplified float rounding differences between the two implementations to about 1e-3.
    assertParity(net, a, batch, 17);
  }

  @Test
  void floatExpIsWithinAFewUlpOfMathExpOverTheGatesRange() {
    double worst = 0;
    for (float x = -87f; x <= 88f; x += 0.0137f) {
      double want = Math.exp(x);
      worst = Math.max(worst, Math.abs(FusedLstmEngine.exp(x) - want) / want);
    }
    // float's unit roundoff is 6e-8; a few ulp is what the gates' sums lose anyway.
    assertThat(worst).isLessThan(4e-7);
    assertThat(FusedLstmEngine.exp(-1000f)).isGreaterThanOrEqualTo(0f).isLessThan(1e-37f);
    assertThat(FusedLstmEngine.exp(1000f)).isFinite();
    assertThat(FusedLstmEngine.sigmoid(0f)).isEqualTo(0.5f);
    assertThat(FusedLstmEngine.tanh(-30f)).isEqualTo(-1f);
    assertThat(FusedLstmEngine.tanh(0.5f)).isCloseTo((float) Math.tanh(0.5), org.assertj.core.data.Offset.offset(1e-7f));
  }

  @Test
  void trainedModelMatchesDl4j() {
    var bundle = SmallModel.outcome().bundle();
    assertParity(bundle.network(), bundle.architecture(), 33, 5);
  }

  public static void assertParity(MultiLayerNetwork net, Architecture a, int batch, long seed) {
    Random r = new Random(seed);
    float[] x = new float[batch * a.features() * a.windowLength()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 1.5);
    }
    float[] expected = new Dl4jEngine(net, a.windowLength(), a.features()).reconstruct(x, batch);
    float[] actual = new FusedLstmEngine(net, a).reconstruct(x, batch);
    assertThat(actual).hasSameSizeAs(expected);
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    assertThat(worst).as("largest difference from DL4J").isLessThanOrEqualTo(TOLERANCE);
    double spread = 0;
    for (float v : expected) {
      spread = Math.max(spread, Math.abs(v));
    }
    assertThat(spread).as("outputs are not trivially zero").isGreaterThan(0.05);
  }
}

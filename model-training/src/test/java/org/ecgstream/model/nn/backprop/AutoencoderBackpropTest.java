package org.ecgstream.model.nn.backprop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.ecgstream.model.nn.Variant;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The hand-written backward pass against DL4J's own, on the same network, weights and batch. */
class AutoencoderBackpropTest {
  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"L1, RECONSTRUCTION", "L2, RECONSTRUCTION", "L1, PREDICTION", "L2, PREDICTION", "L1, COMPOSITE",
      "L2, COMPOSITE", "L1, LATENT", "L2, LATENT"})
  void shouldGiveDl4jsLossAndGradientsForEveryParameter(LossKind loss, Variant variant) {
    Architecture arch = new Architecture(12, 2, 3, variant);
    int n = 5;
    MultiLayerNetwork net = AutoencoderFactory.create(arch, loss, 1e-3, 7);
    Random r = RandomWeights.set(net, AutoencoderBackprop.KEYS, 11);
    float[] windows = RandomWeights.windows(r, n, arch);
    INDArray x = Nd4j.create(windows, new long[] {n, arch.features(), arch.windowLength()}, 'c');
    // DL4J sees what the variant's encoder reads and what its decoder must produce.
    net.setInput(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, arch.encoderSteps())).dup('c'));
    boolean latent = variant == Variant.LATENT;
    // The latent-target model's labels are its first layer's outputs, which DL4J takes as constants.
    net.setLabels(latent ? net.feedForwardToLayer(AutoencoderFactory.ENCODER_1, x, false).get(1).dup('c')
        : x.get(NDArrayIndex.all(), NDArrayIndex.all(),
        NDArrayIndex.interval(arch.firstDecodedStep(), arch.windowLength())).dup('c'));
    net.computeGradientAndScore();
    Map<String, INDArray> expected = net.gradient().gradientForVariable();

    AutoencoderBackprop ours = AutoencoderBackprop.of(net, arch, loss);
    float[][] grads = ours.newGradients();
    double score = ours.lossAndGradients(windows, n, grads);

    assertThat(score).isCloseTo(net.score(), within(1e-4 * net.score()));
    Map<String, float[]> actual = AutoencoderBackprop.byKey(grads);
    Map<String, Double> relative = new java.util.LinkedHashMap<>();
    for (String key : AutoencoderBackprop.KEYS) {
      float[] want = expected.get(key).castTo(DataType.FLOAT).dup('c').data().asFloat();
      // DL4J's gradient is that of the batch's summed loss; its updater divides by the batch size.
      float[] got = actual.get(key).clone();
      for (int i = 0; i < got.length; i++) {
        got[i] *= n;
      }
      if (latent && key.startsWith(AutoencoderFactory.ENCODER_1 + "_")) {
        // Frozen: DL4J's fit would train it (its labels are constants to it); the backward pass must leave it alone.
        assertThat(got).as("frozen %s", key).containsOnly(0f);
        continue;
      }
      assertThat(got).as(key).hasSameSizeAs(want);
      double scale = 0;
      double worst = 0;
      for (int i = 0; i < want.length; i++) {
        scale = Math.max(scale, Math.abs(want[i]));
        worst = Math.max(worst, Math.abs(want[i] - got[i]));
      }
      System.out.printf("%s %s %s: largest gradient %.4g, largest difference %.3g%n", loss, variant, key, scale, worst);
      assertThat(scale).as("%s has a gradient to compare", key).isGreaterThan(1e-6);
      relative.put(key, worst / scale);
    }
    assertThat(relative).as("largest difference from DL4J's gradient, relative to its largest")
        .allSatisfy((key, rel) -> assertThat(rel).as(key).isLessThanOrEqualTo(1e-5));
  }
}

package org.ecgstream.model.nn.backprop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.FusedLstmEngine;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.junit.jupiter.api.Test;

/**
 * DL4J cannot run the conditional decoder, so its backward pass is checked against the loss itself:
 * every parameter's gradient against a central finite difference of the loss.
 */
class ConditionalBackpropTest {
  /**
   * Training feeds the decoder the true values, scoring its own outputs: fed the fused engine's
   * reconstruction, the training pass must give that reconstruction back, step for step. An
   * off-by-one between the two orders (which value feeds which step) would break this.
   */
  @Test
  void fedTheScorersOwnReconstructionTheTrainingPassGivesItBack() {
    Nd4jRuntime.ensureStarted();
    Architecture arch = new Architecture(30, 2, 4, Variant.CONDITIONAL);
    int n = 5;
    MultiLayerNetwork net = AutoencoderFactory.create(arch, LossKind.L1, 1e-3, 9);
    Random r = RandomWeights.set(net, ConditionalBackprop.KEYS, 21);
    float[] windows = RandomWeights.windows(r, n, arch);
    float[] scored = FusedLstmEngine.forModel(net, arch).reconstruct(windows, n);
    float[] trained = ConditionalBackprop.of(net, arch, LossKind.L1).decode(windows, scored, n);
    assertThat(largestDifference(scored, new float[scored.length])).as("outputs are not trivially zero")
        .isGreaterThan(0.05);
    assertThat(largestDifference(trained, scored)).as("largest difference between the training pass and the scorer")
        .isLessThan(1e-4);
    // And fed the true values instead, it gives something else: the check above is not vacuous.
    float[] forced = ConditionalBackprop.of(net, arch, LossKind.L1).decode(windows, windows, n);
    assertThat(largestDifference(forced, scored)).isGreaterThan(0.01);
  }

  private static double largestDifference(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  @Test
  void everyParametersGradientIsTheLossesSlope() {
    Nd4jRuntime.ensureStarted();
    Architecture arch = new Architecture(7, 2, 2, Variant.CONDITIONAL);
    int n = 3;
    MultiLayerNetwork net = AutoencoderFactory.create(arch, LossKind.L2, 1e-3, 5);
    Random r = RandomWeights.set(net, ConditionalBackprop.KEYS, 13);
    float[] windows = RandomWeights.windows(r, n, arch);
    // L2: smooth, so a central difference approximates the slope to O(eps²).
    ConditionalBackprop model = ConditionalBackprop.of(net, arch, LossKind.L2);
    float[][] grads = model.newGradients();
    model.lossAndGradients(windows, n, grads);
    float[][] params = model.params();
    float eps = 1e-2f;
    double worst = 0;
    for (int k = 0; k < params.length; k++) {
      double largest = 0;
      for (int i = 0; i < params[k].length; i++) {
        float keep = params[k][i];
        params[k][i] = keep + eps;
        double up = model.loss(windows, n);
        params[k][i] = keep - eps;
        double down = model.loss(windows, n);
        params[k][i] = keep;
        double slope = (up - down) / (2 * eps);
        largest = Math.max(largest, Math.abs(slope));
        // Float losses differenced over 2 eps carry about 1e-3 of noise; beyond that, 1 % of the slope.
        double err = Math.abs(slope - grads[k][i]);
        worst = Math.max(worst, err / (1e-3 + Math.abs(slope)));
        assertThat(err).as("%s[%d]: backward %.6f, finite difference %.6f", ConditionalBackprop.KEYS.get(k), i,
            grads[k][i], slope).isLessThan(1e-3 + 1e-2 * Math.abs(slope));
      }
      assertThat(largest).as("%s has a gradient to compare", ConditionalBackprop.KEYS.get(k)).isGreaterThan(1e-3);
    }
    System.out.printf("conditional decoder: largest difference from the finite difference, relative to 1e-3 + |slope|: "
        + "%.2e%n", worst);
  }
}

package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.testing.SmallModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The fast paths (the fused engine on OpenBLAS, each of its product choices, and on the Vector
 * API) must reconstruct exactly what DL4J's network does, for any size of model.
 */
public class FusedLstmEngineParityTest {

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

  /** The composite variant: the encoder reads the first half, the decoder produces the whole window. */
  @ParameterizedTest(name = "window {0}, {1} feature(s), E = {2}, batch {3}")
  @CsvSource({"24, 1, 4, 7", "31, 2, 8, 130", "140, 1, 32, 3"})
  void compositeModelsMatchDl4j(int window, int features, int embedding, int batch) {
    Nd4jRuntime.ensureStarted();
    Architecture a = new Architecture(window, features, embedding, Variant.COMPOSITE);
    assertThat(a.encoderSteps()).isEqualTo(window / 2);
    assertThat(a.decoderSteps()).isEqualTo(window);
    assertParity(AutoencoderFactory.create(a, LossKind.L1, 1e-3, window * 5L + embedding), a, batch, 29);
  }

  /** The prediction variant: the encoder reads the first half, the decoder produces the second. */
  @ParameterizedTest(name = "window {0}, {1} feature(s), E = {2}, batch {3}")
  @CsvSource({"24, 1, 4, 7", "31, 2, 8, 130", "140, 1, 32, 3"})
  void predictionModelsMatchDl4jAndReturnTheirContextAsItCame(int window, int features, int embedding, int batch) {
    Nd4jRuntime.ensureStarted();
    Architecture a = new Architecture(window, features, embedding, Variant.PREDICTION);
    MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L1, 1e-3, window * 7L + embedding);
    assertParity(net, a, batch, 23);
    Random r = new Random(3);
    float[] x = new float[batch * features * window];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] out = new FusedLstmEngine(net, a).reconstruct(x, batch);
    int context = window / 2;
    for (int row = 0; row < batch * features; row++) {
      for (int s = 0; s < window; s++) {
        int k = row * window + s;
        if (s < context) {
          assertThat(out[k]).as("context step %d", s).isEqualTo(x[k]);
        } else {
          assertThat(out[k]).as("predicted step %d", s).isNotEqualTo(x[k]);
        }
      }
    }
  }

  /**
   * The latent-target variant: the output is the first layer's outputs as rebuilt (2E per step),
   * and the targets are that layer's outputs, both as DL4J's network computes them.
   */
  @ParameterizedTest(name = "window {0}, {1} feature(s), E = {2}, batch {3}")
  // E = 40: 2E = 80 outputs per step, more than one panel of the Vector API engine's output product.
  @CsvSource({"24, 1, 4, 7", "31, 2, 8, 130", "140, 1, 32, 3", "40, 1, 40, 6"})
  void latentTargetModelsMatchDl4jOutputsAndTargets(int window, int features, int embedding, int batch) {
    Nd4jRuntime.ensureStarted();
    Architecture a = new Architecture(window, features, embedding, Variant.LATENT);
    assertThat(a.outputWidth()).isEqualTo(2 * embedding);
    MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L1, 1e-3, window * 11L + embedding);
    assertParity(net, a, batch, 31);
    float[] x = gaussian(batch * features * window, 37);
    int size = batch * a.outputWidth() * window;
    float[] expectedTargets = new float[size];
    float[] expected = new Dl4jEngine(net, a).reconstruct(x, batch, null, expectedTargets);
    float[] expectedEmbeddings = new float[batch * embedding];
    new Dl4jEngine(net, a).reconstruct(x, batch, expectedEmbeddings, new float[size]);
    Float32Bound.Bounds bounds = Float32Bound.of(net, a, x, batch);
    for (ReconstructionEngine engine : new ReconstructionEngine[] {new FusedLstmEngine(net, a), new VectorLstmEngine(net, a)}) {
      assertLatentParity(engine, net, a, x, batch, expected, expectedTargets, expectedEmbeddings, bounds);
    }
  }

  private static void assertLatentParity(ReconstructionEngine engine, MultiLayerNetwork net, Architecture a, float[] x,
                                         int batch, float[] expected, float[] expectedTargets, float[] expectedEmbeddings,
                                         Float32Bound.Bounds bounds) {
    int window = a.windowLength();
    int features = a.features();
    int size = expectedTargets.length;
    float[] targets = new float[size];
    float[] embeddings = new float[batch * a.embedding()];
    float[] fused = engine.reconstruct(x, batch, embeddings, targets);
    assertWithin(fused, expected, bounds.output(), engine.name() + ", latent output");
    assertWithin(targets, expectedTargets, bounds.firstLayer(), engine.name() + ", latent targets");
    assertWithin(embeddings, expectedEmbeddings, bounds.embeddings(), "embeddings beside the targets");
    // Again after another batch size: the targets come from scratch memory the engine reuses.
    engine.reconstruct(x, (batch + 1) / 2, null, new float[(batch + 1) / 2 * a.outputWidth() * window]);
    float[] again = new float[size];
    assertWithin(engine.reconstruct(x, batch, null, again), expected, bounds.output(),
        "latent output, after another batch size");
    assertWithin(again, expectedTargets, bounds.firstLayer(), "latent targets, after another batch size");
    assertThat(largest(targets)).as("targets are not trivially zero").isGreaterThan(0.05);
    // The targets are the first layer's outputs: what DL4J's network gives at that layer.
    org.nd4j.linalg.api.ndarray.INDArray in = org.nd4j.linalg.factory.Nd4j.create(x, new long[] {batch, features, window},
        'c');
    float[] layer0 = net.feedForwardToLayer(AutoencoderFactory.ENCODER_1, in, false).get(1).dup('c').data().asFloat();
    assertWithin(targets, layer0, bounds.firstLayer(), "first layer's outputs");
  }

  private static float[] gaussian(int size, long seed) {
    Random r = new Random(seed);
    float[] x = new float[size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 1.5);
    }
    return x;
  }

  private static double largest(float[] values) {
    double spread = 0;
    for (float v : values) {
      spread = Math.max(spread, Math.abs(v));
    }
    return spread;
  }

  @Test
  void rationalTanhIsWithinAFewUlpOfMathTanhEverywhere() {
    double worst = 0;
    for (float x = -30f; x <= 30f; x += 0.00037f) {
      float got = RationalTanh.tanh(x);
      worst = Math.max(worst, Math.abs(got - Math.tanh(x)));
      assertThat(RationalTanh.tanh(-x)).isEqualTo(-got);
    }
    // float's unit roundoff near 1 is 6e-8; a few ulp is what the gates' sums lose anyway.
    assertThat(worst).isLessThan(4e-7);
    assertThat(RationalTanh.tanh(0f)).isEqualTo(0f);
    assertThat(RationalTanh.tanh(1e-6f)).isCloseTo(1e-6f, org.assertj.core.data.Offset.offset(1e-12f));
    assertThat(RationalTanh.tanh(Float.MAX_VALUE)).isCloseTo(1f, org.assertj.core.data.Offset.offset(3e-7f));
    assertThat(RationalTanh.tanh(Float.NEGATIVE_INFINITY)).isCloseTo(-1f, org.assertj.core.data.Offset.offset(3e-7f));
  }

  /**
   * The bound is tight enough to catch a real defect: an engine that reads one forget-gate bias of
   * the last decoder layer off by 0.01 falls outside it (measured: about ten times outside; an
   * offset of 0.001 moves the outputs by 1.2e-5 and stays just inside), while the real engine uses
   * a small share of it (3.6 % when this was written).
   */
  @Test
  void aBiasOffByOneHundredthFallsOutsideTheBound() {
    Nd4jRuntime.ensureStarted();
    Architecture a = new Architecture(140, 1, 32);
    MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L1, 1e-3, 5);
    int batch = 4;
    float[] x = gaussian(batch * a.windowLength(), 41);
    float[] expected = new Dl4jEngine(net, a).reconstruct(x, batch);
    double[] bound = Float32Bound.of(net, a, x, batch).output();
    double used = assertWithin(new VectorLstmEngine(net, a).reconstruct(x, batch), expected, bound, "real engine");
    assertThat(used).as("share of the bound the real engine uses").isLessThan(0.5);
    MultiLayerNetwork defective = net.clone();
    org.nd4j.linalg.api.ndarray.INDArray b = defective.getLayer(AutoencoderFactory.DECODER_2).getParam("b");
    // Gate blocks [g, f, o, i]: unit 3's forget gate.
    b.putScalar(a.hidden() + 3, b.getDouble(a.hidden() + 3) + 1e-2);
    float[] wrong = new VectorLstmEngine(defective, a).reconstruct(x, batch);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertWithin(wrong, expected, bound, "defective engine"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("more than twice its float32 bound");
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
    float[] expected = new Dl4jEngine(net, a).reconstruct(x, batch);
    double[] bound = Float32Bound.of(net, a, x, batch).output();
    // Each engine twice, with another batch size in between: scratch memory is reused, and
    // a state left over from an earlier call (cell, hidden) must not leak into the next.
    for (ReconstructionEngine engine : new ReconstructionEngine[] {new FusedLstmEngine(net, a), FusedLstmEngine.gemmOnly(net, a),
        FusedLstmEngine.gemvUpTo8(net, a), new VectorLstmEngine(net, a)}) {
      assertWithin(engine.reconstruct(x, batch), expected, bound, engine.name() + ", first call");
      assertWithin(engine.reconstruct(x, batch), expected, bound, engine.name() + ", second call");
      engine.reconstruct(x, (batch + 1) / 2);
      assertWithin(engine.reconstruct(x, batch), expected, bound, engine.name() + ", after another batch size");
    }
    double spread = 0;
    for (float v : expected) {
      spread = Math.max(spread, Math.abs(v));
    }
    assertThat(spread).as("outputs are not trivially zero").isGreaterThan(0.05);
  }

  /**
   * Each value within twice its float32 bound ({@link Float32Bound}) of DL4J's: both are within
   * the bound of the exact result. The largest share of the bound used is returned.
   */
  static double assertWithin(float[] actual, float[] expected, double[] bound, String what) {
    assertThat(actual).hasSameSizeAs(expected);
    assertThat(bound).hasSameSizeAs(expected);
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(actual[i] - expected[i]);
      assertThat(d).as("%s: value %d differs from DL4J's %s by more than twice its float32 bound %s", what, i,
          expected[i], bound[i]).isLessThanOrEqualTo(2 * bound[i]);
      worst = Math.max(worst, d == 0 ? 0 : d / (2 * bound[i]));
    }
    return worst;
  }
}

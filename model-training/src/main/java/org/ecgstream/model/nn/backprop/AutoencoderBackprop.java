package org.ecgstream.model.nn.backprop;


import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;

/**
 * The autoencoder of {@link AutoencoderFactory}, its loss and its gradients, computed directly:
 * LSTM(features→2E) → LSTM(2E→E) over the encoder's steps, last step → repeated over the
 * decoder's → LSTM(E→E) → LSTM(E→2E) → linear, compared with the window's steps the decoder
 * stands for (all of them, or the predicted ones: {@link org.ecgstream.model.nn.Variant}), or
 * for the latent-target variant with the first layer's outputs, that layer frozen (its gradients
 * stay zero, so Adam leaves it as it is). The parameters are the DL4J network's, by its keys and
 * shapes, so a network trained here is saved and scored as any other.
 */
public final class AutoencoderBackprop extends ModelBackprop {
  /** The network's parameter keys, in the order of {@link #params()}. */
  public static final List<String> KEYS = List.of("0_W", "0_RW", "0_b", "1_W", "1_RW", "1_b", "3_W", "3_RW", "3_b",
      "4_W", "4_RW", "4_b", "5_W", "5_b");
  private static final int OUTPUT_W = 12;

  private final LstmLayerPass[] layers;
  private float[] decoded;
  private float[] target;

  private AutoencoderBackprop(MultiLayerNetwork net, Architecture arch, LossKind loss) {
    super(net, KEYS, arch, loss);
    int e = arch.embedding();
    int h = arch.hidden();
    layers = new LstmLayerPass[] {new LstmLayerPass(arch.features(), h), new LstmLayerPass(h, e),
        new LstmLayerPass(e, e), new LstmLayerPass(e, h)};
  }

  /** Starts from the network's current parameters (copied). */
  public static AutoencoderBackprop of(MultiLayerNetwork net, Architecture arch, LossKind loss) {
    return new AutoencoderBackprop(net, arch, loss);
  }

  @Override
  public double loss(float[] windows, int n) {
    forward(windows, n);
    return meanLoss(decoded, target, targetOffset(n), n);
  }

  /** Where the decoder's first step's target is in {@link #target}. */
  private int targetOffset(int n) {
    return arch.firstDecodedStep() * n * arch.outputWidth();
  }

  @Override
  public double lossAndGradients(float[] windows, int n, float[][] grads) {
    double value = loss(windows, n);
    zero(grads);
    int t = arch.encoderSteps();
    int e = arch.embedding();
    float[] dh4 = outputBackward(decoded, target, targetOffset(n), n, layers[3].out, arch.hidden(), OUTPUT_W, grads);
    float[] dh3 = backward(layers[3], 9, dh4, grads, true, null);
    float[] dEmb = backward(layers[2], 6, dh3, grads, true, null);
    float[] dh2 = new float[t * n * e];
    System.arraycopy(dEmb, 0, dh2, (t - 1) * n * e, n * e);
    boolean frozenFirst = arch.variant() == Variant.LATENT;
    float[] dh1 = backward(layers[1], 3, dh2, grads, !frozenFirst, null);
    if (!frozenFirst) {
      backward(layers[0], 0, dh1, grads, false, null);
    }
    return value;
  }

  @Override
  public boolean[] frozen() {
    boolean[] f = super.frozen();
    if (arch.variant() == Variant.LATENT) {
      // The first layer's W, RW and b: its outputs are the targets.
      f[0] = f[1] = f[2] = true;
    }
    return f;
  }

  /** Gradients by key, for comparing with DL4J's. */
  public static Map<String, float[]> byKey(float[][] grads) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (int i = 0; i < grads.length; i++) {
      m.put(KEYS.get(i), grads[i]);
    }
    return m;
  }

  private void forward(float[] windows, int n) {
    int f = arch.features();
    int e = arch.embedding();
    int enc = arch.encoderSteps();
    int dec = arch.decoderSteps();
    // Time-major: the encoder reads the first enc steps' rows; the decoder's rows match the last dec steps'.
    float[] x = timeMajor(windows, n, arch.windowLength(), f);
    float[] encoderInput = enc == arch.windowLength() ? x : java.util.Arrays.copyOf(x, enc * n * f);
    float[] h1 = layers[0].forward(encoderInput, false, n, enc, params[0], params[1], params[2]);
    // The latent-target model rebuilds the first layer's outputs: constants here, that layer being frozen.
    target = arch.variant().rebuildsInput() ? x : h1;
    float[] h2 = layers[1].forward(h1, false, n, enc, params[3], params[4], params[5]);
    float[] emb = new float[n * e];
    System.arraycopy(h2, (enc - 1) * n * e, emb, 0, n * e);
    float[] h3 = layers[2].forward(emb, true, n, dec, params[6], params[7], params[8]);
    float[] h4 = layers[3].forward(h3, false, n, dec, params[9], params[10], params[11]);
    decoded = output(h4, dec * n, arch.hidden(), OUTPUT_W);
  }
}

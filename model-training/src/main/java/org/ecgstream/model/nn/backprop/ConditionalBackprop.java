package org.ecgstream.model.nn.backprop;


import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;

/**
 * The conditional variant ({@link Variant#CONDITIONAL}) trained as Malhotra et al. train it, with
 * the true values fed to the decoder (teacher forcing). Encoder LSTM(features→2E) → LSTM(2E→E)
 * over the window; the decoder LSTM(features→E) starts from the encoder's last hidden and cell
 * state. Decoder step k = 0..T-1 stands for window step T-1-k: step 0's output is the encoder's
 * last hidden state, and step k ≥ 1 reads the true value of window step T-k. A linear layer turns
 * each into the reconstruction. The loss is DL4J's for its output layer ({@link ModelBackprop}).
 * Not thread-safe.
 */
public final class ConditionalBackprop extends ModelBackprop {
  /** The network's parameter keys, in the order of {@link #params()}. */
  public static final List<String> KEYS = List.of("0_W", "0_RW", "0_b", "1_W", "1_RW", "1_b", "2_W", "2_RW", "2_b",
      "3_W", "3_b");
  private static final int OUTPUT_W = 9;

  private final LstmLayerPass[] layers;
  /** Per forward pass: the decoder's hidden states in decoder order [T*n, E], outputs and targets [T*n, F]. */
  private float[] states;
  private float[] decoded;
  private float[] target;

  private ConditionalBackprop(MultiLayerNetwork net, Architecture arch, LossKind loss) {
    super(net, KEYS, arch, loss);
    if (arch.variant() != Variant.CONDITIONAL) {
      throw new IllegalArgumentException("not a conditional architecture: " + arch);
    }
    int e = arch.embedding();
    layers = new LstmLayerPass[] {new LstmLayerPass(arch.features(), arch.hidden()), new LstmLayerPass(arch.hidden(), e),
        new LstmLayerPass(arch.features(), e)};
  }

  /** Starts from the network's current parameters (copied). */
  public static ConditionalBackprop of(MultiLayerNetwork net, Architecture arch, LossKind loss) {
    return new ConditionalBackprop(net, arch, loss);
  }

  @Override
  public double loss(float[] windows, int n) {
    forward(windows, n);
    return meanLoss(decoded, target, 0, n);
  }

  @Override
  public double lossAndGradients(float[] windows, int n, float[][] grads) {
    double value = loss(windows, n);
    zero(grads);
    int t = arch.windowLength();
    int e = arch.embedding();
    float[] dStates = outputBackward(decoded, target, 0, n, states, e, OUTPUT_W, grads);
    // Decoder steps 1..T-1 are the decoder LSTM's outputs; step 0 is the encoder's last hidden state.
    float[] dDecoder = Arrays.copyOfRange(dStates, n * e, t * n * e);
    LstmLayerPass decoder = layers[2];
    backward(decoder, 6, dDecoder, grads, false, null);
    float[] dh2 = new float[t * n * e];
    int last = (t - 1) * n * e;
    for (int q = 0; q < n * e; q++) {
      dh2[last + q] = dStates[q] + decoder.dh0[q];
    }
    float[] dh1 = backward(layers[1], 3, dh2, grads, true, decoder.dc0);
    backward(layers[0], 0, dh1, grads, false, null);
    return value;
  }

  private void forward(float[] windows, int n) {
    forward(windows, windows, n);
  }

  /**
   * The teacher-forced pass with the encoder reading {@code windows} and the decoder reading the
   * values of {@code fed} (same layout): given the scorer's own reconstruction as {@code fed}, it
   * must give that reconstruction back, which ties the training order to the scoring order.
   * Returns the output in the windows' layout, [n][features][T].
   */
  float[] decode(float[] windows, float[] fed, int n) {
    forward(windows, fed, n);
    int t = arch.windowLength();
    int f = arch.features();
    float[] out = new float[n * f * t];
    for (int k = 0; k < t; k++) {
      for (int b = 0; b < n; b++) {
        for (int c = 0; c < f; c++) {
          out[(b * f + c) * t + (t - 1 - k)] = decoded[(k * n + b) * f + c];
        }
      }
    }
    return out;
  }

  private void forward(float[] windows, float[] fed, int n) {
    int t = arch.windowLength();
    int f = arch.features();
    int e = arch.embedding();
    float[] x = timeMajor(windows, n, t, f);
    float[] h1 = layers[0].forward(x, false, n, t, params[0], params[1], params[2]);
    layers[1].forward(h1, false, n, t, params[3], params[4], params[5]);
    float[] hLast = layers[1].lastOut();
    float[] cLast = layers[1].lastCell();
    // Decoder order: step k stands for window step t-1-k; steps 1..t-1 read window step t-k.
    target = new float[t * n * f];
    for (int k = 0; k < t; k++) {
      System.arraycopy(x, (t - 1 - k) * n * f, target, k * n * f, n * f);
    }
    float[] decoderIn = Arrays.copyOfRange(target, 0, (t - 1) * n * f);
    if (fed != windows) {
      float[] y = timeMajor(fed, n, t, f);
      for (int k = 0; k < t - 1; k++) {
        System.arraycopy(y, (t - 1 - k) * n * f, decoderIn, k * n * f, n * f);
      }
    }
    float[] hd = layers[2].forward(decoderIn, false, n, t - 1, params[6], params[7], params[8], hLast, cLast);
    states = new float[t * n * e];
    System.arraycopy(hLast, 0, states, 0, n * e);
    System.arraycopy(hd, 0, states, n * e, (t - 1) * n * e);
    decoded = output(states, t * n, e, OUTPUT_W);
  }
}

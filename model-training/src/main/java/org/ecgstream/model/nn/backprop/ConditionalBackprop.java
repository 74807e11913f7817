package org.ecgstream.model.nn.backprop;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The conditional variant ({@link Variant#CONDITIONAL}) trained as Malhotra et al. train it, with
 * the true values fed to the decoder (teacher forcing). Encoder LSTM(features→2E) → LSTM(2E→E)
 * over the window; the decoder LSTM(features→E) starts from the encoder's last hidden and cell
 * state. Decoder step k = 0..T-1 stands for window step T-1-k: step 0's output is the encoder's
 * last hidden state, and step k ≥ 1 reads the true value of window step T-k. A linear layer turns
 * each into the reconstruction. The loss is DL4J's for its output layer, as in
 * {@link AutoencoderBackprop}. Not thread-safe.
 */
public final class ConditionalBackprop implements ModelBackprop {
  /** The network's parameter keys, in the order of {@link #params()}. */
  public static final List<String> KEYS = List.of("0_W", "0_RW", "0_b", "1_W", "1_RW", "1_b", "2_W", "2_RW", "2_b",
      "3_W", "3_b");

  private final Architecture arch;
  private final LossKind loss;
  private final float[][] params;
  private final LstmLayerPass[] layers;
  /** Per forward pass: the decoder's hidden states in decoder order [T*n, E], outputs and targets [T*n, F]. */
  private float[] states;
  private float[] decoded;
  private float[] target;

  private ConditionalBackprop(Architecture arch, LossKind loss, float[][] params) {
    if (arch.variant() != Variant.CONDITIONAL) {
      throw new IllegalArgumentException("not a conditional architecture: " + arch);
    }
    this.arch = arch;
    this.loss = loss;
    this.params = params;
    int e = arch.embedding();
    layers = new LstmLayerPass[] {new LstmLayerPass(arch.features(), arch.hidden()), new LstmLayerPass(arch.hidden(), e),
        new LstmLayerPass(arch.features(), e)};
  }

  /** Starts from the network's current parameters (copied). */
  public static ConditionalBackprop of(MultiLayerNetwork net, Architecture arch, LossKind loss) {
    float[][] p = new float[KEYS.size()][];
    for (int i = 0; i < p.length; i++) {
      p[i] = net.getParam(KEYS.get(i)).castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
    return new ConditionalBackprop(arch, loss, p);
  }

  @Override
  public void copyTo(MultiLayerNetwork net) {
    for (int i = 0; i < params.length; i++) {
      long[] shape = net.getParam(KEYS.get(i)).shape();
      net.setParam(KEYS.get(i), Nd4j.create(params[i].clone(), shape, 'c'));
    }
  }

  @Override
  public float[][] params() {
    return params;
  }

  @Override
  public float[][] newGradients() {
    float[][] g = new float[params.length][];
    for (int i = 0; i < g.length; i++) {
      g[i] = new float[params[i].length];
    }
    return g;
  }

  @Override
  public double loss(float[] windows, int n) {
    forward(windows, n);
    double total = 0;
    int f = arch.features();
    for (int q = 0; q < decoded.length; q++) {
      double d = decoded[q] - target[q];
      total += loss == LossKind.L1 ? Math.abs(d) : d * d / f;
    }
    return total / n;
  }

  @Override
  public double lossAndGradients(float[] windows, int n, float[][] grads) {
    double value = loss(windows, n);
    for (float[] g : grads) {
      Arrays.fill(g, 0f);
    }
    int t = arch.windowLength();
    int f = arch.features();
    int e = arch.embedding();
    int rows = t * n;
    float[] dy = new float[rows * f];
    for (int q = 0; q < dy.length; q++) {
      float d = decoded[q] - target[q];
      dy[q] = loss == LossKind.L1 ? Math.signum(d) / n : 2 * d / (f * (float) n);
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, e, f, rows, 1f, states, e, dy, f, 0f, grads[9], f);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < f; c++) {
        grads[10][c] += dy[r * f + c];
      }
    }
    float[] dStates = new float[rows * e];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, e, f, 1f, dy, f, params[9], f, 0f, dStates, e);
    // Decoder steps 1..T-1 are the decoder LSTM's outputs; step 0 is the encoder's last hidden state.
    float[] dDecoder = Arrays.copyOfRange(dStates, n * e, rows * e);
    LstmLayerPass decoder = layers[2];
    decoder.backward(dDecoder, params[6], params[7], grads[6], grads[7], grads[8], false, null);
    float[] dh2 = new float[rows * e];
    int last = (t - 1) * n * e;
    for (int q = 0; q < n * e; q++) {
      dh2[last + q] = dStates[q] + decoder.dh0[q];
    }
    float[] dh1 = layers[1].backward(dh2, params[3], params[4], grads[3], grads[4], grads[5], true, decoder.dc0);
    layers[0].backward(dh1, params[0], params[1], grads[0], grads[1], grads[2], false);
    return value;
  }

  private void forward(float[] windows, int n) {
    int t = arch.windowLength();
    int f = arch.features();
    int e = arch.embedding();
    // Time-major window rows (row s*n + k: window k's step s), the encoder's input.
    float[] x = new float[t * n * f];
    for (int k = 0; k < n; k++) {
      for (int c = 0; c < f; c++) {
        for (int s = 0; s < t; s++) {
          x[(s * n + k) * f + c] = windows[(k * f + c) * t + s];
        }
      }
    }
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
    float[] hd = layers[2].forward(decoderIn, false, n, t - 1, params[6], params[7], params[8], hLast, cLast);
    states = new float[t * n * e];
    System.arraycopy(hLast, 0, states, 0, n * e);
    System.arraycopy(hd, 0, states, n * e, (t - 1) * n * e);
    int rows = t * n;
    decoded = new float[rows * f];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(params[10], 0, decoded, r * f, f);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, f, e, 1f, states, e, params[9], f, 1f, decoded, f);
  }
}

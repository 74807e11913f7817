package org.ecgstream.model.nn.backprop;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The autoencoder of {@link AutoencoderFactory}, its loss and its gradients, computed directly:
 * LSTM(features→2E) → LSTM(2E→E) over the encoder's steps, last step → repeated over the
 * decoder's → LSTM(E→E) → LSTM(E→2E) → linear, compared with the window's steps the decoder
 * stands for (all of them, or the predicted ones: {@link org.ecgstream.model.nn.Variant}). The
 * parameters are the DL4J network's, by its keys and shapes, so a network trained here is saved
 * and scored as any other. The loss is DL4J's for its output layer: per window, the sum over
 * steps and features of |error| (L1) or of error² / features (L2, DL4J's MSE), averaged over the
 * batch. (DL4J's own gradient is that of the batch's sum; its updater divides it by the batch size.)
 * Not thread-safe.
 */
public final class AutoencoderBackprop implements ModelBackprop {
  /** The network's parameter keys, in the order of {@link #params()}. */
  public static final List<String> KEYS = List.of("0_W", "0_RW", "0_b", "1_W", "1_RW", "1_b", "3_W", "3_RW", "3_b",
      "4_W", "4_RW", "4_b", "5_W", "5_b");

  private final Architecture arch;
  private final LossKind loss;
  private final float[][] params;
  private final LstmLayerPass[] layers;
  private float[] decoded;
  private float[] target;

  private AutoencoderBackprop(Architecture arch, LossKind loss, float[][] params) {
    this.arch = arch;
    this.loss = loss;
    this.params = params;
    int e = arch.embedding();
    int h = arch.hidden();
    layers = new LstmLayerPass[] {new LstmLayerPass(arch.features(), h), new LstmLayerPass(h, e),
        new LstmLayerPass(e, e), new LstmLayerPass(e, h)};
  }

  /** Starts from the network's current parameters (copied). */
  public static AutoencoderBackprop of(MultiLayerNetwork net, Architecture arch, LossKind loss) {
    float[][] p = new float[KEYS.size()][];
    for (int i = 0; i < p.length; i++) {
      p[i] = net.getParam(KEYS.get(i)).castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
    return new AutoencoderBackprop(arch, loss, p);
  }

  /** Writes the parameters back into {@code net} (same architecture). */
  @Override
  public void copyTo(MultiLayerNetwork net) {
    for (int i = 0; i < params.length; i++) {
      long[] shape = net.getParam(KEYS.get(i)).shape();
      net.setParam(KEYS.get(i), Nd4j.create(params[i].clone(), shape, 'c'));
    }
  }

  /** The parameters, in {@link #KEYS} order, row-major; live: an optimizer updates them in place. */
  @Override
  public float[][] params() {
    return params;
  }

  /**
   * The batch's loss (mean over its windows) for {@code windows} laid out as the network's input:
   * window k's feature f at step t is {@code windows[(k * features + f) * T + t]}.
   */
  @Override
  public double loss(float[] windows, int n) {
    forward(windows, n);
    double total = 0;
    int f = arch.features();
    int offset = arch.firstDecodedStep() * n * f;
    for (int q = 0; q < decoded.length; q++) {
      double d = decoded[q] - target[offset + q];
      total += loss == LossKind.L1 ? Math.abs(d) : d * d / f;
    }
    return total / n;
  }

  /** As {@link #loss}, and the gradient of that loss for every parameter into {@code grads} (overwritten). */
  @Override
  public double lossAndGradients(float[] windows, int n, float[][] grads) {
    double value = loss(windows, n);
    for (float[] g : grads) {
      java.util.Arrays.fill(g, 0f);
    }
    int t = arch.encoderSteps();
    int f = arch.features();
    int e = arch.embedding();
    int h = arch.hidden();
    int rows = arch.decoderSteps() * n;
    int offset = arch.firstDecodedStep() * n * f;
    float[] dy = new float[rows * f];
    for (int q = 0; q < dy.length; q++) {
      float d = decoded[q] - target[offset + q];
      dy[q] = loss == LossKind.L1 ? Math.signum(d) / n : 2 * d / (f * (float) n);
    }
    float[] h4 = layers[3].out;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, h, f, rows, 1f, h4, h, dy, f, 0f, grads[12], f);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < f; c++) {
        grads[13][c] += dy[r * f + c];
      }
    }
    float[] dh4 = new float[rows * h];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, h, f, 1f, dy, f, params[12], f, 0f, dh4, h);
    float[] dh3 = backward(3, dh4, grads, true);
    float[] dEmb = backward(2, dh3, grads, true);
    float[] dh2 = new float[t * n * e];
    System.arraycopy(dEmb, 0, dh2, (t - 1) * n * e, n * e);
    float[] dh1 = backward(1, dh2, grads, true);
    backward(0, dh1, grads, false);
    return value;
  }

  /** New zeroed arrays shaped like the parameters. */
  @Override
  public float[][] newGradients() {
    float[][] g = new float[params.length][];
    for (int i = 0; i < g.length; i++) {
      g[i] = new float[params[i].length];
    }
    return g;
  }

  /** Gradients by key, for comparing with DL4J's. */
  public static Map<String, float[]> byKey(float[][] grads) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (int i = 0; i < grads.length; i++) {
      m.put(KEYS.get(i), grads[i]);
    }
    return m;
  }

  private float[] backward(int layer, float[] dOut, float[][] grads, boolean needInput) {
    int p = 3 * layer;
    return layers[layer].backward(dOut, params[p], params[p + 1], grads[p], grads[p + 1], grads[p + 2], needInput);
  }

  private void forward(float[] windows, int n) {
    int t = arch.windowLength();
    int f = arch.features();
    int e = arch.embedding();
    int h = arch.hidden();
    int enc = arch.encoderSteps();
    int dec = arch.decoderSteps();
    int rows = dec * n;
    // Time-major: the encoder reads the first enc steps' rows; the decoder's rows match the last dec steps'.
    target = new float[t * n * f];
    for (int k = 0; k < n; k++) {
      for (int c = 0; c < f; c++) {
        for (int s = 0; s < t; s++) {
          target[(s * n + k) * f + c] = windows[(k * f + c) * t + s];
        }
      }
    }
    float[] encoderInput = enc == t ? target : java.util.Arrays.copyOf(target, enc * n * f);
    float[] h1 = layers[0].forward(encoderInput, false, n, enc, params[0], params[1], params[2]);
    float[] h2 = layers[1].forward(h1, false, n, enc, params[3], params[4], params[5]);
    float[] emb = new float[n * e];
    System.arraycopy(h2, (enc - 1) * n * e, emb, 0, n * e);
    float[] h3 = layers[2].forward(emb, true, n, dec, params[6], params[7], params[8]);
    float[] h4 = layers[3].forward(h3, false, n, dec, params[9], params[10], params[11]);
    decoded = new float[rows * f];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(params[13], 0, decoded, r * f, f);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, f, h, 1f, h4, h, params[12], f, 1f, decoded, f);
  }
}

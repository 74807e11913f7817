package org.ecgstream.model.nn.backprop;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.WindowTensors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network's loss and gradients computed directly, on the DL4J network's parameters (copied in by
 * their keys, written back), for {@link BackpropFitter}. Windows are laid out as the network's
 * input: window k's feature f at step t is {@code windows[(k * features + f) * T + t]}. The loss is
 * DL4J's for its output layer: per window, the sum over the decoded steps and output values (the
 * features, or {@link Architecture#outputWidth()}) of |error| (L1) or error² / width (L2, DL4J's
 * MSE), averaged over the batch. (DL4J's own gradient is that
 * of the batch's sum; its updater divides it by the batch size.) Not thread-safe.
 */
public abstract class ModelBackprop {
  protected final Architecture arch;
  protected final LossKind loss;
  private final List<String> keys;
  protected final float[][] params;

  protected ModelBackprop(MultiLayerNetwork net, List<String> keys, Architecture arch, LossKind loss) {
    this.arch = arch;
    this.loss = loss;
    this.keys = keys;
    params = new float[keys.size()][];
    for (int i = 0; i < params.length; i++) {
      params[i] = net.getParam(keys.get(i)).castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
  }

  /** The parameters, in the keys' order, row-major; live: an optimizer updates them in place. */
  public final float[][] params() {
    return params;
  }

  /**
   * Which parameters training must leave as they are (by index in {@link #params()}): none, but
   * for the latent-target model's first layer. Their gradients are zero too.
   */
  public boolean[] frozen() {
    return new boolean[params.length];
  }

  /** New zeroed arrays shaped like the parameters. */
  public final float[][] newGradients() {
    float[][] g = new float[params.length][];
    for (int i = 0; i < g.length; i++) {
      g[i] = new float[params[i].length];
    }
    return g;
  }

  /** Writes the parameters back into {@code net} (same architecture). */
  public final void copyTo(MultiLayerNetwork net) {
    for (int i = 0; i < params.length; i++) {
      long[] shape = net.getParam(keys.get(i)).shape();
      net.setParam(keys.get(i), Nd4j.create(params[i].clone(), shape, 'c'));
    }
  }

  /** The batch's loss: the mean over its windows. */
  public abstract double loss(float[] windows, int n);

  /** As {@link #loss}, and its gradient for every parameter into {@code grads} (overwritten). */
  public abstract double lossAndGradients(float[] windows, int n, float[][] grads);

  /** The windows' values time-major: row {@code s * n + k} holds window k's features at step s. */
  static float[] timeMajor(float[] windows, int n, int steps, int features) {
    float[] x = new float[steps * n * features];
    WindowTensors.timeMajor(windows, 0, n, steps, steps, features, x);
    return x;
  }

  /** The output layer: {@code rows} hidden states of width {@code width} times W plus b. */
  final float[] output(float[] states, int rows, int width, int w) {
    int f = arch.outputWidth();
    float[] y = new float[rows * f];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(params[w + 1], 0, y, r * f, f);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, f, width, 1f, states, width, params[w], f, 1f, y, f);
    return y;
  }

  /** The mean loss of {@code n} windows' outputs against the target rows from {@code offset}. */
  final double meanLoss(float[] decoded, float[] target, int offset, int n) {
    double total = 0;
    int f = arch.outputWidth();
    for (int q = 0; q < decoded.length; q++) {
      double d = decoded[q] - target[offset + q];
      total += loss == LossKind.L1 ? Math.abs(d) : d * d / f;
    }
    return total / n;
  }

  /**
   * Back through the output layer (its weights at {@code w}, bias at {@code w + 1}): adds their
   * gradients to {@code grads} and returns the loss's gradient with respect to the states.
   */
  final float[] outputBackward(float[] decoded, float[] target, int offset, int n, float[] states, int width, int w,
                               float[][] grads) {
    int f = arch.outputWidth();
    int rows = decoded.length / f;
    float[] dy = new float[rows * f];
    for (int q = 0; q < dy.length; q++) {
      float d = decoded[q] - target[offset + q];
      dy[q] = loss == LossKind.L1 ? Math.signum(d) / n : 2 * d / (f * (float) n);
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, width, f, rows, 1f, states, width, dy, f, 0f, grads[w], f);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < f; c++) {
        grads[w + 1][c] += dy[r * f + c];
      }
    }
    float[] dStates = new float[rows * width];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, width, f, 1f, dy, f, params[w], f, 0f, dStates, width);
    return dStates;
  }

  /** Back through LSTM layer {@code layer} whose parameters start at {@code p}. */
  final float[] backward(LstmLayerPass layer, int p, float[] dOut, float[][] grads, boolean needInput,
                         float[] dcLast) {
    return layer.backward(dOut, params[p], params[p + 1], grads[p], grads[p + 1], grads[p + 2], needInput, dcLast);
  }

  static void zero(float[][] grads) {
    for (float[] g : grads) {
      java.util.Arrays.fill(g, 0f);
    }
  }
}

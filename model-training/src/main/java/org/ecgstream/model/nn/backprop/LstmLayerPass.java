package org.ecgstream.model.nn.backprop;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.ecgstream.model.scoring.RationalTanh;

/**
 * One peephole-free LSTM layer, forward over a whole batch of sequences keeping what the backward
 * pass needs, and backward through time. Parameters are laid out as DL4J's {@code LSTM} layer keeps
 * them: W [in, 4H], RW [H, 4H], b [4H], the 4H columns in gate order [g, f, o, i] (block input,
 * forget, output, input). Activations are time-major: row {@code t * n + k} is step t of sequence k.
 * Matrix products go to OpenBLAS, one per step for the recurrence and one per pass for the input
 * projections; the per-step elementwise work stays in Java arrays.
 */
final class LstmLayerPass {
  final int inputs;
  final int hidden;
  private int n;
  private int steps;
  /** Gate activations per step [T*n, 4H], cell states [T*n, H], tanh of them, outputs [T*n, H]. */
  private float[] gates = new float[0];
  private float[] cells = new float[0];
  private float[] cellTanh = new float[0];
  float[] out = new float[0];
  /** The input the forward pass saw: [T*n, in], or [n, in] repeated at every step. */
  private float[] input;
  private boolean repeated;
  private float[][] affine;
  /** Pre-activation gradients per step [T*n, 4H]. */
  private float[] dz = new float[0];
  /** The state the forward pass started from ([n, H] each), or null for zeros. */
  private float[] h0;
  private float[] c0;
  /** After {@link #backward} from a given initial state: the loss's gradient with respect to it. */
  float[] dh0;
  float[] dc0;

  LstmLayerPass(int inputs, int hidden) {
    this.inputs = inputs;
    this.hidden = hidden;
  }

  /**
   * Runs the layer over {@code steps} steps of {@code n} sequences. With {@code repeated} the
   * input is [n, in], the same at every step (the autoencoder's repeated embedding).
   */
  float[] forward(float[] in, boolean repeated, int n, int steps, float[] w, float[] rw, float[] b) {
    return forward(in, repeated, n, steps, w, rw, b, null, null);
  }

  /** As above, starting from hidden state {@code h0} and cell state {@code c0} ([n, H] each) when they are not null. */
  float[] forward(float[] in, boolean repeated, int n, int steps, float[] w, float[] rw, float[] b, float[] h0,
                  float[] c0) {
    this.h0 = h0;
    this.c0 = c0;
    this.input = in;
    this.repeated = repeated;
    this.n = n;
    this.steps = steps;
    int h = hidden;
    int g4 = 4 * h;
    int rows = steps * n;
    gates = ensure(gates, rows * g4);
    cells = ensure(cells, rows * h);
    cellTanh = ensure(cellTanh, rows * h);
    out = ensure(out, rows * h);
    // Input projections, all steps at once (or once for a repeated input), plus the bias.
    float[] xw = new float[(repeated ? n : rows) * g4];
    int xRows = repeated ? n : rows;
    for (int r = 0; r < xRows; r++) {
      System.arraycopy(b, 0, xw, r * g4, g4);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, xRows, g4, inputs, 1f, in, inputs, w, g4, 1f, xw, g4);
    float[] z = new float[n * g4];
    float[] act = new float[n * g4];
    float[] c = new float[n * h];
    float[] tc = new float[n * h];
    float[] hPrev = h0 == null ? new float[n * h] : h0.clone();
    float[] cPrev = c0 == null ? new float[n * h] : c0.clone();
    float[][] affine = affine(n);
    float[] inScale = affine[0];
    float[] outScale = affine[1];
    float[] outShift = affine[2];
    for (int t = 0; t < steps; t++) {
      System.arraycopy(xw, repeated ? 0 : t * n * g4, z, 0, n * g4);
      if (t > 0 || h0 != null) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, g4, h, 1f, hPrev, h, rw, g4, 1f, z, g4);
      }
      // Every gate in one loop the JIT vectorises: tanh for the block input, and for the three
      // sigmoid gates sigmoid(z) = 0.5 + 0.5 tanh(z / 2).
      for (int q = 0; q < z.length; q++) {
        act[q] = RationalTanh.tanh(z[q] * inScale[q]) * outScale[q] + outShift[q];
      }
      for (int k = 0; k < n; k++) {
        int zr = k * g4;
        int sr = k * h;
        for (int j = 0; j < h; j++) {
          c[sr + j] = act[zr + h + j] * cPrev[sr + j] + act[zr + 3 * h + j] * act[zr + j];
        }
      }
      for (int q = 0; q < c.length; q++) {
        tc[q] = RationalTanh.tanh(c[q]);
      }
      for (int k = 0; k < n; k++) {
        int zr = k * g4;
        int sr = k * h;
        for (int j = 0; j < h; j++) {
          hPrev[sr + j] = act[zr + 2 * h + j] * tc[sr + j];
        }
      }
      int sBase = t * n * h;
      System.arraycopy(act, 0, gates, t * n * g4, n * g4);
      System.arraycopy(c, 0, cells, sBase, n * h);
      System.arraycopy(tc, 0, cellTanh, sBase, n * h);
      System.arraycopy(hPrev, 0, out, sBase, n * h);
      float[] swap = cPrev;
      cPrev = c;
      c = swap;
    }
    return out;
  }

  /**
   * Back through time from {@code dOut} ([T*n, H], the loss's gradient with respect to every
   * step's output; null rows count as zero): adds the parameter gradients to {@code dw}, {@code drw},
   * {@code db} and returns the input's gradient ([T*n, in], or [n, in] summed over steps for a
   * repeated input), or null when {@code needInput} is false.
   */
  float[] backward(float[] dOut, float[] w, float[] rw, float[] dw, float[] drw, float[] db, boolean needInput) {
    return backward(dOut, w, rw, dw, drw, db, needInput, null);
  }

  /**
   * As above, with {@code dcLast} ([n, H], or null for none) the loss's gradient with respect to the
   * last step's cell state, for a layer whose final state another layer starts from. After a forward
   * pass from a given state, leaves the gradient with respect to it in {@link #dh0} and {@link #dc0}.
   */
  float[] backward(float[] dOut, float[] w, float[] rw, float[] dw, float[] drw, float[] db, boolean needInput,
                   float[] dcLast) {
    int h = hidden;
    int g4 = 4 * h;
    int rows = steps * n;
    dz = ensure(dz, rows * g4);
    float[] dhNext = new float[n * h];
    float[] dcNext = dcLast == null ? new float[n * h] : dcLast.clone();
    float[] dzStep = new float[n * g4];
    for (int t = steps - 1; t >= 0; t--) {
      int gBase = t * n * g4;
      int sBase = t * n * h;
      int pBase = (t - 1) * n * h;
      for (int k = 0; k < n; k++) {
        int zr = k * g4;
        int sr = k * h;
        for (int j = 0; j < h; j++) {
          int gi = gBase + zr + j;
          float g = gates[gi];
          float f = gates[gi + h];
          float o = gates[gi + 2 * h];
          float i = gates[gi + 3 * h];
          float tc = cellTanh[sBase + sr + j];
          float dh = dOut[sBase + sr + j] + dhNext[sr + j];
          float dc = dcNext[sr + j] + dh * o * (1 - tc * tc);
          float cPrev = t > 0 ? cells[pBase + sr + j] : c0 == null ? 0f : c0[sr + j];
          dzStep[zr + j] = dc * i * (1 - g * g);
          dzStep[zr + h + j] = dc * cPrev * f * (1 - f);
          dzStep[zr + 2 * h + j] = dh * tc * o * (1 - o);
          dzStep[zr + 3 * h + j] = dc * g * i * (1 - i);
          dcNext[sr + j] = dc * f;
        }
      }
      System.arraycopy(dzStep, 0, dz, gBase, n * g4);
      if (t > 0 || h0 != null) {
        // dh(t-1) = dz(t) rw^T
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, h, g4, 1f, dzStep, g4, rw, g4, 0f, dhNext, h);
      }
    }
    if (h0 != null) {
      // The initial state's gradients, and its share of drw: h0^T dz(0).
      dh0 = dhNext;
      dc0 = dcNext;
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, h, g4, n, 1f, h0, h, dz, g4, 1f, drw, g4);
    }
    if (steps > 1) {
      // drw = sum over t >= 1 of h(t-1)^T dz(t): one product over all steps instead of one per step.
      float[] dzLater = java.util.Arrays.copyOfRange(dz, n * g4, rows * g4);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, h, g4, rows - n, 1f, out, h, dzLater, g4, 1f, drw, g4);
    }
    float[] dzIn = dz;
    int inRows = rows;
    if (repeated) {
      // The same input at every step: its gradient and W's see the sum of the steps' dz.
      dzIn = new float[n * g4];
      for (int t = 0; t < steps; t++) {
        int base = t * n * g4;
        for (int q = 0; q < n * g4; q++) {
          dzIn[q] += dz[base + q];
        }
      }
      inRows = n;
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, inputs, g4, inRows, 1f, input, inputs, dzIn, g4, 1f, dw, g4);
    for (int r = 0; r < inRows; r++) {
      int base = r * g4;
      for (int q = 0; q < g4; q++) {
        db[q] += dzIn[base + q];
      }
    }
    if (!needInput) {
      return null;
    }
    float[] dIn = new float[inRows * inputs];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, inRows, inputs, g4, 1f, dzIn, g4, w, g4, 0f, dIn, inputs);
    return dIn;
  }

  /** The last step's hidden state [n, H], from the last forward pass. */
  float[] lastOut() {
    return java.util.Arrays.copyOfRange(out, (steps - 1) * n * hidden, steps * n * hidden);
  }

  /** The last step's cell state [n, H], from the last forward pass. */
  float[] lastCell() {
    return java.util.Arrays.copyOfRange(cells, (steps - 1) * n * hidden, steps * n * hidden);
  }

  /** Per pre-activation of a step: the scale into tanh, and the scale and shift after it (see forward). */
  private float[][] affine(int n) {
    int g4 = 4 * hidden;
    if (affine == null || affine[0].length != n * g4) {
      affine = new float[3][n * g4];
      for (int q = 0; q < n * g4; q++) {
        boolean blockInput = q % g4 < hidden;
        affine[0][q] = blockInput ? 1f : 0.5f;
        affine[1][q] = blockInput ? 1f : 0.5f;
        affine[2][q] = blockInput ? 0f : 0.5f;
      }
    }
    return affine;
  }

  private static float[] ensure(float[] a, int size) {
    return a.length >= size ? a : new float[size];
  }
}

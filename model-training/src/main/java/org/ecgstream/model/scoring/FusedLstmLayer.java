package org.ecgstream.model.scoring;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_scopy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import java.util.Arrays;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One peephole-free LSTM layer of a trained DL4J network, run step by step on OpenBLAS and plain
 * Java loops. Weights are in DL4J's gate order [g, f, o, i]; the three sigmoid gates' columns are
 * halved at load time, so every gate is tanh of its pre-activation and sigmoid(z) = (1 + tanh(z/2)) / 2.
 *
 * <p>The per-step elementwise work is written as loops over arrays indexed from 0: C2 in Java 17
 * vectorises those and leaves loops with offsets, or with too much in their body, scalar (the gate
 * loop: 0.3 against 3.9 ns per value). Not thread-safe: the scratch memory belongs to the one engine that owns the layer.
 */
final class FusedLstmLayer {
  final int inputs;
  final int hidden;
  /** Kept so that the native memory behind the pointers below stays alive. */
  private final INDArray w;
  private final INDArray rw;
  private final FloatPointer wp;
  private final FloatPointer rwp;
  private final float[] bias;
  private final ScratchMemory<Scratch> scratch = new ScratchMemory<>(Scratch::new);
  /** Set while the benchmark profiles the engine; null otherwise. */
  FusedLstmProfile.Layer profile;
  /** {@link #run}'s {@code gemvMaxBatch} that asks it to time both recurrent products and keep the faster. */
  static final int CALIBRATED = -1;
  /**
   * Per batch size up to {@link FusedLstmEngine#GEMV_MAX_BATCH}, the recurrent product the timing
   * chose: 0 not timed yet, 1 GEMV per window, 2 one GEMM.
   */
  private final byte[] chosen = new byte[FusedLstmEngine.GEMV_MAX_BATCH + 1];

  FusedLstmLayer(Map<String, INDArray> params, int index) {
    this(params.get(index + "_W"), params.get(index + "_RW"), params.get(index + "_b"), "layer " + index);
  }

  /** A layer from its weights in DL4J's layout (W [in, 4H], RW [H, 4H], b [4H]; copied). */
  FusedLstmLayer(INDArray weights, INDArray recurrent, INDArray biases, String name) {
    w = weights.castTo(DataType.FLOAT).dup('c');
    rw = recurrent.castTo(DataType.FLOAT).dup('c');
    INDArray b = biases.castTo(DataType.FLOAT).dup('c').reshape(1, -1);
    hidden = (int) rw.rows();
    inputs = (int) w.rows();
    if (rw.columns() != 4L * hidden || w.columns() != 4L * hidden || b.columns() != 4L * hidden) {
      throw new IllegalArgumentException(name + " is not a peephole-free LSTM (RW is " + rw.shapeInfoToString() + ")");
    }
    for (INDArray a : new INDArray[] {w, rw, b}) {
      a.get(NDArrayIndex.all(), NDArrayIndex.interval(hidden, 4 * hidden)).muli(0.5);
    }
    bias = b.toFloatVector();
    wp = (FloatPointer) w.data().addressPointer();
    rwp = (FloatPointer) rw.data().addressPointer();
  }

  /** out[rows, 4H] = in[rows, inputs] · W, without the bias (added per step). */
  void project(FloatPointer in, int rows, FloatPointer out) {
    FusedLstmProfile.Layer prof = profile;
    long t0 = prof == null ? 0 : System.nanoTime();
    int g4 = 4 * hidden;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, g4, inputs, 1f, in, inputs, wp, g4, 0f, out, g4);
    if (prof != null) {
      prof.lap(FusedLstmProfile.LayerPart.INPUT_PROJECTION, t0);
    }
  }

  /**
   * Runs the recurrence over {@code t} steps of {@code n} windows. {@code xw} holds the input
   * projection of every step ([t*n, 4H], time-major), and is overwritten; or, when
   * {@code repeated}, n rows used at every step. Writes every step's hidden state to
   * {@code allOut} ([t*n, H]) when it is not null, and returns the last step's ([n, H]), valid
   * until the next call. The recurrent product is one matrix-vector product per window up to
   * {@code gemvMaxBatch} windows and one GEMM beyond; or, given {@link #CALIBRATED}, whichever
   * was faster the first time this batch size came (up to {@link FusedLstmEngine#GEMV_MAX_BATCH}).
   */
  FloatPointer run(FloatPointer xw, boolean repeated, int n, int t, FloatPointer allOut, int gemvMaxBatch) {
    return run(xw, repeated, n, t, allOut, gemvMaxBatch, null, null);
  }

  /**
   * As above, starting from hidden state {@code h0} and cell state {@code c0} ([n, H] each, row
   * major) when they are not null, instead of zeros.
   */
  FloatPointer run(FloatPointer xw, boolean repeated, int n, int t, FloatPointer allOut, int gemvMaxBatch,
                   float[] h0, float[] c0) {
    int h = hidden;
    int g4 = 4 * h;
    Scratch sc = scratch.atLeast(n);
    float[] z = sc.z;
    float[][] gate = sc.gate;
    float[] hj = sc.h;
    float[] c = sc.c;
    if (c0 == null) {
      Arrays.fill(c, 0, n * h, 0f);
    } else {
      System.arraycopy(c0, 0, c, 0, n * h);
    }
    boolean fromState = h0 != null;
    if (fromState) {
      sc.hPrev.put(h0, 0, n * h);
    }
    // Movable views on the step's pre-activations, one window's row of them, and the output.
    FloatPointer step = new FloatPointer(repeated ? sc.zRepeated : xw);
    FloatPointer row = new FloatPointer(step);
    FloatPointer out = allOut == null ? null : new FloatPointer(allOut);
    boolean gemv = gemvMaxBatch == CALIBRATED ? n <= FusedLstmEngine.GEMV_MAX_BATCH && chosen[n] != 2 : n <= gemvMaxBatch;
    FusedLstmProfile.Layer prof = profile;
    long lap = prof == null ? 0 : System.nanoTime();
    for (int s = 0; s < t; s++) {
      // The step's pre-activations: x_t W (precomputed) + h_{t-1} RW, summed in place.
      if (repeated) {
        cblas_scopy(n * g4, xw, 1, step, 1);
      } else {
        step.position((long) s * n * g4);
      }
      if (s == (fromState ? 0 : 1) && gemv && gemvMaxBatch == CALIBRATED && chosen[n] == 0) {
        // Timed on this step's real hidden states (uninitialised memory could hold denormals).
        chosen[n] = gemvIsFaster(n, sc) ? (byte) 1 : (byte) 2;
        gemv = chosen[n] == 1;
        if (prof != null) {
          lap = System.nanoTime();
        }
      }
      boolean recurrent = s > 0 || fromState;
      if (recurrent && gemv) {
        // With a few rows, a GEMM would repack all of RW on every step; a GEMV streams it.
        for (int b = 0; b < n; b++) {
          row.position(step.position() + (long) b * g4);
          cblas_sgemv(CblasRowMajor, CblasTrans, h, g4, 1f, rwp, g4, sc.hRow[b], 1, 1f, row, 1);
        }
      } else if (recurrent) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, g4, h, 1f, sc.hPrev, h, rwp, g4, 1f, step, g4);
      }
      if (prof != null) {
        lap = prof.lap(FusedLstmProfile.LayerPart.RECURRENT_PRODUCT, lap);
      }
      step.get(z, 0, n * g4);
      if (prof != null) {
        lap = prof.lap(FusedLstmProfile.LayerPart.COPY_OUT, lap);
      }
      activate(z, sc.bias, n * g4);
      if (prof != null) {
        lap = prof.lap(FusedLstmProfile.LayerPart.ACTIVATION, lap);
      }
      for (int b = 0; b < n; b++) {
        for (int k = 0; k < 4; k++) {
          System.arraycopy(z, b * g4 + k * h, gate[k], b * h, h);
        }
      }
      if (prof != null) {
        lap = prof.lap(FusedLstmProfile.LayerPart.GATE_SPLIT, lap);
      }
      updateCell(gate[0], gate[1], gate[3], c, n * h);
      output(gate[2], c, hj, n * h);
      if (prof != null) {
        lap = prof.lap(FusedLstmProfile.LayerPart.CELL_AND_OUTPUT, lap);
      }
      sc.hPrev.put(hj, 0, n * h);
      if (out != null) {
        out.position((long) s * n * h).put(hj, 0, n * h);
      }
      if (prof != null) {
        lap = prof.lap(FusedLstmProfile.LayerPart.COPY_IN, lap);
      }
    }
    return sc.hPrev;
  }

  /** The last {@link #run}'s final cell state, [n, H] row-major; valid until the next call. */
  float[] lastCell() {
    return scratch.last().c;
  }

  /**
   * Times the recurrent product of {@code n} windows both ways, alternating, into scratch memory,
   * and tells whether the matrix-vector products were faster. Which is depends on the CPU, the
   * OpenBLAS kernels and the layer's size: GEMV per window was 1.3–1.8x slower from batch 2 on with
   * OpenBLAS's AVX-512 kernels at E ≤ 64 and faster at E = 128 (the GEMM repacks 1 MB of weights
   * per step), and with OpenBLAS's older kernels on an AVX-512 AMD CPU it was faster up to batch 8.
   * Minimum of several rounds, so that a moment of machine noise does not decide it.
   */
  private boolean gemvIsFaster(int n, Scratch sc) {
    int h = hidden;
    int g4 = 4 * h;
    long bestGemv = Long.MAX_VALUE;
    long bestGemm = Long.MAX_VALUE;
    // Memory of its own: the step's pre-activations (and, for the repeated input, the copy of its
    // projection) are already in place and must not be touched.
    try (FloatPointer dst = new FloatPointer((long) n * g4)) {
      FloatPointer row = new FloatPointer(dst);
      for (int round = 0; round < CALIBRATION_ROUNDS; round++) {
        long t0 = System.nanoTime();
        for (int b = 0; b < n; b++) {
          row.position((long) b * g4);
          cblas_sgemv(CblasRowMajor, CblasTrans, h, g4, 1f, rwp, g4, sc.hRow[b], 1, 0f, row, 1);
        }
        long t1 = System.nanoTime();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, g4, h, 1f, sc.hPrev, h, rwp, g4, 0f, dst, g4);
        long t2 = System.nanoTime();
        // The first rounds warm the caches and the JIT; they do not count.
        if (round >= 2) {
          bestGemv = Math.min(bestGemv, t1 - t0);
          bestGemm = Math.min(bestGemm, t2 - t1);
        }
      }
    }
    return bestGemv <= bestGemm;
  }

  /** Rounds of {@link #gemvIsFaster}: at E = 128 and batch 8, about 3 ms once per layer and batch size. */
  private static final int CALIBRATION_ROUNDS = 12;

  /** z = tanh(z + bias). */
  private static void activate(float[] z, float[] bias, int len) {
    for (int k = 0; k < len; k++) {
      z[k] = RationalTanh.tanh(z[k] + bias[k]);
    }
  }

  /** c = f·c + i·g, with f and i given as tanh of their halved pre-activations. */
  private static void updateCell(float[] g, float[] f, float[] i, float[] c, int len) {
    for (int k = 0; k < len; k++) {
      c[k] = (0.5f + 0.5f * f[k]) * c[k] + (0.5f + 0.5f * i[k]) * g[k];
    }
  }

  /** h = o·tanh(c); a loop of its own, since C2 did not vectorise it merged with the cell update. */
  private static void output(float[] o, float[] c, float[] h, int len) {
    for (int k = 0; k < len; k++) {
      h[k] = (0.5f + 0.5f * o[k]) * RationalTanh.tanh(c[k]);
    }
  }

  /** Scratch memory for up to a number of windows (see {@link ScratchMemory}). */
  private final class Scratch {
    final FloatPointer hPrev;
    final FloatPointer zRepeated;
    /** Each window's row of hPrev, for per-window matrix-vector products. */
    final FloatPointer[] hRow;
    final float[] z;
    final float[][] gate;
    final float[] h;
    final float[] c;
    /** The bias repeated for every window, so that the bias loop needs no offsets. */
    final float[] bias;

    Scratch(int n) {
      int g4 = 4 * hidden;
      hPrev = new FloatPointer((long) n * hidden);
      zRepeated = new FloatPointer((long) n * g4);
      hRow = new FloatPointer[n];
      for (int b = 0; b < n; b++) {
        hRow[b] = new FloatPointer(hPrev).position((long) b * hidden);
      }
      z = new float[n * g4];
      gate = new float[4][n * hidden];
      h = new float[n * hidden];
      c = new float[n * hidden];
      bias = new float[n * g4];
      for (int b = 0; b < n; b++) {
        System.arraycopy(FusedLstmLayer.this.bias, 0, bias, b * g4, g4);
      }
    }
  }
}

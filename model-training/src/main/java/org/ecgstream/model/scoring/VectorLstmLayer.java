package org.ecgstream.model.scoring;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One peephole-free LSTM layer of a trained DL4J network on Java's Vector API, over weights packed
 * once, at load time, for the way they are used.
 *
 * <p>Why: with OpenBLAS each step's recurrent product is a GEMM that repacks the whole recurrent
 * weight matrix on every call, and the gates then take three more passes over the pre-activations
 * (see BENCHMARKS.md). Here the weights of one vector's worth of hidden units (16 with AVX-512, 8
 * with AVX2) and their four gates are one panel of 4 vectors per weight row; a tile of four
 * windows (two with AVX2, {@link PanelKernels#TILE}) × one panel keeps its gates' sums in
 * registers, and each step finishes the cell and output of those units right after its tile
 * ({@link PanelKernels}). Hidden units are padded to whole vectors with zero weights, whose states
 * stay 0. The packed weights start at a cache-line boundary ({@link LineAlignedFloats}), so no
 * weight load straddles two lines where {@link CacheLineAlignment#known()}.
 *
 * <p>As in {@link FusedLstmLayer}: the input projections are products over many steps before
 * the recurrence reads them; weights are in DL4J's gate order [g, f, o, i]; the sigmoid gates'
 * weights are halved at load time, so every gate is tanh of its pre-activation and sigmoid(z) =
 * (1 + tanh(z/2)) / 2. Pre-activation rows are {@link #width} floats, [panel][gate][lane]; hidden
 * and cell rows {@link #padded}. Not thread-safe: its scratch memory belongs to the one engine that
 * owns it.
 */
final class VectorLstmLayer {
  static final VectorSpecies<Float> S = PanelKernels.S;
  private static final int L = PanelKernels.L;
  /**
   * Floats of input projections kept between {@link #project} and {@link #recur}: 256 KB, an
   * eighth of the L2 cache of the CPUs measured (4 K to 256 K floats timed the same within the
   * machine's noise at batch 8 and 32, E = 64, each against the OpenBLAS engine in the same process).
   */
  private static final int PROJECTED_FLOATS = 64 * 1024;
  private static final int TILE = PanelKernels.TILE;

  /** Real hidden units. */
  final int hidden;
  /** Hidden units padded to whole vectors: the width of every hidden and cell row. */
  final int padded;
  /** Width of the input rows {@link #project} reads (at least W's rows; the rest have zero weight). */
  final int inputs;
  /** Width of a pre-activation row: four gates of {@link #padded} units. */
  final int width;
  private final int panels;
  /** [panel][input][gate][lane]. */
  private final LineAlignedFloats inputWeights;
  /** [panel][unit][gate][lane]. */
  private final LineAlignedFloats recurrentWeights;
  /** [panel][gate][lane]. */
  private final float[] bias;
  /** A tile's sums on their way out: up to four rows of one panel's four gates, or one row of two panels'. */
  private final float[] sums = new float[16 * L];
  private float[] cell = new float[0];
  /** {@link #finish}'s tanh fractions (numerators, denominators) of four windows' four gates. */
  private final float[] fractionNum = new float[16 * L];
  private final float[] fractionDen = new float[16 * L];
  /** {@link #finish}'s new cells of four windows, and their tanh fractions. */
  private final float[] cells = new float[4 * L];
  private final float[] cellNum = new float[4 * L];
  private final float[] cellDen = new float[4 * L];
  private float[] z = new float[0];

  /**
   * A layer from its weights in DL4J's layout (W [in, 4H], RW [H, 4H], b [4H]), reading input rows
   * {@code inputStride} wide.
   */
  VectorLstmLayer(INDArray weights, INDArray recurrent, INDArray biases, int inputStride) {
    float[][] w = weights.castTo(DataType.FLOAT).toFloatMatrix();
    float[][] rw = recurrent.castTo(DataType.FLOAT).toFloatMatrix();
    float[] b = biases.castTo(DataType.FLOAT).reshape(-1).toFloatVector();
    hidden = rw.length;
    int g4 = 4 * hidden;
    if (rw[0].length != g4 || w[0].length != g4 || b.length != g4 || inputStride < w.length) {
      throw new IllegalArgumentException("not a peephole-free LSTM layer: RW has " + rw.length + " x " + rw[0].length
          + " values, W " + w.length + " x " + w[0].length + ", b " + b.length);
    }
    padded = (hidden + L - 1) / L * L;
    panels = padded / L;
    width = 4 * padded;
    inputs = inputStride;
    inputWeights = new LineAlignedFloats(packed(w, inputs));
    recurrentWeights = new LineAlignedFloats(packed(rw, padded));
    bias = packed(new float[][] {b}, 1);
  }

  /** Rows of gate weights (DL4J's layout, [row][gate * H + unit]), padded to {@code rows}, as panels. */
  private float[] packed(float[][] gateRows, int rows) {
    float[] into = new float[panels * rows * 4 * L];
    for (int p = 0; p < panels; p++) {
      for (int k = 0; k < gateRows.length; k++) {
        for (int gate = 0; gate < 4; gate++) {
          // Halved for the sigmoid gates (f, o, i): every gate is then a tanh.
          float scale = gate == 0 ? 1f : 0.5f;
          for (int lane = 0; lane < L && p * L + lane < hidden; lane++) {
            into[((p * rows + k) * 4 + gate) * L + lane] = scale * gateRows[k][gate * hidden + p * L + lane];
          }
        }
      }
    }
    return into;
  }

  /**
   * Runs the layer over {@code t} steps of {@code n} windows from zero states: input rows
   * {@code x[(s * n + b) * inputs ...]} (time-major), hidden states out to
   * {@code out[(s * n + b) * padded ...]}.
   */
  void run(float[] x, int n, int t, float[] out) {
    startCells(n);
    // The input projections a few steps at a time, as many as keep them in cache until the
    // recurrence reads them: all steps at once for one window (one pass over W instead of one per
    // step), a few for many windows (all 140 would be megabytes, read back from memory).
    int chunk = Math.max(1, Math.min(t, PROJECTED_FLOATS / (n * width)));
    float[] z = projections(chunk * n);
    for (int s = 0; s < t; s += chunk) {
      int steps = Math.min(chunk, t - s);
      project(x, s * n * inputs, steps * n, z);
      recur(z, false, n, s, steps, out, null, 0);
    }
  }

  /**
   * As {@link #run}, for an input that is the same at every step: one row per window,
   * {@code x[xo + b * inputs ...]}, projected once.
   */
  void runRepeated(float[] x, int xo, int n, int t, float[] out) {
    startCells(n);
    float[] z = projections(n);
    project(x, xo, n, z);
    recur(z, true, n, 0, t, out, null, 0);
  }

  /**
   * Runs the layer over {@code t} steps of {@code n} windows with no input (only the bias), from
   * the hidden states {@code h0[h0o + b * padded ...]} and the cells {@code c0[b * padded ...]}
   * instead of zeros: the conditional decoder, whose fed-back output is folded into its recurrence.
   */
  void runFromState(float[] h0, int h0o, float[] c0, int n, int t, float[] out) {
    startCells(n, c0);
    float[] z = projections(n);
    for (int b = 0; b < n; b++) {
      System.arraycopy(bias, 0, z, b * width, width);
    }
    recur(z, true, n, 0, t, out, h0, h0o);
  }

  /** The cells after the last step run, [n][padded]: this layer's own, valid until it runs again. */
  float[] lastCells() {
    return cell;
  }

  private void startCells(int n) {
    startCells(n, null);
  }

  /** The cells of {@code n} windows at zero, or copied from {@code from} ([n][padded]). */
  private void startCells(int n, float[] from) {
    if (cell.length < n * padded) {
      cell = new float[n * padded];
    }
    if (from == null) {
      Arrays.fill(cell, 0, n * padded, 0f);
    } else {
      System.arraycopy(from, 0, cell, 0, n * padded);
    }
  }

  private float[] projections(int rows) {
    if (z.length < rows * width) {
      z = new float[rows * width];
    }
    return z;
  }

  /** {@code z[r * width ...]} = bias + {@code x[xo + r * inputs ...]} · W, for {@code rows} rows. */
  private void project(float[] x, int xo, int rows, float[] z) {
    float[] wts = inputWeights.data;
    int start = inputWeights.realign();
    for (int p = 0; p < panels; p++) {
      PanelKernels.rows(wts, start + p * inputs * 4 * L, inputs, x, xo, inputs, bias, p * 4 * L, 0, z, p * 4 * L, width,
          rows);
    }
  }

  /**
   * Steps {@code first} to {@code first + steps} of the recurrence: step s's pre-activations from
   * the input are {@code z}'s rows for step s - first ([steps][n][width]), or, when
   * {@code repeated}, its first n rows at every step. Step 0 starts from the hidden states
   * {@code h0[h0o ...]}, or from zeros when {@code h0} is null.
   */
  private void recur(float[] z, boolean repeated, int n, int first, int steps, float[] out, float[] h0, int h0o) {
    float[] c = cell;
    float[] rw = recurrentWeights.data;
    int start = recurrentWeights.realign();
    int tiled = n / TILE * TILE;
    for (int s = first; s < first + steps; s++) {
      // Step 0 from zero states is a product with no rows: the pre-activations as they are.
      int k = s == 0 && h0 == null ? 0 : padded;
      float[] h = s == 0 ? h0 : out;
      int ho = s == 0 ? h0o : (s - 1) * n * padded;
      int zo = repeated ? 0 : (s - first) * n * width;
      int oo = s * n * padded;
      for (int p = 0; p < panels; p++) {
        int w = start + p * padded * 4 * L;
        for (int b = 0; b < tiled; b += TILE) {
          PanelKernels.tile(rw, w, k, h, ho + b * padded, padded, z, zo + b * width + p * 4 * L, width, sums, 0,
              4 * L);
          finish(sums, 0, c, b, TILE, p, out, oo);
        }
      }
      int b = tiled;
      // Outside the full tiles: a pair (when a tile is four), then a single window.
      if (n - b >= 2) {
        for (int p = 0; p < panels; p++) {
          PanelKernels.tile2(rw, start + p * padded * 4 * L, k, h, ho + b * padded, padded, z,
              zo + b * width + p * 4 * L, width, sums, 0, 4 * L);
          finish(sums, 0, c, b, 2, p, out, oo);
        }
        b += 2;
      }
      // A single window's product is bound by reading the weights from L2. Every other step
      // takes the panels last to first, so it starts with what the step before read last, still
      // in L1. Two panels at a time give eight independent sums; each pair's units are finished
      // right after it, while the next pair's weights stream in.
      if (b < n) {
        boolean backwards = (s & 1) == 1;
        for (int q = 0; q < panels; q += 2) {
          int p = backwards ? panels - 1 - q : q;
          if (q + 1 < panels) {
            int p2 = backwards ? p - 1 : p + 1;
            PanelKernels.tile1Twice(rw, start + p * padded * 4 * L, start + p2 * padded * 4 * L, k, h,
                ho + b * padded, z, zo + b * width + p * 4 * L, zo + b * width + p2 * 4 * L, sums);
            finish(sums, 0, c, b, 1, p, out, oo);
            finish(sums, 4 * L, c, b, 1, p2, out, oo);
          } else {
            PanelKernels.tile1(rw, start + p * padded * 4 * L, k, h, ho + b * padded, z, zo + b * width + p * 4 * L,
                sums, 0);
            finish(sums, 0, c, b, 1, p, out, oo);
          }
        }
      }
    }
  }

  /**
   * The gates of panel p's units for windows b to b + count (at most four), from their sums
   * ({@code sums[at + i * 4 * L ...]} for window b + i: g, f, o, i, one vector each), then
   * c = f·c + i·g and h = o·tanh(c). With every tanh a fraction n/d (sigmoid(2x) = (d + n) / 2d),
   * c and h each take one division instead of three and two:
   * c = ((d_f + n_f)·c·d_i·d_g + (d_i + n_i)·n_g·d_f) / (2·d_f·d_i·d_g), h = (d_o + n_o)·n_c / (2·d_o·d_c).
   * The d are at most 415 (at the clamp, x = 9), so their products stay far from float's range.
   *
   * <p>Stage by stage over all the windows (all gates' fractions, then all cells, all cell
   * fractions, all outputs) rather than window by window: the windows' chains of two divisions
   * and five polynomials are independent, and this way the CPU overlaps them (a quarter less time
   * in this method at batch 32 in a probe). Stages hand over in small arrays, not as vector
   * arguments (see {@link VectorTanh}).
   */
  private void finish(float[] sums, int at, float[] c, int b, int count, int p, float[] out, int oo) {
    float[] num = fractionNum;
    float[] den = fractionDen;
    VectorTanh.fractions(sums, at, count * 4 * L, num, den);
    for (int i = 0; i < count; i++) {
      int u = (b + i) * padded + p * L;
      int g = i * 4 * L;
      FloatVector ng = FloatVector.fromArray(S, num, g);
      FloatVector dg = FloatVector.fromArray(S, den, g);
      FloatVector df = FloatVector.fromArray(S, den, g + L);
      FloatVector sf = FloatVector.fromArray(S, num, g + L).add(df);
      FloatVector di = FloatVector.fromArray(S, den, g + 3 * L);
      FloatVector si = FloatVector.fromArray(S, num, g + 3 * L).add(di);
      FloatVector kept = sf.mul(FloatVector.fromArray(S, c, u)).mul(di.mul(dg));
      FloatVector added = si.mul(ng).mul(df);
      FloatVector cell = kept.add(added).div(df.mul(di).mul(dg).mul(2f));
      cell.intoArray(c, u);
      cell.intoArray(cells, i * L);
    }
    VectorTanh.fractions(cells, 0, count * L, cellNum, cellDen);
    for (int i = 0; i < count; i++) {
      int g = i * 4 * L;
      FloatVector dOut = FloatVector.fromArray(S, den, g + 2 * L);
      FloatVector sOut = FloatVector.fromArray(S, num, g + 2 * L).add(dOut);
      FloatVector nc = FloatVector.fromArray(S, cellNum, i * L);
      FloatVector dc = FloatVector.fromArray(S, cellDen, i * L);
      sOut.mul(nc).div(dOut.mul(dc).mul(2f)).intoArray(out, oo + (b + i) * padded + p * L);
    }
  }
}

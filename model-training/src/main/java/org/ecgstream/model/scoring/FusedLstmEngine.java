package org.ecgstream.model.scoring;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A fast inference path for the autoencoder, built from the trained DL4J weights, that exploits
 * the model's structure instead of running DL4J's generic per-step layer code:
 * <ul>
 *   <li>each layer's input projection for all time steps is one GEMM (for the encoder's one-feature
 *       input, an outer product), so a step only multiplies the previous hidden state;</li>
 *   <li>the first decoder layer sees the same repeated embedding at every step, so its input
 *       projection is computed once per beat;</li>
 *   <li>all four gates of a step come from one GEMM and one vectorised sigmoid: the cell-input
 *       block's weights are doubled at load time so that tanh(z) = 2·sigmoid(2z) − 1;</li>
 *   <li>for a few windows, the recurrent product is one matrix-vector product per window instead
 *       of a GEMM, which would repack the whole recurrent weight matrix on every step.</li>
 * </ul>
 * The small per-step GEMMs go straight to OpenBLAS: through ND4J each cost tens of microseconds
 * of bookkeeping, more than the arithmetic. Outputs match {@link Dl4jEngine} to float rounding.
 * One instance per thread.
 */
public final class FusedLstmEngine implements ReconstructionEngine {
  /** Large batches are processed in chunks of this many windows to bound scratch memory. */
  static final int CHUNK = 128;
  /**
   * Up to this batch size the recurrent product is one matrix-vector product per window: a GEMM
   * with a few rows spends its time packing the whole recurrent weight matrix on every call.
   */
  static final int GEMV_MAX_BATCH = 8;

  private final int length;
  private final int features;
  private final Layer enc1;
  private final Layer enc2;
  private final Layer dec1;
  private final Layer dec2;
  private final INDArray outW;
  private final INDArray outB;
  private final int gemvMaxBatch;

  /** One LSTM layer's weights in DL4J's gate order [g, f, o, i], with the g block doubled. */
  private record Layer(int hidden, INDArray w, INDArray rw, INDArray b) {
    static Layer of(Map<String, INDArray> params, int index) {
      INDArray w = params.get(index + "_W").castTo(DataType.FLOAT).dup('c');
      INDArray rw = params.get(index + "_RW").castTo(DataType.FLOAT).dup('c');
      INDArray b = params.get(index + "_b").castTo(DataType.FLOAT).dup('c').reshape(1, -1);
      int h = (int) rw.rows();
      if (rw.columns() != 4L * h) {
        throw new IllegalArgumentException("layer " + index + " is not a peephole-free LSTM (RW is " + rw.shapeInfoToString() + ")");
      }
      for (INDArray a : new INDArray[] {w, rw, b}) {
        a.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h)).muli(2);
      }
      return new Layer(h, w, rw, b);
    }

    FloatPointer recurrent() {
      return (FloatPointer) rw.data().addressPointer();
    }
  }

  public FusedLstmEngine(MultiLayerNetwork net, Architecture a) {
    this(net, a, GEMV_MAX_BATCH);
  }

  private FusedLstmEngine(MultiLayerNetwork net, Architecture a, int gemvMaxBatch) {
    this.gemvMaxBatch = gemvMaxBatch;
    this.length = a.windowLength();
    this.features = a.features();
    Map<String, INDArray> p = net.paramTable();
    enc1 = Layer.of(p, AutoencoderFactory.ENCODER_1);
    enc2 = Layer.of(p, AutoencoderFactory.ENCODER_2);
    dec1 = Layer.of(p, AutoencoderFactory.DECODER_1);
    dec2 = Layer.of(p, AutoencoderFactory.DECODER_2);
    outW = p.get(AutoencoderFactory.OUTPUT + "_W").castTo(DataType.FLOAT).dup('c');
    outB = p.get(AutoencoderFactory.OUTPUT + "_b").castTo(DataType.FLOAT).dup('c').reshape(1, -1);
  }

  /** The engine with one GEMM per step at every batch size: what the benchmark compares against. */
  public static FusedLstmEngine gemmOnly(MultiLayerNetwork net, Architecture a) {
    return new FusedLstmEngine(net, a, 0);
  }

  @Override
  public String name() {
    return gemvMaxBatch > 0 ? "fused" : "fused (GEMM only)";
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch) {
    float[] out = new float[batch * features * length];
    for (int from = 0; from < batch; from += CHUNK) {
      int n = Math.min(CHUNK, batch - from);
      reconstructChunk(normalised, from, n, out);
    }
    return out;
  }

  private void reconstructChunk(float[] in, int from, int n, float[] out) {
    int t = length;
    int f = features;
    Buffers buf = buffers(n);
    // Time-major input rows: row s*n + b holds window b's features at step s.
    float[] x = buf.x;
    for (int b = 0; b < n; b++) {
      int base = (from + b) * f * t;
      for (int j = 0; j < f; j++) {
        for (int s = 0; s < t; s++) {
          x[(s * n + b) * f + j] = in[base + j * t + s];
        }
      }
    }
    ((FloatPointer) buf.xs.data().addressPointer()).put(x);
    INDArray h1 = run(enc1, projection(buf.xs, enc1, buf.xw[0]), scratch(0, enc1, n, t, true), n, t, true);
    INDArray h2 = run(enc2, projection(h1, enc2, buf.xw[1]), scratch(1, enc2, n, t, false), n, t, false);
    // h2 holds only the last step, the embedding; the first decoder layer sees it at every step.
    INDArray d1 = run(dec1, projection(h2, dec1, buf.xw[2]), scratch(2, dec1, n, t, true), n, t, true);
    INDArray d2 = run(dec2, projection(d1, dec2, buf.xw[3]), scratch(3, dec2, n, t, true), n, t, true);
    d2.mmuli(outW, buf.y).addiRowVector(outB);
    float[] y = buf.yj;
    ((FloatPointer) buf.y.data().addressPointer()).get(y);
    for (int s = 0; s < t; s++) {
      for (int b = 0; b < n; b++) {
        int base = (from + b) * f * t;
        for (int j = 0; j < f; j++) {
          out[base + j * t + s] = y[(s * n + b) * f + j];
        }
      }
    }
  }

  /** Input rows times the layer's input weights, plus its bias, into {@code out}: [rows, 4H]. */
  private static INDArray projection(INDArray inputRows, Layer l, INDArray out) {
    return inputRows.mmuli(l.w, out).addiRowVector(l.b);
  }

  /** Per-chunk-size input, projection and output arrays, kept between calls like {@link Scratch}. */
  private final class Buffers {
    final int n;
    final float[] x;
    final INDArray xs;
    final INDArray[] xw = new INDArray[4];
    final INDArray y;
    final float[] yj;

    Buffers(int n) {
      this.n = n;
      int t = length;
      x = new float[t * n * features];
      xs = Nd4j.create(DataType.FLOAT, new long[] {(long) t * n, features}, 'c');
      xw[0] = Nd4j.create(DataType.FLOAT, new long[] {(long) t * n, 4L * enc1.hidden}, 'c');
      xw[1] = Nd4j.create(DataType.FLOAT, new long[] {(long) t * n, 4L * enc2.hidden}, 'c');
      xw[2] = Nd4j.create(DataType.FLOAT, new long[] {n, 4L * dec1.hidden}, 'c');
      xw[3] = Nd4j.create(DataType.FLOAT, new long[] {(long) t * n, 4L * dec2.hidden}, 'c');
      y = Nd4j.create(DataType.FLOAT, new long[] {(long) t * n, features}, 'c');
      yj = new float[t * n * features];
    }
  }

  private Buffers buffers;

  private Buffers buffers(int n) {
    if (buffers == null || buffers.n != n) {
      buffers = new Buffers(n);
    }
    return buffers;
  }

  /**
   * Scratch memory of one layer for one chunk size, kept between calls: allocating native memory
   * on every call made JavaCPP force garbage collections once the process held a lot of it.
   */
  private static final class Scratch {
    final int n;
    final INDArray hPrev;
    final INDArray z;
    final INDArray hs;
    final float[] zj;
    /** Each window's row of hPrev and z, for per-window matrix-vector products. */
    final FloatPointer[] hRow;
    final FloatPointer[] zRow;
    final float[] hj;
    final float[] c;
    final float[] all;
    private float[] xwj;

    /** The projection's values in a Java array, reusing the array between calls. */
    float[] xw(INDArray projection) {
      int size = (int) projection.length();
      if (xwj == null || xwj.length != size) {
        xwj = new float[size];
      }
      ((FloatPointer) projection.data().addressPointer()).get(xwj);
      return xwj;
    }

    Scratch(int n, int h, int t, boolean allSteps) {
      this.n = n;
      hPrev = Nd4j.create(DataType.FLOAT, new long[] {n, h}, 'c');
      z = Nd4j.create(DataType.FLOAT, new long[] {n, 4L * h}, 'c');
      hs = allSteps ? Nd4j.create(DataType.FLOAT, new long[] {(long) t * n, h}, 'c') : null;
      zj = new float[n * 4 * h];
      hRow = new FloatPointer[n];
      zRow = new FloatPointer[n];
      for (int b = 0; b < n; b++) {
        hRow[b] = new FloatPointer(hPrev.data().addressPointer()).position((long) b * h);
        zRow[b] = new FloatPointer(z.data().addressPointer()).position(4L * b * h);
      }
      hj = new float[n * h];
      c = new float[n * h];
      all = allSteps ? new float[t * n * h] : null;
    }
  }

  private final Scratch[] scratch = new Scratch[4];

  private Scratch scratch(int slot, Layer l, int n, int t, boolean allSteps) {
    Scratch s = scratch[slot];
    if (s == null || s.n != n) {
      s = new Scratch(n, l.hidden, t, allSteps);
      scratch[slot] = s;
    }
    return s;
  }

  /**
   * Runs a layer's recurrence. {@code xw} holds the input projection of every step ([t*n, 4H],
   * time-major) or, with n rows, one projection used at every step. Returns all hidden states
   * ([t*n, H]) or only the last ([n, H]); the result is scratch memory, valid until the next call.
   */
  private INDArray run(Layer l, INDArray xw, Scratch sc, int n, int t, boolean allSteps) {
    int h = l.hidden;
    int g4 = 4 * h;
    boolean repeated = xw.rows() == n;
    float[] xwj = sc.xw(xw);
    FloatPointer hp = (FloatPointer) sc.hPrev.data().addressPointer();
    FloatPointer zp = (FloatPointer) sc.z.data().addressPointer();
    FloatPointer rw = l.recurrent();
    float[] zj = sc.zj;
    float[] hj = sc.hj;
    float[] c = sc.c;
    java.util.Arrays.fill(c, 0f);
    for (int s = 0; s < t; s++) {
      // z = x_t W + b (precomputed), then z += h_{t-1} RW: one GEMM for all four gates.
      zp.put(xwj, repeated ? 0 : s * n * g4, n * g4);
      if (s > 0 && n <= gemvMaxBatch) {
        for (int b = 0; b < n; b++) {
          cblas_sgemv(CblasRowMajor, CblasTrans, h, g4, 1f, rw, g4, sc.hRow[b], 1, 1f, sc.zRow[b], 1);
        }
      } else if (s > 0) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, g4, h, 1f, hp, h, rw, g4, 1f, zp, g4);
      }
      Nd4j.getExecutioner().exec(new Sigmoid(sc.z, sc.z));
      zp.get(zj);
      for (int b = 0; b < n; b++) {
        int zr = b * g4;
        int cr = b * h;
        for (int j = 0; j < h; j++) {
          float g = 2f * zj[zr + j] - 1f;
          float cell = zj[zr + h + j] * c[cr + j] + zj[zr + 3 * h + j] * g;
          c[cr + j] = cell;
          hj[cr + j] = zj[zr + 2 * h + j] * tanh(cell);
        }
      }
      hp.put(hj);
      if (allSteps) {
        System.arraycopy(hj, 0, sc.all, s * n * h, n * h);
      }
    }
    if (!allSteps) {
      return sc.hPrev;
    }
    ((FloatPointer) sc.hs.data().addressPointer()).put(sc.all);
    return sc.hs;
  }

  /** tanh(x) = 2·sigmoid(2x) − 1, through the float exp below: cheaper than Math.tanh or Math.exp. */
  static float tanh(float x) {
    return 2f * sigmoid(2f * x) - 1f;
  }

  static float sigmoid(float x) {
    return 1f / (1f + exp(-x));
  }

  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;

  /**
   * e^x in float arithmetic, to within a few ulp: x = k·ln2 + r with |r| ≤ ln2/2, e^r by its
   * Taylor series to r^6 (remainder below 1.2e-7 relative), times 2^k built in the exponent bits.
   * Several times cheaper than {@link Math#exp}, which works in double.
   */
  static float exp(float x) {
    float v = Math.max(-87f, Math.min(88f, x));
    int k = Math.round(v * LOG2E);
    float r = v - k * LN2_HI - k * LN2_LO;
    float p = 1f + r * (1f + r * (0.5f + r * (1f / 6 + r * (1f / 24 + r * (1f / 120 + r * (1f / 720))))));
    return p * Float.intBitsToFloat((k + 127) << 23);
  }
}

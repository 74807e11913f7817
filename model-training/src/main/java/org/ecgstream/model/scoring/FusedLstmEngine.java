package org.ecgstream.model.scoring;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.nn.WindowTensors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A fast inference path for the autoencoder, built from the trained DL4J weights, that exploits
 * the model's structure instead of running DL4J's generic per-step layer code:
 * <ul>
 *   <li>each layer's input projection for all time steps is one GEMM (for the encoder's one-feature
 *       input, an outer product), so a step only multiplies the previous hidden state, in place
 *       on the projection;</li>
 *   <li>the first decoder layer sees the same repeated embedding at every step, so its input
 *       projection is computed once per beat;</li>
 *   <li>all four gates of a step come from one GEMM (or, for a few windows, one matrix-vector
 *       product per window, where that was faster when timed); their nonlinearities are SIMD loops
 *       in Java (see {@link FusedLstmLayer}).</li>
 * </ul>
 * All products go straight to OpenBLAS: through ND4J each small one cost tens of microseconds of
 * bookkeeping, and ND4J's mmul for the large input projections took 31 of 70 ms per batch of 32
 * at E = 64. Outputs match {@link Dl4jEngine} to float rounding. One instance per thread.
 */
public final class FusedLstmEngine implements ReconstructionEngine {
  /** Large batches are processed in chunks of this many windows to bound scratch memory. */
  public static final int CHUNK_SIZE = 128;
  /**
   * Up to this batch size the recurrent product may be one matrix-vector product per window: a
   * GEMM with a few rows can spend its time packing the whole recurrent weight matrix on every call.
   * Whether it does depends on the CPU and OpenBLAS's kernels, so each layer times both the first
   * time a batch size comes and keeps the faster.
   */
  static final int GEMV_MAX_BATCH = 8;

  private final int length;
  /** Values per step the output layer produces: the features, or 2E for the latent-target variant. */
  private final int outWidth;
  /** Whether the decoder rebuilds the first encoder layer's outputs ({@link Variant#LATENT}). */
  private final boolean latent;
  /** The window's first step the decoder stands for (see {@link Architecture}). */
  private final int firstDecoded;
  private final FusedEncoder encoder;
  private final FusedLstmLayer dec1;
  private final FusedLstmLayer dec2;
  /** Kept so that the native memory behind {@link #outWp} stays alive. */
  private final INDArray outW;
  private final FloatPointer outWp;
  private final float[] outB;
  private final int gemvMaxBatch;
  private final ScratchMemory<Buffers> buffers = new ScratchMemory<>(Buffers::new);
  /** Set while the benchmark profiles this engine; null otherwise. */
  private FusedLstmProfile profile;

  public FusedLstmEngine(MultiLayerNetwork net, Architecture a) {
    this(net, a, FusedLstmLayer.CALIBRATED);
  }

  /**
   * The fused engine for a model of any variant: on the Vector API where
   * {@link VectorKernels#usable()} ({@link VectorKernels#engine}); otherwise this one, or
   * {@link ConditionalFusedEngine} for the conditional variant.
   */
  public static ReconstructionEngine forModel(MultiLayerNetwork net, Architecture a) {
    if (VectorKernels.usable()) {
      return VectorKernels.engine(net, a);
    }
    return a.variant() == Variant.CONDITIONAL ? new ConditionalFusedEngine(net, a) : new FusedLstmEngine(net, a);
  }

  private FusedLstmEngine(MultiLayerNetwork net, Architecture a, int gemvMaxBatch) {
    if (a.variant() == Variant.CONDITIONAL) {
      throw new IllegalArgumentException("the conditional variant has its own fused engine (ConditionalFusedEngine)");
    }
    this.gemvMaxBatch = gemvMaxBatch;
    this.length = a.windowLength();
    this.outWidth = a.outputWidth();
    this.latent = a.variant() == Variant.LATENT;
    this.firstDecoded = a.firstDecodedStep();
    Map<String, INDArray> p = net.paramTable();
    encoder = new FusedEncoder(p, a);
    dec1 = new FusedLstmLayer(p, AutoencoderFactory.DECODER_1);
    dec2 = new FusedLstmLayer(p, AutoencoderFactory.DECODER_2);
    outW = p.get(AutoencoderFactory.OUTPUT + "_W").castTo(DataType.FLOAT).dup('c');
    outWp = (FloatPointer) outW.data().addressPointer();
    outB = p.get(AutoencoderFactory.OUTPUT + "_b").castTo(DataType.FLOAT).toFloatVector();
  }

  /** The engine with one GEMM per step at every batch size, for the tests of both product paths. */
  static FusedLstmEngine gemmOnly(MultiLayerNetwork net, Architecture a) {
    return new FusedLstmEngine(net, a, 0);
  }

  /**
   * The engine with matrix-vector products up to batch 8 and one GEMM beyond, untimed (the rule
   * before the choice was timed), for the tests of both product paths.
   */
  static FusedLstmEngine gemvUpTo8(MultiLayerNetwork net, Architecture a) {
    return new FusedLstmEngine(net, a, GEMV_MAX_BATCH);
  }

  /**
   * Adds the timing breakdown of every later call to {@code p} (the benchmark's --profile), or,
   * given null, stops timing.
   */
  public void profile(FusedLstmProfile p) {
    profile = p;
    FusedLstmLayer[] layers = {encoder.first, encoder.second, dec1, dec2};
    for (int l = 0; l < layers.length; l++) {
      layers[l].profile = p == null ? null : p.new Layer(l);
    }
  }

  @Override
  public String name() {
    return switch (gemvMaxBatch) {
      case FusedLstmLayer.CALIBRATED -> "fused";
      case 0 -> "fused (GEMM only)";
      default -> "fused (GEMV up to batch " + gemvMaxBatch + ")";
    };
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch) {
    return reconstruct(normalised, batch, null);
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch, float[] embeddings) {
    return reconstruct(normalised, batch, embeddings, null);
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch, float[] embeddings, float[] targets) {
    if (targets != null && !latent) {
      throw new IllegalArgumentException("only a latent-target model has targets");
    }
    float[] out = new float[batch * outWidth * length];
    inChunks(batch, (from, n) -> reconstructChunk(normalised, from, n, out, embeddings, targets));
    return out;
  }

  /** One chunk of a batch: windows {@code from} to {@code from + n}. */
  interface Chunk {
    void run(int from, int n);
  }

  /** Runs a batch in chunks of at most {@link #CHUNK_SIZE} windows, which bound the scratch memory. */
  static void inChunks(int batch, Chunk chunk) {
    for (int from = 0; from < batch; from += CHUNK_SIZE) {
      chunk.run(from, Math.min(CHUNK_SIZE, batch - from));
    }
  }

  /**
   * For variants whose decoder starts at step {@code firstDecoded} > 0: windows {@code from} to
   * {@code from + n} get their context steps back as they went in (only variants that rebuild the
   * input have them, so the output's {@code width} is then the input's features).
   */
  static void copyContext(float[] in, float[] out, int from, int n, int width, int length, int firstDecoded) {
    for (int b = 0; firstDecoded > 0 && b < n; b++) {
      int base = (from + b) * width * length;
      for (int j = 0; j < width; j++) {
        System.arraycopy(in, base + j * length, out, base + j * length, firstDecoded);
      }
    }
  }

  private void reconstructChunk(float[] in, int from, int n, float[] out, float[] embeddings, float[] targets) {
    FusedLstmProfile prof = profile;
    int t = length;
    int td = length - firstDecoded;
    int f = outWidth;
    Buffers buf = buffers.atLeast(n);
    FloatPointer embedding = encoder.encode(in, from, n, gemvMaxBatch, prof);
    int e = encoder.second.hidden;
    if (embeddings != null) {
      // [n, E], row-major: window b's embedding is row b.
      embedding.position(0).get(embeddings, from * e, n * e);
    }
    if (targets != null) {
      latentTargets(n, from, targets, buf);
    }
    // The first decoder layer sees the embedding at every step: one projection for all of them.
    int rows = td * n;
    dec1.project(embedding, n, buf.xw1);
    dec1.run(buf.xw1, true, n, td, buf.d1, gemvMaxBatch);
    dec2.project(buf.d1, rows, buf.xw2);
    dec2.run(buf.xw2, false, n, td, buf.d2, gemvMaxBatch);
    int h = dec2.hidden;
    long lap = prof == null ? 0 : System.nanoTime();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, f, h, 1f, buf.d2, h, outWp, f, 0f, buf.y, f);
    if (prof != null) {
      lap = prof.lap(FusedLstmProfile.EnginePart.OUTPUT_PRODUCT, lap);
    }
    float[] y = buf.yj;
    buf.y.get(y, 0, rows * f);
    copyContext(in, out, from, n, f, t, firstDecoded);
    for (int s = 0; s < td; s++) {
      for (int b = 0; b < n; b++) {
        int base = (from + b) * f * t + firstDecoded;
        for (int j = 0; j < f; j++) {
          out[base + j * t + s] = y[(s * n + b) * f + j] + outB[j];
        }
      }
    }
    if (prof != null) {
      prof.lap(FusedLstmProfile.EnginePart.OUTPUT_COPY, lap);
      prof.countBatch();
    }
  }

  /** The encoder's first-layer outputs, time-major, into {@code targets} as [batch][2E][time]. */
  private void latentTargets(int n, int from, float[] targets, Buffers buf) {
    int w = outWidth;
    float[] h1 = buf.yj;
    encoder.firstLayerOutputs().position(0).get(h1, 0, length * n * w);
    WindowTensors.fromTimeMajor(h1, w, n, length, w, targets, from);
  }

  /** The decoder's projection, hidden-sequence and output memory (see {@link ScratchMemory}). */
  private final class Buffers {
    final float[] yj;
    final FloatPointer xw1;
    final FloatPointer xw2;
    final FloatPointer d1;
    final FloatPointer d2;
    final FloatPointer y;

    Buffers(int n) {
      long rows = (long) length * n;
      yj = new float[(int) rows * outWidth];
      xw1 = new FloatPointer(4L * n * dec1.hidden);
      xw2 = new FloatPointer(rows * 4 * dec2.hidden);
      d1 = new FloatPointer(rows * dec1.hidden);
      d2 = new FloatPointer(rows * dec2.hidden);
      y = new FloatPointer(rows * outWidth);
    }
  }
}

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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores the conditional variant ({@link Variant#CONDITIONAL}) as Malhotra et al. do: the decoder
 * starts from the encoder's last state and rebuilds the window backwards, each step reading its
 * own previous output. That output is linear in the previous hidden state (y = h Wout + bout), so
 * feeding it back is the same as a decoder with no input whose recurrent weights are RW + Wout W
 * and bias b + bout W: the decoder runs as one more {@link FusedLstmLayer}, on OpenBLAS, with no
 * per-step output product. One instance per thread.
 */
public final class ConditionalFusedEngine implements ReconstructionEngine {
  private final int length;
  private final int features;
  private final int embedding;
  private final FusedEncoder encoder;
  /** The decoder with its own output folded into its recurrence; its input weights are zero and unused. */
  private final FusedLstmLayer decoder;
  /** Kept so that the native memory behind {@link #outWp} stays alive. */
  private final INDArray outW;
  private final FloatPointer outWp;
  private final float[] outB;
  private final ScratchMemory<Buffers> buffers = new ScratchMemory<>(Buffers::new);

  public ConditionalFusedEngine(MultiLayerNetwork net, Architecture a) {
    if (a.variant() != Variant.CONDITIONAL) {
      throw new IllegalArgumentException("not a conditional architecture: " + a);
    }
    this.length = a.windowLength();
    this.features = a.features();
    this.embedding = a.embedding();
    Map<String, INDArray> p = net.paramTable();
    encoder = new FusedEncoder(p, a);
    INDArray[] folded = foldedDecoder(p);
    decoder = new FusedLstmLayer(Nd4j.zeros(DataType.FLOAT, 1, 4L * embedding), folded[0], folded[1],
        "conditional decoder");
    int o = AutoencoderFactory.CONDITIONAL_OUTPUT;
    outW = p.get(o + "_W").castTo(DataType.FLOAT).dup('c');
    outWp = (FloatPointer) outW.data().addressPointer();
    outB = p.get(o + "_b").castTo(DataType.FLOAT).toFloatVector();
  }

  /**
   * The decoder's recurrent weights and bias with its fed-back output folded in, in DL4J's layout
   * ([E, 4E] and [1, 4E]): RW + Wout W and b + bout W, computed in double so that the only rounding
   * left is float's when they are used.
   */
  public static INDArray[] foldedDecoder(Map<String, INDArray> p) {
    int d = AutoencoderFactory.CONDITIONAL_DECODER;
    int o = AutoencoderFactory.CONDITIONAL_OUTPUT;
    INDArray w = p.get(d + "_W").castTo(DataType.DOUBLE);
    INDArray wOut = p.get(o + "_W").castTo(DataType.DOUBLE);
    INDArray bOut = p.get(o + "_b").castTo(DataType.DOUBLE).reshape(1, -1);
    return new INDArray[] {p.get(d + "_RW").castTo(DataType.DOUBLE).add(wOut.mmul(w)),
        p.get(d + "_b").castTo(DataType.DOUBLE).reshape(1, -1).add(bOut.mmul(w))};
  }

  @Override
  public String name() {
    return "fused (conditional decoder)";
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch) {
    return reconstruct(normalised, batch, null);
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch, float[] embeddings) {
    float[] out = new float[batch * features * length];
    FusedLstmEngine.inChunks(batch, (from, n) -> reconstructChunk(normalised, from, n, out, embeddings));
    return out;
  }

  private void reconstructChunk(float[] in, int from, int n, float[] out, float[] embeddings) {
    int t = length;
    int f = features;
    int e = embedding;
    Buffers buf = buffers.atLeast(n);
    FloatPointer last = encoder.encode(in, from, n, FusedLstmLayer.CALIBRATED, null);
    float[] hLast = new float[n * e];
    last.position(0).get(hLast, 0, n * e);
    float[] cLast = java.util.Arrays.copyOf(encoder.lastCell(), n * e);
    if (embeddings != null) {
      System.arraycopy(hLast, 0, embeddings, from * e, n * e);
    }
    // Decoder step 0's state is the encoder's; steps 1..t-1 come from the folded recurrence. The
    // encoder's native last state stays as it is until the next encode: step 0's output reads it.
    decoder.run(buf.zeros, true, n, t - 1, buf.states, FusedLstmLayer.CALIBRATED, hLast, cLast);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, f, e, 1f, last.position(0), e, outWp, f, 0f, buf.y, f);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (t - 1) * n, f, e, 1f, buf.states, e, outWp, f, 0f,
        buf.yRest, f);
    float[] y = buf.yj;
    buf.y.get(y, 0, n * f);
    buf.yRest.get(y, n * f, (t - 1) * n * f);
    // Decoder step k stands for window step t-1-k.
    for (int k = 0; k < t; k++) {
      int s = t - 1 - k;
      for (int b = 0; b < n; b++) {
        int base = (from + b) * f * t;
        for (int j = 0; j < f; j++) {
          out[base + j * t + s] = y[(k * n + b) * f + j] + outB[j];
        }
      }
    }
  }

  /** Native and Java scratch memory (see {@link ScratchMemory}). */
  private final class Buffers {
    final float[] yj;
    final FloatPointer zeros;
    final FloatPointer states;
    final FloatPointer y;
    final FloatPointer yRest;

    Buffers(int n) {
      long rows = (long) length * n;
      yj = new float[(int) rows * features];
      zeros = new FloatPointer(4L * n * embedding);
      zeros.fill(0);
      states = new FloatPointer(rows * embedding);
      y = new FloatPointer((long) n * features);
      yRest = new FloatPointer(rows * features);
    }
  }
}

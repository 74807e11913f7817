package org.ecgstream.model.scoring;

import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.nn.WindowTensors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused engine's structure ({@link FusedLstmEngine}: the encoder, a decoder whose first layer
 * sees the same embedding at every step, one output layer) with every LSTM step done by
 * {@link VectorLstmLayer}: all in Java arrays, no native memory, no BLAS. Layer by layer, as
 * there; each layer reads its input projections a few steps ahead of its recurrence. Every variant
 * but the conditional one. One instance per thread.
 *
 * <p>It needs the JVM started with {@code --add-modules jdk.incubator.vector}; build it through
 * {@link FusedLstmEngine#forModel}, which checks ({@link VectorKernels}).
 */
public final class VectorLstmEngine implements ReconstructionEngine {
  private static final int L = VectorLstmLayer.S.length();

  private final int length;
  private final int features;
  private final int steps;
  private final int firstDecoded;
  /** Values per step the output layer produces: the features, or 2E for the latent-target variant. */
  private final int outWidth;
  private final boolean latent;
  private final VectorEncoder encoder;
  private final VectorLstmLayer dec1;
  private final VectorLstmLayer dec2;
  /** The output layer as a product, when it has at least a vector's worth of outputs; else null. */
  private final VectorDense dense;
  /** The output layer's weights for the dot products, [output][dec2.padded] (zero-padded); null with {@link #dense}. */
  private final float[] outW;
  private final float[] outB;
  private final ScratchMemory<Buffers> buffers = new ScratchMemory<>(Buffers::new);
  /** {@link #dot}'s scratch. */
  private final float[] lanes = new float[L];

  public VectorLstmEngine(MultiLayerNetwork net, Architecture a) {
    if (a.variant() == Variant.CONDITIONAL) {
      throw new IllegalArgumentException("the conditional variant has its own engine (VectorConditionalEngine)");
    }
    length = a.windowLength();
    features = a.features();
    steps = a.encoderSteps();
    firstDecoded = a.firstDecodedStep();
    outWidth = a.outputWidth();
    latent = a.variant() == Variant.LATENT;
    Map<String, INDArray> p = net.paramTable();
    encoder = new VectorEncoder(p, a);
    dec1 = VectorEncoder.layer(p, AutoencoderFactory.DECODER_1, encoder.second.padded);
    dec2 = VectorEncoder.layer(p, AutoencoderFactory.DECODER_2, dec1.padded);
    float[][] w = p.get(AutoencoderFactory.OUTPUT + "_W").castTo(DataType.FLOAT).toFloatMatrix();
    outB = p.get(AutoencoderFactory.OUTPUT + "_b").castTo(DataType.FLOAT).reshape(-1).toFloatVector();
    // Many outputs per step (the latent-target variant's 2E): one product per step for all of
    // them. A few (the features): a dot product each.
    dense = outWidth >= L ? new VectorDense(w, outB, dec2.padded) : null;
    outW = dense != null ? null : new float[outWidth * dec2.padded];
    for (int k = 0; dense == null && k < w.length; k++) {
      for (int j = 0; j < outWidth; j++) {
        outW[j * dec2.padded + k] = w[k][j];
      }
    }
  }

  @Override
  public String name() {
    return "fused (Vector API)";
  }

  @Override
  public boolean usesOpenBlas() {
    return false;
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
    FusedLstmEngine.inChunks(batch, (from, n) -> reconstructChunk(normalised, from, n, out, embeddings, targets));
    return out;
  }

  private void reconstructChunk(float[] in, int from, int n, float[] out, float[] embeddings, float[] targets) {
    Buffers buf = buffers.atLeast(n);
    int last = encoder.encode(in, from, n, buf.x, buf.h1, buf.h2, embeddings);
    if (targets != null) {
      // The encoder's first-layer outputs, [batch][2E][time].
      WindowTensors.fromTimeMajor(buf.h1, encoder.first.padded, n, length, outWidth, targets, from);
    }
    int td = length - firstDecoded;
    int q2 = dec2.padded;
    // The first decoder layer sees the embedding at every step: one projection for all of them.
    dec1.runRepeated(buf.h2, last, n, td, buf.d1);
    dec2.run(buf.d1, n, td, buf.d2);
    FusedLstmEngine.copyContext(in, out, from, n, outWidth, length, firstDecoded);
    for (int s = 0; s < td; s++) {
      if (dense != null) {
        dense.apply(buf.d2, s * n * q2, q2, n, buf.y);
      }
      for (int b = 0; b < n; b++) {
        int row = (s * n + b) * q2;
        int base = (from + b) * outWidth * length + firstDecoded + s;
        for (int j = 0; j < outWidth; j++) {
          out[base + j * length] = dense != null ? buf.y[b * dense.width + j]
              : dot(buf.d2, row, outW, j * q2, q2, lanes) + outB[j];
        }
      }
    }
  }

  /**
   * The sum of {@code len} products (a multiple of the vector length), its lanes added in index
   * order through {@code lanes} (one vector's worth of scratch). Not {@code reduceLanes(ADD)}: that
   * may add floats in any order, and the interpreter's order is not C2's, so a window's score
   * would change in its last bits once the code is compiled.
   */
  static float dot(float[] a, int ao, float[] b, int bo, int len, float[] lanes) {
    VectorSpecies<Float> s = VectorLstmLayer.S;
    FloatVector acc = FloatVector.zero(s);
    for (int k = 0; k < len; k += L) {
      acc = FloatVector.fromArray(s, a, ao + k).fma(FloatVector.fromArray(s, b, bo + k), acc);
    }
    acc.intoArray(lanes, 0);
    float sum = 0;
    for (int i = 0; i < L; i++) {
      sum += lanes[i];
    }
    return sum;
  }

  /** Inputs and hidden sequences for up to a number of windows (see {@link ScratchMemory}). */
  private final class Buffers {
    final float[] x;
    final float[] h1;
    final float[] h2;
    final float[] d1;
    final float[] d2;
    /** One step's outputs of the {@link #dense} output layer, [n][width]. */
    final float[] y;

    Buffers(int n) {
      int td = length - firstDecoded;
      x = new float[steps * n * features];
      h1 = new float[steps * n * encoder.first.padded];
      h2 = new float[steps * n * encoder.second.padded];
      d1 = new float[td * n * dec1.padded];
      d2 = new float[td * n * dec2.padded];
      y = dense == null ? null : new float[n * dense.width];
    }
  }
}

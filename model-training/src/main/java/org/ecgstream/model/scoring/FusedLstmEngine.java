package org.ecgstream.model.scoring;

import java.nio.FloatBuffer;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
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
 *   <li>all four gates of a step come from one GEMM, then one vectorised tanh (cell input) and one
 *       vectorised sigmoid (forget, output and input gates) on views of its result.</li>
 * </ul>
 * Outputs match {@link Dl4jEngine} to float rounding. One instance per thread.
 */
public final class FusedLstmEngine implements ReconstructionEngine {
  /** Large batches are processed in chunks of this many windows to bound scratch memory. */
  static final int CHUNK = 128;

  private final int length;
  private final int features;
  private final Layer enc1;
  private final Layer enc2;
  private final Layer dec1;
  private final Layer dec2;
  private final INDArray outW;
  private final INDArray outB;

  /** One LSTM layer's weights in DL4J's gate order [g, f, o, i]. */
  private record Layer(int hidden, INDArray w, INDArray rw, INDArray b) {
    static Layer of(Map<String, INDArray> params, int index) {
      INDArray w = params.get(index + "_W").castTo(DataType.FLOAT).dup('c');
      INDArray rw = params.get(index + "_RW").castTo(DataType.FLOAT).dup('c');
      INDArray b = params.get(index + "_b").castTo(DataType.FLOAT).dup('c').reshape(1, -1);
      int h = (int) rw.rows();
      if (rw.columns() != 4L * h) {
        throw new IllegalArgumentException("layer " + index + " is not a peephole-free LSTM (RW is " + rw.shapeInfoToString() + ")");
      }
      return new Layer(h, w, rw, b);
    }
  }

  public FusedLstmEngine(MultiLayerNetwork net, Architecture a) {
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

  @Override
  public String name() {
    return "fused";
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
    // Time-major input rows: row s*n + b holds window b's features at step s.
    float[] x = new float[t * n * f];
    for (int b = 0; b < n; b++) {
      int base = (from + b) * f * t;
      for (int j = 0; j < f; j++) {
        for (int s = 0; s < t; s++) {
          x[(s * n + b) * f + j] = in[base + j * t + s];
        }
      }
    }
    INDArray xs = Nd4j.create(x, new long[] {(long) t * n, f}, 'c');

    INDArray h1 = run(enc1, projection(xs, enc1), n, t, true);
    INDArray h2 = run(enc2, projection(h1, enc2), n, t, false);
    // h2 holds only the last step: the embedding. The decoder's first layer sees it at every step.
    INDArray embeddedProjection = projection(h2, dec1);
    INDArray d1 = run(dec1, embeddedProjection, n, t, true);
    INDArray d2 = run(dec2, projection(d1, dec2), n, t, true);
    INDArray y = d2.mmul(outW).addiRowVector(outB);
    FloatBuffer yb = y.data().asNioFloat();
    for (int s = 0; s < t; s++) {
      for (int b = 0; b < n; b++) {
        int base = (from + b) * f * t;
        for (int j = 0; j < f; j++) {
          out[base + j * t + s] = yb.get((s * n + b) * f + j);
        }
      }
    }
  }

  /** Input rows times the layer's input weights, plus its bias: [rows, 4H]. */
  private static INDArray projection(INDArray inputRows, Layer l) {
    return inputRows.mmul(l.w).addiRowVector(l.b);
  }

  /**
   * Runs a layer's recurrence. {@code xw} holds the input projection of every step ([t*n, 4H],
   * time-major) or, with n rows, one projection used at every step. Returns all hidden states
   * ([t*n, H]) or only the last ([n, H]).
   */
  private static INDArray run(Layer l, INDArray xw, int n, int t, boolean allSteps) {
    int h = l.hidden;
    boolean repeated = xw.rows() == n;
    INDArray hPrev = Nd4j.zeros(DataType.FLOAT, n, h);
    INDArray z = Nd4j.create(DataType.FLOAT, new long[] {n, 4L * h}, 'c');
    INDArray c = Nd4j.zeros(DataType.FLOAT, n, h);
    INDArray tc = Nd4j.create(DataType.FLOAT, new long[] {n, h}, 'c');
    INDArray hs = allSteps ? Nd4j.create(DataType.FLOAT, new long[] {(long) t * n, h}, 'c') : null;
    INDArray gBlock = z.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
    INDArray gates = z.get(NDArrayIndex.all(), NDArrayIndex.interval(h, 4 * h));
    FloatBuffer zb = z.data().asNioFloat();
    FloatBuffer cb = c.data().asNioFloat();
    FloatBuffer tb = tc.data().asNioFloat();
    FloatBuffer hb = hPrev.data().asNioFloat();
    FloatBuffer xb = xw.data().asNioFloat();
    FloatBuffer allb = allSteps ? hs.data().asNioFloat() : null;
    for (int s = 0; s < t; s++) {
      if (s == 0) {
        z.assign(0);
      } else {
        Nd4j.gemm(hPrev, l.rw, z, false, false, 1.0, 0.0);
      }
      int xoff = repeated ? 0 : s * n * 4 * h;
      for (int k = 0; k < n * 4 * h; k++) {
        zb.put(k, zb.get(k) + xb.get(xoff + k));
      }
      Nd4j.getExecutioner().exec(new Tanh(gBlock, gBlock));
      Nd4j.getExecutioner().exec(new Sigmoid(gates, gates));
      for (int b = 0; b < n; b++) {
        int zr = b * 4 * h;
        int cr = b * h;
        for (int j = 0; j < h; j++) {
          float g = zb.get(zr + j);
          float fg = zb.get(zr + h + j);
          float ig = zb.get(zr + 3 * h + j);
          cb.put(cr + j, fg * cb.get(cr + j) + ig * g);
        }
      }
      Nd4j.getExecutioner().exec(new Tanh(c, tc));
      int hoff = s * n * h;
      for (int b = 0; b < n; b++) {
        int zr = b * 4 * h;
        int cr = b * h;
        for (int j = 0; j < h; j++) {
          float v = zb.get(zr + 2 * h + j) * tb.get(cr + j);
          hb.put(cr + j, v);
          if (allSteps) {
            allb.put(hoff + cr + j, v);
          }
        }
      }
    }
    return allSteps ? hs : hPrev;
  }
}

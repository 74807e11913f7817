package org.ecgstream.model.scoring;

import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.Variant;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConditionalFusedEngine} on Java's Vector API: the same decoder, with its fed-back output
 * folded into the recurrence ({@link ConditionalFusedEngine#foldedDecoder}), run by
 * {@link VectorLstmLayer} from the encoder's last state; the encoder as in
 * {@link VectorLstmEngine}. All in Java arrays. One instance per thread; build it through
 * {@link FusedLstmEngine#forModel}, which checks that the JVM has the module.
 */
public final class VectorConditionalEngine implements ReconstructionEngine {
  private final int length;
  private final int features;
  private final VectorEncoder encoder;
  /** The decoder with its own output folded into its recurrence; it has no input. */
  private final VectorLstmLayer decoder;
  private final VectorOutputLayer output;
  private final ScratchMemory<Buffers> buffers = new ScratchMemory<>(Buffers::new);

  public VectorConditionalEngine(MultiLayerNetwork net, Architecture a) {
    if (a.variant() != Variant.CONDITIONAL) {
      throw new IllegalArgumentException("not a conditional architecture: " + a);
    }
    length = a.windowLength();
    features = a.features();
    Map<String, INDArray> p = net.paramTable();
    encoder = new VectorEncoder(p, a);
    INDArray[] folded = ConditionalFusedEngine.foldedDecoder(p);
    decoder = new VectorLstmLayer(Nd4j.zeros(DataType.FLOAT, 1, 4L * a.embedding()), folded[0], folded[1], 1);
    VectorLstmLayer enc2 = encoder.second;
    if (decoder.padded != enc2.padded) {
      // The decoder starts from the encoder's state, and its states and the encoder's last one
      // are read with one row width below.
      throw new IllegalArgumentException("the decoder has " + decoder.hidden + " units, the encoder's last layer "
          + enc2.hidden);
    }
    int o = AutoencoderFactory.CONDITIONAL_OUTPUT;
    output = new VectorOutputLayer(p.get(o + "_W"), p.get(o + "_b"), decoder.padded);
  }

  @Override
  public String name() {
    return "fused (conditional decoder, Vector API)";
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
    float[] out = new float[batch * features * length];
    FusedLstmEngine.inChunks(batch, (from, n) -> reconstructChunk(normalised, from, n, out, embeddings));
    return out;
  }

  private void reconstructChunk(float[] in, int from, int n, float[] out, float[] embeddings) {
    Buffers buf = buffers.atLeast(n);
    int last = encoder.encode(in, from, n, embeddings);
    int p = decoder.padded;
    // Decoder step 0's state is the encoder's last; steps 1 to t - 1 come from the folded recurrence.
    decoder.runFromState(encoder.states(), last, encoder.second.lastCells(), n, length - 1, buf.states);
    // Decoder step k stands for window step t - 1 - k.
    for (int k = 0; k < length; k++) {
      if (k == 0) {
        output.apply(encoder.states(), last, n, buf.y);
      } else {
        output.apply(buf.states, (k - 1) * n * p, n, buf.y);
      }
      for (int b = 0; b < n; b++) {
        int base = (from + b) * features * length + length - 1 - k;
        for (int j = 0; j < features; j++) {
          out[base + j * length] = buf.y[b * features + j];
        }
      }
    }
  }

  /** The decoder's states and one step's outputs for up to a number of windows ({@link ScratchMemory}). */
  private final class Buffers {
    final float[] states;
    final float[] y;

    Buffers(int n) {
      states = new float[(length - 1) * n * decoder.padded];
      y = new float[n * features];
    }
  }
}

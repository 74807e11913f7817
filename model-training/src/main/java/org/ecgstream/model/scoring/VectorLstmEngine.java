package org.ecgstream.model.scoring;

import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.nn.WindowTensors;
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
  private final int length;
  private final int firstDecoded;
  /** Values per step the output layer produces: the features, or 2E for the latent-target variant. */
  private final int outWidth;
  private final boolean latent;
  private final VectorEncoder encoder;
  private final VectorLstmLayer dec1;
  private final VectorLstmLayer dec2;
  private final VectorOutputLayer output;
  private final ScratchMemory<Buffers> buffers = new ScratchMemory<>(Buffers::new);

  public VectorLstmEngine(MultiLayerNetwork net, Architecture a) {
    if (a.variant() == Variant.CONDITIONAL) {
      throw new IllegalArgumentException("the conditional variant has its own engine (VectorConditionalEngine)");
    }
    length = a.windowLength();
    firstDecoded = a.firstDecodedStep();
    outWidth = a.outputWidth();
    latent = a.variant() == Variant.LATENT;
    Map<String, INDArray> p = net.paramTable();
    encoder = new VectorEncoder(p, a);
    dec1 = VectorEncoder.layer(p, AutoencoderFactory.DECODER_1, encoder.second.padded);
    dec2 = VectorEncoder.layer(p, AutoencoderFactory.DECODER_2, dec1.padded);
    output = new VectorOutputLayer(p.get(AutoencoderFactory.OUTPUT + "_W"), p.get(AutoencoderFactory.OUTPUT + "_b"),
        dec2.padded);
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
    int last = encoder.encode(in, from, n, embeddings);
    if (targets != null) {
      // The encoder's first-layer outputs, [batch][2E][time].
      WindowTensors.fromTimeMajor(encoder.firstStates(), encoder.first.padded, n, length, outWidth, targets, from);
    }
    int td = length - firstDecoded;
    // The first decoder layer sees the embedding at every step: one projection for all of them.
    dec1.runRepeated(encoder.states(), last, n, td, buf.d1);
    dec2.run(buf.d1, n, td, buf.d2);
    FusedLstmEngine.copyContext(in, out, from, n, outWidth, length, firstDecoded);
    for (int s = 0; s < td; s++) {
      output.apply(buf.d2, s * n * dec2.padded, n, buf.y);
      for (int b = 0; b < n; b++) {
        int base = (from + b) * outWidth * length + firstDecoded + s;
        for (int j = 0; j < outWidth; j++) {
          out[base + j * length] = buf.y[b * outWidth + j];
        }
      }
    }
  }

  /** The decoder's hidden sequences and one step's outputs for up to a number of windows ({@link ScratchMemory}). */
  private final class Buffers {
    final float[] d1;
    final float[] d2;
    final float[] y;

    Buffers(int n) {
      int td = length - firstDecoded;
      d1 = new float[td * n * dec1.padded];
      d2 = new float[td * n * dec2.padded];
      y = new float[n * outWidth];
    }
  }
}

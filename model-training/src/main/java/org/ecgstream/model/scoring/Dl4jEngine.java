package org.ecgstream.model.scoring;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.Variant;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Reconstructs with DL4J's own {@link MultiLayerNetwork} (the path cuDNN accelerates on CUDA). */
public final class Dl4jEngine implements ReconstructionEngine {
  private final MultiLayerNetwork net;
  private final int features;
  private final int length;
  private final int encoderSteps;
  private final int firstDecoded;
  private final boolean latent;

  public Dl4jEngine(MultiLayerNetwork net, Architecture a) {
    if (!a.variant().dl4jScores()) {
      throw new IllegalArgumentException("the DL4J engine cannot score the CONDITIONAL variant (DL4J has no layer "
          + "that feeds its output back); score it with the fused engine");
    }
    this.net = net;
    this.length = a.windowLength();
    this.features = a.features();
    this.encoderSteps = a.encoderSteps();
    this.firstDecoded = a.firstDecodedStep();
    this.latent = a.variant() == Variant.LATENT;
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
    INDArray window = Nd4j.create(normalised, new long[] {batch, features, length}, 'c');
    INDArray in = encoderSteps == length ? window
        : window.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, encoderSteps)).dup('c');
    float[] decoded;
    if (embeddings == null && targets == null) {
      INDArray out = net.output(in, false);
      decoded = out.dup('c').data().asFloat();
      out.close();
    } else {
      // One forward pass for all: activations are indexed from the input (0), so a layer's output
      // is at its index + 1 and the network's output last.
      List<INDArray> acts = net.feedForward(in, false);
      if (embeddings != null) {
        float[] e = acts.get(AutoencoderFactory.ENCODER_2 + 1).dup('c').data().asFloat();
        System.arraycopy(e, 0, embeddings, 0, e.length);
      }
      if (targets != null) {
        // [batch, 2E, time], as the output.
        float[] h1 = acts.get(AutoencoderFactory.ENCODER_1 + 1).dup('c').data().asFloat();
        System.arraycopy(h1, 0, targets, 0, h1.length);
      }
      decoded = acts.get(acts.size() - 1).dup('c').data().asFloat();
    }
    in.close();
    if (in != window) {
      window.close();
    }
    return firstDecoded == 0 ? decoded : withContext(normalised, decoded, batch);
  }

  /** The whole window: the context steps as they came in, then the decoder's steps. */
  private float[] withContext(float[] normalised, float[] decoded, int batch) {
    int steps = length - firstDecoded;
    float[] out = new float[batch * features * length];
    for (int row = 0; row < batch * features; row++) {
      System.arraycopy(normalised, row * length, out, row * length, firstDecoded);
      System.arraycopy(decoded, row * steps, out, row * length + firstDecoded, steps);
    }
    return out;
  }

  @Override
  public String name() {
    return "dl4j";
  }
}

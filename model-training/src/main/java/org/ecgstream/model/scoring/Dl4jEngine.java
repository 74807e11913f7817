package org.ecgstream.model.scoring;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reconstructs with DL4J's own {@link MultiLayerNetwork} (the path cuDNN accelerates on CUDA). */
public final class Dl4jEngine implements ReconstructionEngine {
  private final MultiLayerNetwork net;
  private final int features;
  private final int length;

  public Dl4jEngine(MultiLayerNetwork net, int length, int features) {
    this.net = net;
    this.length = length;
    this.features = features;
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch) {
    return reconstruct(normalised, batch, null);
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch, float[] embeddings) {
    INDArray in = Nd4j.create(normalised, new long[] {batch, features, length}, 'c');
    INDArray out = net.output(in, false);
    float[] result = out.dup('c').data().asFloat();
    if (embeddings != null) {
      // Activations are indexed from the input (0): the second encoder layer's output is at +1.
      float[] e = net.feedForwardToLayer(AutoencoderFactory.ENCODER_2, in).get(AutoencoderFactory.ENCODER_2 + 1)
          .dup('c').data().asFloat();
      System.arraycopy(e, 0, embeddings, 0, e.length);
    }
    in.close();
    out.close();
    return result;
  }

  @Override
  public String name() {
    return "dl4j";
  }
}

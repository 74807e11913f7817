package org.ecgstream.model.scoring;

import java.util.List;
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
    if (embeddings == null) {
      INDArray out = net.output(in, false);
      float[] result = out.dup('c').data().asFloat();
      in.close();
      out.close();
      return result;
    }
    // One forward pass for both: activations are indexed from the input (0), so the second
    // encoder layer's output is at +1 and the network's output last.
    List<INDArray> acts = net.feedForward(in, false);
    float[] e = acts.get(AutoencoderFactory.ENCODER_2 + 1).dup('c').data().asFloat();
    System.arraycopy(e, 0, embeddings, 0, e.length);
    float[] result = acts.get(acts.size() - 1).dup('c').data().asFloat();
    in.close();
    return result;
  }

  @Override
  public String name() {
    return "dl4j";
  }
}

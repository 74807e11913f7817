package org.ecgstream.model.nn;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** DL4J's own training: {@code MultiLayerNetwork.fit} with the network's Adam updater. */
final class Dl4jFitter implements BatchFitter {
  private final MultiLayerNetwork net;
  private final Architecture arch;
  private INDArray best;

  Dl4jFitter(MultiLayerNetwork net, Architecture arch) {
    if (!arch.variant().dl4jTrains()) {
      throw new IllegalArgumentException("the DL4J training engine cannot train the " + arch.variant() + " variant ("
          + (arch.variant().dl4jScores() ? "its first layer is frozen and its outputs are the targets"
              : "DL4J has no layer whose decoder starts from another layer's state") + "); train it with --engine BACKPROP");
    }
    this.net = net;
    this.arch = arch;
  }

  @Override
  public double fit(float[] batch, int n) {
    net.fit(pair(batch, n));
    return net.score();
  }

  @Override
  public double meanLoss(float[] windows, int n) {
    return net.score(pair(windows, n), false);
  }

  @Override
  public void keepBest() {
    best = net.params().dup();
  }

  @Override
  public MultiLayerNetwork best() {
    net.setParams(best);
    return net;
  }

  /** What the encoder reads and what the decoder should produce, as the variant splits the windows. */
  private DataSet pair(float[] data, int n) {
    INDArray x = Nd4j.create(data, new long[] {n, arch.features(), arch.windowLength()}, 'c');
    if (arch.encoderSteps() == arch.windowLength() && arch.firstDecodedStep() == 0) {
      return new DataSet(x, x);
    }
    INDArray in = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, arch.encoderSteps())).dup('c');
    INDArray out = x.get(NDArrayIndex.all(), NDArrayIndex.all(),
        NDArrayIndex.interval(arch.firstDecodedStep(), arch.windowLength())).dup('c');
    return new DataSet(in, out);
  }
}

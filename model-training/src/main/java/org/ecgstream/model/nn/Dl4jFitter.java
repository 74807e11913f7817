package org.ecgstream.model.nn;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** DL4J's own training: {@code MultiLayerNetwork.fit} with the network's Adam updater. */
final class Dl4jFitter implements BatchFitter {
  private final MultiLayerNetwork net;
  private final Architecture arch;
  private INDArray best;

  Dl4jFitter(MultiLayerNetwork net, Architecture arch) {
    this.net = net;
    this.arch = arch;
  }

  @Override
  public double fit(float[] batch, int n) {
    INDArray x = tensor(batch, n);
    net.fit(new DataSet(x, x));
    return net.score();
  }

  @Override
  public double meanLoss(float[] windows, int n) {
    INDArray x = tensor(windows, n);
    return net.score(new DataSet(x, x), false);
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

  private INDArray tensor(float[] data, int n) {
    return Nd4j.create(data, new long[] {n, arch.features(), arch.windowLength()}, 'c');
  }
}

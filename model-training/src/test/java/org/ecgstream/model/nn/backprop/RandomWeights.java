package org.ecgstream.model.nn.backprop;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Random weights on every parameter (biases too), so that no gate's gradient is trivially zero. */
final class RandomWeights {
  private RandomWeights() {}

  /** Sets every parameter in {@code keys} to normal values of sd 0.5; returns the generator for more draws. */
  static Random set(MultiLayerNetwork net, List<String> keys, long seed) {
    Random r = new Random(seed);
    for (String key : keys) {
      INDArray p = net.getParam(key);
      float[] v = new float[(int) p.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (r.nextGaussian() * 0.5);
      }
      net.setParam(key, Nd4j.create(v, p.shape(), 'c'));
    }
    return r;
  }

  /** {@code n} windows of {@code arch}'s shape, standard normal values from {@code r}. */
  static float[] windows(Random r, int n, org.ecgstream.model.nn.Architecture arch) {
    float[] windows = new float[n * arch.features() * arch.windowLength()];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) r.nextGaussian();
    }
    return windows;
  }
}

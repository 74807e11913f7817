package org.ecgstream.model.nn.backprop;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A network's loss and gradients computed directly, on the DL4J network's parameters (copied in,
 * written back), for {@link BackpropFitter}. Windows are laid out as the network's input: window
 * k's feature f at step t is {@code windows[(k * features + f) * T + t]}. Not thread-safe.
 */
public interface ModelBackprop {
  /** The parameters, row-major; live: an optimizer updates them in place. */
  float[][] params();

  /** New zeroed arrays shaped like the parameters. */
  float[][] newGradients();

  /** The batch's loss: the mean over its windows of DL4J's loss for the output layer. */
  double loss(float[] windows, int n);

  /** As {@link #loss}, and its gradient for every parameter into {@code grads} (overwritten). */
  double lossAndGradients(float[] windows, int n, float[][] grads);

  /** Writes the parameters back into {@code net} (same architecture). */
  void copyTo(MultiLayerNetwork net);
}

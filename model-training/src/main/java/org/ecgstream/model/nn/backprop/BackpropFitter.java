package org.ecgstream.model.nn.backprop;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.BatchFitter;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;

/**
 * Training with the hand-written backward pass ({@link AutoencoderBackprop}) and Adam as DL4J
 * applies it, starting from the DL4J network's initial weights; the best weights go back into that
 * network, so the model file is the same as DL4J's training writes.
 */
public final class BackpropFitter implements BatchFitter {
  /** Windows per forward pass when only the loss is wanted: bounds the memory kept per pass. */
  private static final int LOSS_CHUNK = 64;

  private final MultiLayerNetwork net;
  private final Architecture arch;
  private final ModelBackprop model;
  private final AdamSteps adam;
  private final float[][] grads;
  private float[][] best;

  public BackpropFitter(MultiLayerNetwork net, Architecture arch, LossKind loss, double learningRate) {
    this.net = net;
    this.arch = arch;
    this.model = arch.variant() == Variant.CONDITIONAL ? ConditionalBackprop.of(net, arch, loss)
        : AutoencoderBackprop.of(net, arch, loss);
    this.adam = new AdamSteps(model.params(), model.frozen(), learningRate);
    this.grads = model.newGradients();
  }

  @Override
  public double fit(float[] batch, int n) {
    double loss = model.lossAndGradients(batch, n, grads);
    adam.apply(model.params(), grads);
    return loss;
  }

  @Override
  public double meanLoss(float[] windows, int n) {
    int window = arch.windowLength() * arch.features();
    double total = 0;
    for (int from = 0; from < n; from += LOSS_CHUNK) {
      int m = Math.min(LOSS_CHUNK, n - from);
      float[] chunk = new float[m * window];
      System.arraycopy(windows, from * window, chunk, 0, m * window);
      total += model.loss(chunk, m) * m;
    }
    return total / n;
  }

  @Override
  public void keepBest() {
    float[][] p = model.params();
    best = new float[p.length][];
    for (int i = 0; i < p.length; i++) {
      best[i] = p[i].clone();
    }
  }

  @Override
  public MultiLayerNetwork best() {
    float[][] p = model.params();
    for (int i = 0; i < p.length; i++) {
      System.arraycopy(best[i], 0, p[i], 0, p[i].length);
    }
    model.copyTo(net);
    return net;
  }
}

package org.ecgstream.model.nn;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Fits the autoencoder batch by batch, for {@link AutoencoderTrainer}. Batches are laid out as the
 * network's input: window k's feature f at step t is {@code batch[(k * features + f) * T + t]}.
 */
public interface BatchFitter {
  /** One optimiser step on the batch; returns the batch's mean loss before the step. */
  double fit(float[] batch, int n);

  /** The mean loss of {@code n} windows, without training. */
  double meanLoss(float[] windows, int n);

  /** Remembers the current weights as the best so far. */
  void keepBest();

  /** The network holding the best weights kept. */
  MultiLayerNetwork best();
}

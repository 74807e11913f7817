package org.ecgstream.model.nn;

/** Hyper-parameters of one training run; stored in the model file. */
public record TrainingConfig(int embedding, LossKind loss, double learningRate, int batchSize,
                             int maxEpochs, int patience, long seed) {
  public TrainingConfig {
    if (embedding < 1 || batchSize < 1 || maxEpochs < 1 || patience < 1 || !(learningRate > 0)) {
      throw new IllegalArgumentException("invalid training config: " + this);
    }
  }
}

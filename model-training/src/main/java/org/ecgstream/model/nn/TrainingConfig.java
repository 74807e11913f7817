package org.ecgstream.model.nn;

/**
 * Hyper-parameters of one training run; stored in the model file.
 *
 * @param variant null (in model files written before variants) means {@link Variant#RECONSTRUCTION}
 */
public record TrainingConfig(int embedding, LossKind loss, double learningRate, int batchSize,
                             int maxEpochs, int patience, long seed, Variant variant) {
  public TrainingConfig {
    variant = variant == null ? Variant.RECONSTRUCTION : variant;
    if (embedding < 1 || batchSize < 1 || maxEpochs < 1 || patience < 1 || !(learningRate > 0)) {
      throw new IllegalArgumentException("invalid training config: embedding " + embedding + ", batch " + batchSize
          + ", epochs " + maxEpochs + ", patience " + patience + ", learning rate " + learningRate
          + " (all must be positive)");
    }
  }

  public TrainingConfig(int embedding, LossKind loss, double learningRate, int batchSize, int maxEpochs, int patience,
                        long seed) {
    this(embedding, loss, learningRate, batchSize, maxEpochs, patience, seed, Variant.RECONSTRUCTION);
  }
}

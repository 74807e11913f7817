package org.ecgstream.model.training;

import java.nio.file.Path;
import java.util.List;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.TrainingConfig;

/**
 * Everything a training run needs besides the network's hyper-parameters.
 *
 * @param labelledValidation labelled windows for the F1-optimal rule; null otherwise
 * @param engine how batches are fitted (same gradients either way)
 * @param score how a window's errors become its thresholded score
 * @param firstStage for the latent-target variant, a model file whose reconstruction autoencoder
 *     is its first stage (trained on the same data and split); null to train that stage too
 */
public record TrainOptions(List<Path> files, int normalLabel, double validationFraction, double testFraction,
                           long splitSeed, TrainingConfig training, ThresholdChoice threshold,
                           Path labelledValidation, String name, int threads, AutoencoderTrainer.Engine engine,
                           ErrorScoreChoice score, Path firstStage) {

  /** Options that train every stage themselves. */
  public TrainOptions(List<Path> files, int normalLabel, double validationFraction, double testFraction,
                      long splitSeed, TrainingConfig training, ThresholdChoice threshold, Path labelledValidation,
                      String name, int threads, AutoencoderTrainer.Engine engine, ErrorScoreChoice score) {
    this(files, normalLabel, validationFraction, testFraction, splitSeed, training, threshold, labelledValidation, name,
        threads, engine, score, null);
  }
}

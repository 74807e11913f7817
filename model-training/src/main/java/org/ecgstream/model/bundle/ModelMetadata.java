package org.ecgstream.model.bundle;

import java.util.List;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.model.eval.EvaluationMetrics;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.threshold.Threshold;

/**
 * Everything in a model file besides the network weights: what the network expects, how to turn
 * its output into a decision, and where it came from. Serialised as JSON.
 *
 * @param networkSha256 SHA-256 of the network entry, binding these facts to those weights
 * @param metrics evaluation on held-out test windows; null for a model not evaluated
 * @param errorScore how errors become the thresholded score; null (in files of format 1) means
 *     {@link ErrorScore#SUM}
 */
public record ModelMetadata(int formatVersion, String modelVersion, String createdAt,
                            Architecture architecture, LossKind loss, Threshold threshold,
                            FeatureNormalizer normalizer, DatasetInfo dataset, TrainingInfo training,
                            EvaluationMetrics metrics, String networkSha256, ErrorScore errorScore) {

  /** The error score, {@link ErrorScore#SUM} for a file that names none. */
  public ErrorScore score() {
    return errorScore == null ? ErrorScore.SUM : errorScore;
  }

  /** Where the training windows came from and how they were split. */
  public record DatasetInfo(List<String> files, String sha256, int windows, int normalLabel,
                            double validationFraction, double testFraction, long splitSeed,
                            int trainWindows, int validationWindows, int testNormalWindows,
                            int abnormalWindows) {

    /** The same split of {@code data} as at training, so its held-out windows can be found again. */
    public NormalSplit split(Dataset data) {
      if (!data.sha256().equals(sha256)) {
        throw new IllegalArgumentException("dataset hash " + data.sha256() + " differs from the model's training data "
            + sha256 + ": its held-out split cannot be recreated");
      }
      return NormalSplit.of(data, normalLabel, validationFraction, testFraction, splitSeed);
    }
  }

  /**
   * How training went: hyper-parameters, the epoch kept and the loss history.
   *
   * @param firstStage for the latent-target variant, where its first stage (the reconstruction
   *     autoencoder whose first layer it rebuilds) came from; its epochs and history are the second
   *     stage's. Null otherwise, and in files written before it.
   */
  public record TrainingInfo(TrainingConfig config, int epochsRun, int bestEpoch, double seconds,
                             int threads, List<AutoencoderTrainer.Epoch> history, String firstStage) {}

  /**
   * The error score in words; for the latent-target model's summed loss, naming the values it sums,
   * which are not the window's.
   */
  public String describeScore() {
    if (score().isSum() && !architecture.variant().rebuildsInput()) {
      return "loss summed over the first encoder layer's outputs over the window (the latent-target model's units)";
    }
    return score().describe();
  }

  public ModelMetadata withMetrics(EvaluationMetrics m) {
    return new ModelMetadata(formatVersion, modelVersion, createdAt, architecture, loss, threshold, normalizer,
        dataset, training, m, networkSha256, errorScore);
  }

  public ModelMetadata withThreshold(Threshold t) {
    return new ModelMetadata(formatVersion, modelVersion, createdAt, architecture, loss, t, normalizer,
        dataset, training, metrics, networkSha256, errorScore);
  }

  public ModelMetadata withErrorScore(ErrorScore s) {
    return new ModelMetadata(formatVersion, modelVersion, createdAt, architecture, loss, threshold, normalizer,
        dataset, training, metrics, networkSha256, s);
  }

  ModelMetadata withNetwork(String sha256, String version) {
    // The oldest format that holds these facts, so that older readers still load summed-loss models.
    boolean format1 = score().isSum() && architecture.variant() == Variant.RECONSTRUCTION;
    int format = format1 ? 1 : architecture.variant() == Variant.LATENT ? 3 : 2;
    return new ModelMetadata(format, version, createdAt, architecture, loss, threshold, normalizer,
        dataset, training, metrics, sha256, score().isSum() ? null : errorScore);
  }
}

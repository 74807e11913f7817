package org.ecgstream.model.training;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.eval.EvaluationMetrics;
import org.ecgstream.model.eval.Evaluator;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.model.threshold.Threshold;
import org.ecgstream.model.threshold.ThresholdSelector;

/**
 * The whole training protocol: read, split normals, train on normals only, choose the threshold on
 * held-out data, evaluate on the test windows, and save one model file.
 */
public final class TrainingProtocol {
  /** What a run produced: the saved model and the data it was evaluated on. */
  public record Outcome(ModelBundle bundle, Dataset dataset, NormalSplit split, HeldOutLosses losses) {}

  private TrainingProtocol() {}

  public static Outcome run(TrainOptions o, Path modelOut, PrintStream progress) {
    Nd4jRuntime.setThreads(o.threads());
    Dataset data = DatasetReader.read(o.files());
    NormalSplit split = NormalSplit.of(data, o.normalLabel(), o.validationFraction(), o.testFraction(), o.splitSeed());
    progress.printf("dataset: %d windows of %dx%d (sha256 %s…); normal label %d: train %d, validation %d, "
            + "test %d; abnormal (test only) %d%n", data.size(), data.length(), data.features(),
        data.sha256().substring(0, 12), o.normalLabel(), split.train().size(), split.validation().size(),
        split.testNormal().size(), split.abnormal().size());

    AutoencoderTrainer.FirstStage firstStage = o.firstStage() == null ? null
        : firstStage(o.firstStage(), data, o, FeatureNormalizer.fit(split.train()));
    AutoencoderTrainer.Result trained = AutoencoderTrainer.train(split.train(), split.validation(), o.training(),
        o.engine(), firstStage, progress);
    Architecture arch = new Architecture(data.length(), data.features(), o.training().embedding(),
        o.training().variant());
    ModelMetadata.DatasetInfo datasetInfo = new ModelMetadata.DatasetInfo(
        o.files().stream().map(p -> p.getFileName().toString()).toList(), data.sha256(), data.size(),
        o.normalLabel(), o.validationFraction(), o.testFraction(), o.splitSeed(), split.train().size(),
        split.validation().size(), split.testNormal().size(), split.abnormal().size());
    ModelMetadata.TrainingInfo trainingInfo = new ModelMetadata.TrainingInfo(o.training(), trained.history().size(),
        trained.bestEpoch(), trained.seconds(), o.threads(), trained.history(), trained.firstStage());
    // A placeholder threshold until the validation losses exist; replaced below before saving.
    ModelMetadata meta = new ModelMetadata(ModelFile.FORMAT_VERSION, null,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), arch, o.training().loss(),
        ThresholdSelector.fixed(0), trained.normalizer(), datasetInfo, trainingInfo, null, null, null);
    return finish(new ModelBundle(trained.network(), meta), data, split, o, modelOut, progress);
  }

  /**
   * The reconstruction autoencoder of model file {@code file} as a latent-target run's first stage,
   * refused unless it is one of this run's size, trained on the same data and split (so its first
   * layer saw windows normalised as this run's will be).
   */
  private static AutoencoderTrainer.FirstStage firstStage(Path file, Dataset data, TrainOptions o,
                                                          FeatureNormalizer norm) {
    if (o.training().variant() != Variant.LATENT) {
      throw new IllegalArgumentException("a first stage (" + file + ") is for --architecture LATENT, not "
          + o.training().variant());
    }
    ModelBundle b = ModelFile.load(file);
    Architecture a = b.architecture();
    String why = null;
    if (a.variant() != Variant.RECONSTRUCTION) {
      why = "it is a " + a.variant() + " model, not a RECONSTRUCTION one";
    } else if (a.windowLength() != data.length() || a.features() != data.features()
        || a.embedding() != o.training().embedding()) {
      why = "its windows are " + a.windowLength() + "x" + a.features() + " with E = " + a.embedding() + ", this run's "
          + data.length() + "x" + data.features() + " with E = " + o.training().embedding();
    } else if (b.metadata().dataset() == null || !b.metadata().dataset().sha256().equals(data.sha256())) {
      why = "it was not trained on this data (sha256 " + data.sha256().substring(0, 12) + "…)";
    } else if (!Arrays.equals(b.normalizer().mean(), norm.mean()) || !Arrays.equals(b.normalizer().std(), norm.std())) {
      why = "it was trained on another split (its normaliser differs from this run's: split seed "
          + b.metadata().dataset().splitSeed() + ", this run's " + o.splitSeed() + ")";
    }
    if (why != null) {
      throw new IllegalArgumentException("cannot take the first stage from " + file + ": " + why);
    }
    return new AutoencoderTrainer.FirstStage(b.network(), "taken from model " + b.metadata().modelVersion());
  }

  /**
   * Scores an already-trained model's network again as {@code o} asks (its error score and
   * threshold rule, fitted anew on the model's own split) and saves it to {@code modelOut}: the
   * same network compared under another score, without training it again.
   */
  public static Outcome rescore(Path model, TrainOptions o, Path modelOut, PrintStream progress) {
    Nd4jRuntime.setThreads(o.threads());
    ModelBundle bundle = ModelFile.load(model);
    Dataset data = DatasetReader.read(o.files());
    NormalSplit split = bundle.metadata().dataset().split(data);
    ModelMetadata meta = bundle.metadata().withErrorScore(null).withMetrics(null)
        .withThreshold(ThresholdSelector.fixed(0));
    return finish(bundle.withMetadata(meta), data, split, o, modelOut, progress);
  }

  /** Fits the error score, chooses the threshold, evaluates on the held-out windows and saves. */
  private static Outcome finish(ModelBundle bundle, Dataset data, NormalSplit split, TrainOptions o, Path modelOut,
                                PrintStream progress) {
    if (o.score().kind() == ErrorScore.Kind.MAHALANOBIS) {
      // Fitted on the training windows: the validation windows stay unseen for the threshold.
      Scorer sum = Scorer.of(bundle, ScoringEngine.reference(bundle.architecture()));
      // Over the steps the model produces: a prediction model's context steps never have an error.
      Architecture a = bundle.architecture();
      ErrorScore fitted = ErrorScore.fitMahalanobis(sum.absErrors(split.train(), HeldOutLosses.BATCH),
          a.errorsPerStep(), sum.errorScale(), o.score().shrinkage(), a.firstDecodedStep() * a.errorsPerStep());
      bundle = bundle.withMetadata(bundle.metadata().withErrorScore(fitted));
      progress.printf("error score: %s%n", fitted.describe());
    }
    Scorer scorer = Scorer.of(bundle, ScoringEngine.reference(bundle.architecture()));
    HeldOutLosses losses = HeldOutLosses.of(scorer, split);
    Threshold threshold = chooseThreshold(o, losses, scorer);
    bundle = bundle.withMetadata(bundle.metadata().withThreshold(threshold));
    EvaluationMetrics metrics = Evaluator.evaluate(losses.testNormal(), losses.abnormal(), losses.abnormalLabels(),
        threshold.value(), o.splitSeed());
    bundle = bundle.withMetadata(bundle.metadata().withMetrics(metrics));
    ModelMetadata stored = ModelFile.save(bundle, modelOut, o.name());
    progress.printf("threshold %s; saved %s (%s)%n", threshold.describe(), modelOut, stored.modelVersion());
    return new Outcome(bundle.withMetadata(stored), data, split, losses);
  }

  /** The threshold a rule that needs no labelled windows sets from validation-normal losses. */
  public static Threshold threshold(ThresholdChoice c, double[] validationLosses) {
    return switch (c.rule()) {
      case PERCENTILE -> ThresholdSelector.percentile(validationLosses, c.parameter());
      case LOG_NORMAL -> ThresholdSelector.logNormal(validationLosses, c.parameter());
      case FIXED -> ThresholdSelector.fixed(c.parameter());
      case F1_OPTIMAL -> throw new IllegalArgumentException("the f1 threshold rule needs a labelled validation file");
    };
  }

  private static Threshold chooseThreshold(TrainOptions o, HeldOutLosses losses, Scorer scorer) {
    return switch (o.threshold().rule()) {
      case PERCENTILE, LOG_NORMAL, FIXED -> threshold(o.threshold(), losses.validation());
      case F1_OPTIMAL -> {
        if (o.labelledValidation() == null) {
          throw new IllegalArgumentException("the f1 threshold rule needs a labelled validation file");
        }
        Dataset labelled = DatasetReader.read(o.labelledValidation());
        double[] l = scorer.losses(labelled.windows(), HeldOutLosses.BATCH);
        boolean[] abnormal = new boolean[l.length];
        for (int i = 0; i < l.length; i++) {
          LabelledWindow w = labelled.windows().get(i);
          abnormal[i] = w.label() != o.normalLabel();
        }
        yield ThresholdSelector.f1Optimal(l, abnormal);
      }
    };
  }
}

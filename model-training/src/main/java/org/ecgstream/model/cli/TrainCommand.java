package org.ecgstream.model.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.report.ReportWriter;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.training.ThresholdChoice;
import org.ecgstream.model.training.TrainOptions;
import org.ecgstream.model.training.ErrorScoreChoice;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.training.TrainingProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: the full protocol, ending in one model file and its evaluation report. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train on normal windows, choose the threshold, evaluate on held-out windows, write the model file.")
final class TrainCommand implements Callable<Integer> {
  @Mixin
  TrainingParameters p;

  @Option(names = "--out", description = "Model file to write (default: ${DEFAULT-VALUE}).",
      defaultValue = "model-training/models/ecg5000-autoencoder.zip")
  Path out;

  @Option(names = "--report", description = "Directory for report.md and its plots (default: next to the model, 'report').")
  Path report;

  @Option(names = "--name", description = "Model name, the prefix of its version (default: ${DEFAULT-VALUE}).",
      defaultValue = "ecg5000-ae")
  String name;

  @Option(names = "--first-stage", description = "For --architecture LATENT: take the first stage (the "
      + "reconstruction autoencoder whose first layer is frozen) from this model file instead of training it; it "
      + "must have this run's window, features and E and have been trained on the same data and split.")
  Path firstStage;

  @Override
  public Integer call() {
    TrainingProtocol.Outcome o = TrainingProtocol.run(p.options(name, p.splitSeed, firstStage), out, System.out);
    Path dir = report != null ? report : out.toAbsolutePath().getParent().resolve("report");
    Path md = ReportWriter.write(dir, o.bundle().metadata(), o.bundle().metadata().metrics(), o.dataset(), o.split(),
        o.losses(), Scorer.of(o.bundle(), ScoringEngine.reference(o.bundle().architecture())));
    var m = o.bundle().metadata().metrics();
    System.out.printf("test: ROC AUC %.4f, PR AUC %.4f, F1 %.4f, precision %.4f, recall %.4f; balanced %d/%d normal, %d/%d abnormal%n",
        m.rocAuc(), m.prAuc(), m.f1(), m.precision(), m.recall(), m.balanced().normalCorrect(), m.balanced().size(),
        m.balanced().abnormalCorrect(), m.balanced().size());
    System.out.println("report: " + md);
    return 0;
  }

  /** Options shared by {@code train} and {@code seeds}. */
  static final class TrainingParameters {
    @Option(names = "--data", split = ",", description = "Dataset files: UCR .txt, .arff or .csv, optionally .gz "
        + "(default: the shipped ECG5000 TRAIN and TEST).")
    List<Path> data;

    @Option(names = "--embedding", defaultValue = "32", description = "Embedding size E (default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--loss", defaultValue = "L1", description = "L1 or L2 (default: ${DEFAULT-VALUE}).")
    LossKind loss;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--batch", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", defaultValue = "60", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", defaultValue = "15",
        description = "Stop after this many epochs without validation improvement (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "42", description = "Weights and shuffling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--split-seed", defaultValue = "42", description = "Seed of the normal-window split (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--validation-fraction", defaultValue = "0.10", description = "(default: ${DEFAULT-VALUE})")
    double validationFraction;

    @Option(names = "--test-fraction", defaultValue = "0.05", description = "(default: ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--normal-label", defaultValue = "1", description = "Label of normal windows (default: ${DEFAULT-VALUE}).")
    int normalLabel;

    @Option(names = "--threshold", defaultValue = "ln99.9",
        description = "pNN: percentile of validation-normal losses; lnNN: that percentile of a log-normal fitted "
            + "robustly to them; f1: F1-optimal on --labelled-validation; fixed=V (default: ${DEFAULT-VALUE}).")
    String threshold;

    @Option(names = "--labelled-validation", description = "Labelled windows for --threshold f1 (never the test data).")
    Path labelledValidation;

    @Option(names = "--threads", defaultValue = "1", description = "ND4J native threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--engine", defaultValue = "BACKPROP", description = "BACKPROP (our backward pass on OpenBLAS, "
        + "DL4J's gradients, about ten times faster) or DL4J (its own training) (default: ${DEFAULT-VALUE}).")
    AutoencoderTrainer.Engine engine;

    @Option(names = "--architecture", defaultValue = "PREDICTION", description = "RECONSTRUCTION (the encoder "
        + "reads the whole window, the decoder rebuilds it), PREDICTION (the encoder reads the first half, the "
        + "decoder predicts the second), COMPOSITE (the encoder reads the first half, the decoder rebuilds it "
        + "and predicts the second), CONDITIONAL (a decoder started from the encoder's state rebuilds the window "
        + "backwards from its own previous outputs; pair it with --score MAHALANOBIS) or LATENT (a reconstruction "
        + "autoencoder is trained first; its first layer is frozen and the decoder rebuilds that layer's outputs) "
        + "(default: ${DEFAULT-VALUE}).")
    Variant architecture;

    @Option(names = "--score", defaultValue = "SUM", description = "How a window's errors become its thresholded "
        + "score: SUM (the loss summed over the window) or MAHALANOBIS (the squared Mahalanobis distance of its "
        + "error vector from the training windows' errors) (default: ${DEFAULT-VALUE}).")
    ErrorScore.Kind score;

    @Option(names = "--shrinkage", defaultValue = "0.5", description = "For --score MAHALANOBIS: how far the "
        + "errors' covariance is shrunk towards a multiple of the identity, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double shrinkage;

    /** The options, the latent-target variant's first stage taken from model file {@code firstStage} unless null. */
    TrainOptions options(String name, long splitSeed, Path firstStage) {
      List<Path> files = data == null || data.isEmpty() ? ShippedData.ecg5000() : data;
      return new TrainOptions(files, normalLabel, validationFraction, testFraction, splitSeed,
          new TrainingConfig(embedding, loss, learningRate, batch, epochs, patience, seed, architecture),
          ThresholdChoice.parse(threshold), labelledValidation, name, threads, engine,
          score == ErrorScore.Kind.SUM ? ErrorScoreChoice.SUM : new ErrorScoreChoice(score, shrinkage), firstStage);
    }
  }
}

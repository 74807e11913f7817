package org.ecgstream.model.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.training.ErrorScoreChoice;
import org.ecgstream.model.training.ThresholdChoice;
import org.ecgstream.model.training.TrainOptions;
import org.ecgstream.model.training.TrainingProtocol;

/**
 * A real, small autoencoder (E = 4 on 24-step synthetic beats) trained once per test JVM through
 * the full protocol and shared by the tests that need a trained model.
 */
public final class SmallModel {
  private static TrainingProtocol.Outcome outcome;
  private static Path modelFile;
  private static Path dataFile;

  private SmallModel() {}

  public static synchronized TrainingProtocol.Outcome outcome() {
    if (outcome == null) {
      try {
        Path dir = Files.createTempDirectory("small-model");
        // Shared until the JVM ends, so removed then: every test run would otherwise leave one behind.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        dataFile = SyntheticBeats.writeUcr(dir.resolve("synthetic.txt"), 400, 60, 7);
        modelFile = dir.resolve("small.zip");
        outcome = TrainingProtocol.run(options(dataFile, 11), modelFile, new PrintStream(PrintStream.nullOutputStream()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return outcome;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort at exit: a temporary directory left behind is harmless.
    }
  }

  public static TrainOptions options(Path data, long seed) {
    return new TrainOptions(List.of(data), 1, 0.10, 0.05, 42,
        new TrainingConfig(4, LossKind.L1, 0.01, 32, 30, 5, seed), ThresholdChoice.parse("p99"), null, "small", 1,
        AutoencoderTrainer.Engine.BACKPROP, ErrorScoreChoice.SUM);
  }

  public static Path file() {
    outcome();
    return modelFile;
  }

  public static Path data() {
    outcome();
    return dataFile;
  }
}

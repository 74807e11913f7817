package org.ecgstream.model.cli;

import java.io.PrintWriter;
import org.ecgstream.model.bundle.ModelFileException;
import org.ecgstream.model.data.DatasetFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the model tool: {@code train}, {@code evaluate}, {@code score}, {@code inspect}, {@code rpeaks}... */
@Command(name = "ecg-model", mixinStandardHelpOptions = true, version = "ecg-model 0.1.0",
    description = "Train, evaluate and run the LSTM autoencoder for ECG/sensor windows.",
    subcommands = {TrainCommand.class, SeedsCommand.class, EvaluateCommand.class, ScoreCommand.class,
        InspectCommand.class, EmbedCommand.class, ExportCommand.class, BenchmarkCommand.class, TrainingBenchmarkCommand.class,
        RPeaksCommand.class, MitBihCommand.class, BeatsCsvCommand.class, BeatClassifierCommand.class,
        SkabCommand.class})
public final class ModelCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (train, seeds, evaluate, score, inspect)");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the tool and returns its exit code: 0 ok, 1 bad input or failure, 2 bad usage. */
  public static int execute(String... args) {
    quietLibraries();
    CommandLine cli = new CommandLine(new ModelCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      if (e instanceof DatasetFormatException || e instanceof ModelFileException || e instanceof IllegalArgumentException) {
        err.println("error: " + e.getMessage());
      } else {
        err.println("error: " + e);
      }
      err.flush();
      return 1;
    });
    return cli.execute(args);
  }

  private static void quietLibraries() {
    // DL4J and ND4J log start-up banners at INFO; the tool prints its own progress.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }
}

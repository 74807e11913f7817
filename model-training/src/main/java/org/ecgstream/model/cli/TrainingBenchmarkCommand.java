package org.ecgstream.model.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.scoring.OpenBlasKernels;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.split.NormalSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train-benchmark}: seconds per training epoch of both engines on the shipped ECG5000 split,
 * side by side in one process: the engines take turns, round after round, each training a fresh
 * network from the same seed for a few epochs. Prints every epoch and the medians.
 */
@Command(name = "train-benchmark", mixinStandardHelpOptions = true,
    description = "Time training epochs of the DL4J and backward-pass engines side by side (see BENCHMARKS.md).")
final class TrainingBenchmarkCommand implements Callable<Integer> {
  @Option(names = "--embeddings", split = ",", defaultValue = "32", description = "(default: ${DEFAULT-VALUE})")
  List<Integer> embeddings;

  @Option(names = "--epochs", defaultValue = "3", description = "Epochs per engine and round (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--rounds", defaultValue = "2", description = "Turns per engine (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--batch", defaultValue = "64", description = "(default: ${DEFAULT-VALUE}, train's)")
  int batch;

  @Option(names = "--threads", defaultValue = "1", description = "ND4J and OpenBLAS threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--variants", split = ",", description = "Instead of the engines: time the backward pass training "
      + "each of these architecture variants, taking turns (default: the engine comparison).")
  List<Variant> variants;

  @Override
  public Integer call() throws Exception {
    Nd4jRuntime.ensureStarted();
    Nd4jRuntime.setThreads(threads);
    Dataset data = DatasetReader.read(ShippedData.ecg5000());
    NormalSplit split = NormalSplit.of(data, 1, 0.10, 0.05, 42);
    System.out.printf("CPU: %s; %d thread(s); OpenBLAS kernels %s; ECG5000 split 42: %d training, %d validation "
            + "windows; batch %d; L1%n", cpu(), threads,
        System.getenv(OpenBlasKernels.VARIABLE) == null ? "chosen by OpenBLAS" : "forced by " + OpenBlasKernels.VARIABLE,
        split.train().size(), split.validation().size(), batch);
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    if (variants != null) {
      variants(split, quiet);
      return 0;
    }
    System.out.println("| E | engine | epoch seconds (every epoch, in order) | median s/epoch | DL4J / this |");
    System.out.println("|---:|---|---|---:|---:|");
    for (int e : embeddings) {
      Map<AutoencoderTrainer.Engine, List<Double>> seconds = takingTurns(List.of(AutoencoderTrainer.Engine.values()),
          engine -> AutoencoderTrainer.train(split.train(), split.validation(),
              new TrainingConfig(e, LossKind.L1, 1e-3, batch, epochs, epochs, 42), engine, quiet));
      double dl4j = median(seconds.get(AutoencoderTrainer.Engine.DL4J));
      for (var entry : seconds.entrySet()) {
        double m = median(entry.getValue());
        System.out.printf("| %d | %s | %s | %.1f | %.1fx |%n", e, entry.getKey(),
            String.join(", ", entry.getValue().stream().map(s -> String.format("%.1f", s)).toList()), m, dl4j / m);
      }
    }
    return 0;
  }

  /** Seconds per epoch of the backward pass for each variant, the variants taking turns round after round. */
  private void variants(NormalSplit split, PrintStream quiet) {
    System.out.println("| E | variant | epoch seconds (every epoch, in order) | median s/epoch |");
    System.out.println("|---:|---|---|---:|");
    for (int e : embeddings) {
      Map<Variant, List<Double>> seconds = takingTurns(variants, v -> AutoencoderTrainer.train(split.train(),
          split.validation(), new TrainingConfig(e, LossKind.L1, 1e-3, batch, epochs, epochs, 42, v),
          AutoencoderTrainer.Engine.BACKPROP, quiet));
      for (var entry : seconds.entrySet()) {
        System.out.printf("| %d | %s | %s | %.1f |%n", e, entry.getKey(),
            String.join(", ", entry.getValue().stream().map(x -> String.format("%.1f", x)).toList()),
            median(entry.getValue()));
      }
    }
  }

  /**
   * Every epoch's seconds per key, the keys training in turn for {@link #rounds} rounds; the order
   * is reversed every other round, so that no key always meets a warmer or cooler machine. Listed
   * in the keys' order.
   */
  private <K> Map<K, List<Double>> takingTurns(List<K> keys, Function<K, AutoencoderTrainer.Result> train) {
    Map<K, List<Double>> seconds = new LinkedHashMap<>();
    keys.forEach(k -> seconds.put(k, new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      List<K> order = new ArrayList<>(keys);
      if (r % 2 == 1) {
        Collections.reverse(order);
      }
      for (K k : order) {
        train.apply(k).history().forEach(h -> seconds.get(k).add(h.seconds()));
      }
    }
    return seconds;
  }

  private static double median(List<Double> v) {
    return BenchmarkCommand.median(v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    } catch (Exception ex) {
      return "unknown";
    }
  }
}

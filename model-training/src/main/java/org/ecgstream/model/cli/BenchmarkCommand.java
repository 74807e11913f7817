package org.ecgstream.model.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.scoring.Dl4jEngine;
import org.ecgstream.model.scoring.FusedLstmEngine;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.scoring.OpenBlasKernels;
import org.ecgstream.model.scoring.ReconstructionEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code benchmark}: beats per second and per-batch latency of each reconstruction engine, side
 * by side in one process (engines alternate within each measurement, so machine noise hits both),
 * for several model sizes, batch sizes and thread counts. Prints medians as a Markdown table.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Measure scoring throughput of the DL4J and fused engines side by side.")
final class BenchmarkCommand implements Callable<Integer> {
  @Option(names = "--model", description = "Also measure this model file (e.g. the shipped one).")
  Path model;

  @Option(names = "--embeddings", split = ",", defaultValue = "32,64,128",
      description = "Random models with these E (window 140, 1 feature) (default: ${DEFAULT-VALUE}).")
  List<Integer> embeddings;

  @Option(names = "--batches", split = ",", defaultValue = "1,8,32,128,512", description = "(default: ${DEFAULT-VALUE})")
  List<Integer> batches;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "ND4J threads (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(names = "--reps", defaultValue = "5", description = "Timed calls per engine and setting (default: ${DEFAULT-VALUE}).")
  int reps;

  @Option(names = "--min-beats", defaultValue = "64",
      description = "Each timed call scores at least this many beats (small batches repeat) (default: ${DEFAULT-VALUE}).")
  int minBeats;

  @Option(names = "--out", description = "Also write the table to this file.")
  Path out;

  private record Subject(String name, MultiLayerNetwork net, Architecture arch) {}

  @Override
  public Integer call() throws IOException {
    Nd4jRuntime.ensureStarted();
    List<Subject> subjects = new ArrayList<>();
    if (model != null) {
      var b = ModelFile.load(model);
      subjects.add(new Subject("shipped (E=" + b.architecture().embedding() + ")", b.network(), b.architecture()));
    }
    for (int e : embeddings) {
      Architecture a = new Architecture(140, 1, e);
      subjects.add(new Subject("random E=" + e, AutoencoderFactory.create(a, LossKind.L1, 1e-3, e), a));
    }
    String core = System.getenv(OpenBlasKernels.VARIABLE);
    StringBuilder table = new StringBuilder(String.format("OpenBLAS kernels: %s%n%n", core == null
        ? "chosen by OpenBLAS from the CPU model (" + OpenBlasKernels.VARIABLE + " unset)"
            + OpenBlasKernels.hint().map(h -> "; " + h).orElse("")
        : "forced to '" + core + "' by " + OpenBlasKernels.VARIABLE));
    table.append(String.format(
        "| model | threads | batch | DL4J beats/s | fused beats/s | fused / DL4J | DL4J ms/batch | fused ms/batch "
            + "| fused, GEMM only beats/s | RSS MB |%n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n"));
    System.out.print(table);
    for (int t : threads) {
      Nd4jRuntime.setThreads(t);
      for (Subject s : subjects) {
        ReconstructionEngine dl4j = new Dl4jEngine(s.net, s.arch.windowLength(), s.arch.features());
        ReconstructionEngine fused = new FusedLstmEngine(s.net, s.arch);
        // The fused engine without its small-batch matrix-vector path: what that path buys.
        ReconstructionEngine gemmOnly = FusedLstmEngine.gemmOnly(s.net, s.arch);
        for (int batch : batches) {
          float[] input = input(batch, s.arch);
          int calls = Math.max(1, (minBeats + batch - 1) / batch);
          // Warm-up: one call left the first rows of a run measuring the JIT (batch 1: 859 against
          // 2261 beats/s for the same architecture a row later).
          for (ReconstructionEngine e : List.of(dl4j, fused, gemmOnly)) {
            warmUp(e, input, batch);
          }
          double[] dl4jMs = new double[reps];
          double[] fusedMs = new double[reps];
          double[] gemmMs = new double[reps];
          for (int r = 0; r < reps; r++) {
            dl4jMs[r] = time(dl4j, input, batch, calls);
            fusedMs[r] = time(fused, input, batch, calls);
            gemmMs[r] = time(gemmOnly, input, batch, calls);
          }
          double d = median(dl4jMs);
          double f = median(fusedMs);
          double g = median(gemmMs);
          String row = String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.1fx | %.2f | %.2f | %.0f | %d |%n", s.name, t,
              batch, batch * 1000 / d, batch * 1000 / f, d / f, d, f, batch * 1000 / g, rssMb("VmRSS"));
          table.append(row);
          System.out.print(row);
        }
      }
    }
    String footer = String.format("%npeak resident memory of the benchmark process: %d MB%n", rssMb("VmHWM"));
    table.append(footer);
    System.out.print(footer);
    if (out != null) {
      Files.writeString(out, table);
    }
    return 0;
  }

  private static float[] input(int batch, Architecture a) {
    Random r = new Random(1);
    float[] x = new float[batch * a.features() * a.windowLength()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  /** Calls the engine for at least half a second, and at least once. */
  private static void warmUp(ReconstructionEngine e, float[] input, int batch) {
    long until = System.nanoTime() + 500_000_000L;
    do {
      e.reconstruct(input, batch);
    } while (System.nanoTime() < until);
  }

  /** Milliseconds per batch, averaged over {@code calls} back-to-back calls. */
  private static double time(ReconstructionEngine e, float[] input, int batch, int calls) {
    long start = System.nanoTime();
    for (int c = 0; c < calls; c++) {
      e.reconstruct(input, batch);
    }
    return (System.nanoTime() - start) / 1e6 / calls;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** A field of /proc/self/status in MB, or -1 where there is no /proc. */
  static long rssMb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}

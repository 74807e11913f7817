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
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.onnx.OnnxExport;
import org.ecgstream.model.onnx.OnnxRuntimeClasspath;
import org.ecgstream.model.onnx.OnnxRuntimeModel;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.scoring.Dl4jEngine;
import org.ecgstream.model.scoring.FusedLstmEngine;
import org.ecgstream.model.scoring.VectorKernels;
import org.ecgstream.model.scoring.FusedLstmProfile;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.scoring.OpenBlasKernels;
import org.ecgstream.model.scoring.ReconstructionEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code benchmark}: beats per second and per-batch latency of each reconstruction engine, side
 * by side in one process (engines alternate within each measurement, so machine noise hits both),
 * for several model sizes, batch sizes and thread counts. Prints medians as a Markdown table.
 * Where ONNX Runtime is on the classpath, the model exported to ONNX is timed in the same
 * alternation; where it is not, the table says so and goes without those columns.
 * {@code --memory} measures the fused scorer's resident memory instead ({@link ScorerMemoryProbe}).
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Measure scoring throughput of the DL4J and fused engines (and ONNX Runtime, when on the classpath) side by side.")
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

  @Option(names = "--memory",
      description = "Instead: resident memory of the fused scorer alone, loaded from --model and scoring --batches "
          + "(run it in a process of its own).")
  boolean memory;

  @Option(names = "--profile",
      description = "Instead: where the fused engine's time goes on OpenBLAS, part by part and layer by layer, at --batches "
          + "(up to " + FusedLstmEngine.CHUNK_SIZE + "), on the first of --threads.")
  boolean profile;

  @Option(names = "--slots", defaultValue = "2",
      description = "With --memory: scorers loaded one after another, as slots of one TaskManager (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(names = "--variants", split = ",", description = "Instead of the engine table: time the fused engine (and "
      + "ONNX Runtime on the exported network) for each of these architecture variants, on random models of each "
      + "--embeddings size, all alternating in one loop.")
  List<Variant> variants;

  private record Subject(String name, MultiLayerNetwork net, Architecture arch, FeatureNormalizer norm, LossKind loss) {}

  @Override
  public Integer call() throws IOException {
    if (memory) {
      if (model == null) {
        throw new IllegalArgumentException("--memory needs --model");
      }
      return ScorerMemoryProbe.run(model, batches, threads.get(0), slots, out);
    }
    Nd4jRuntime.ensureStarted();
    boolean ort = OnnxRuntimeClasspath.available();
    List<Subject> subjects = new ArrayList<>();
    if (model != null) {
      var b = ModelFile.load(model);
      if (!b.architecture().variant().dl4jScores() && variants == null) {
        throw new IllegalArgumentException("the engine table compares DL4J with the fused engine, and DL4J cannot "
            + "run the conditional decoder of " + b.metadata().modelVersion() + "; time the variants with --variants");
      }
      subjects.add(new Subject("shipped (E=" + b.architecture().embedding() + ")", b.network(), b.architecture(),
          b.normalizer(), b.metadata().loss()));
    }
    for (int e : embeddings) {
      Architecture a = new Architecture(140, 1, e);
      subjects.add(new Subject("random E=" + e, AutoencoderFactory.create(a, LossKind.L1, 1e-3, e), a,
          identity(a.features()), LossKind.L1));
    }
    String core = System.getenv(OpenBlasKernels.VARIABLE);
    if (variants != null) {
      return variants(ort);
    }
    if (profile) {
      return profile(subjects, ort);
    }
    StringBuilder table = new StringBuilder(String.format("fused engine: %s%nOpenBLAS kernels: %s%n%n",
        VectorKernels.describe(), core == null
        ? "chosen by OpenBLAS from the CPU model (" + OpenBlasKernels.VARIABLE + " unset)"
            + OpenBlasKernels.hint().map(h -> "; " + h).orElse("")
        : "forced to '" + core + "' by " + OpenBlasKernels.VARIABLE));
    table.append(ort
        ? String.format("ONNX Runtime %s: as many intra-op threads as ND4J threads, sequential execution, all graph "
            + "optimisations; 'ORT' runs the network graph (normalised windows in and out, as the engines), 'ORT, "
            + "scoring graph' the graph export --onnx writes (with the normaliser and the loss)%n%n", OnnxRuntimeModel.version())
        : String.format("ONNX Runtime: not on the classpath, its columns are left out%n%n"));
    table.append(String.format(
        "| model | threads | batch | DL4J beats/s | fused beats/s | fused / DL4J | DL4J ms/batch | fused ms/batch "
            + "| fused on OpenBLAS beats/s |%s RSS MB |%n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|%s---:|%n",
        ort ? " ORT beats/s | fused / ORT | ORT ms/batch | ORT, scoring graph beats/s |" : "",
        ort ? "---:|---:|---:|---:|" : ""));
    System.out.print(table);
    for (int t : threads) {
      Nd4jRuntime.setThreads(t);
      for (Subject s : subjects) {
        List<ReconstructionEngine> engines = new ArrayList<>();
        engines.add(new Dl4jEngine(s.net, s.arch));
        // The fused engine as the scorer builds it (on the Vector API where the JVM allows), and
        // on OpenBLAS, the way it ran before and still runs without the Vector API.
        engines.add(FusedLstmEngine.forModel(s.net, s.arch));
        engines.add(new FusedLstmEngine(s.net, s.arch));
        if (ort) {
          engines.addAll(OrtEngines.of(s, t));
        }
        for (int batch : batches) {
          double[][] ms = rounds(engines, input(batch, s.arch), batch);
          double d = median(ms[0]);
          double f = median(ms[1]);
          double g = median(ms[2]);
          String ortCells = "";
          if (ort) {
            double o = median(ms[3]);
            double os = median(ms[4]);
            ortCells = String.format(Locale.ROOT, " %.0f | %.2fx | %.2f | %.0f |", batch * 1000 / o, o / f, o,
                batch * 1000 / os);
          }
          String row = String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.1fx | %.2f | %.2f | %.0f |%s %d |%n",
              s.name, t, batch, batch * 1000 / d, batch * 1000 / f, d / f, d, f, batch * 1000 / g, ortCells,
              rssMb("VmRSS"));
          table.append(row);
          System.out.print(row);
        }
        closeAll(engines);
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

  /**
   * For each model and batch size: the fused engine timed as usual (and ONNX Runtime beside it,
   * alternating), then the same calls with the engine's timing breakdown attached.
   */
  private int profile(List<Subject> subjects, boolean ort) throws IOException {
    int t = threads.get(0);
    Nd4jRuntime.setThreads(t);
    StringBuilder report = new StringBuilder();
    for (Subject s : subjects) {
      FusedLstmEngine fused = new FusedLstmEngine(s.net, s.arch);
      List<ReconstructionEngine> engines = new ArrayList<>(List.of(fused));
      if (ort) {
        engines.add(OrtEngines.of(s, t).get(0));
      }
      for (int batch : batches) {
        if (batch > FusedLstmEngine.CHUNK_SIZE) {
          throw new IllegalArgumentException("--profile takes batches up to " + FusedLstmEngine.CHUNK_SIZE);
        }
        float[] input = input(batch, s.arch);
        int calls = Math.max(1, (minBeats + batch - 1) / batch);
        for (ReconstructionEngine e : engines) {
          warmUp(e, input, batch);
        }
        // The timed code must be compiled with its profiling branches taken, or the first
        // profiled calls run it uncompiled: a warm-up with the breakdown on, thrown away.
        fused.profile(new FusedLstmProfile());
        warmUp(fused, input, batch);
        FusedLstmProfile breakdown = new FusedLstmProfile();
        double[][] ms = new double[engines.size() + 1][reps];
        for (int r = 0; r < reps; r++) {
          fused.profile(null);
          for (int k = 0; k < engines.size(); k++) {
            ms[k][r] = time(engines.get(k), input, batch, calls);
          }
          fused.profile(breakdown);
          ms[engines.size()][r] = time(fused, input, batch, calls);
        }
        fused.profile(null);
        String head = String.format(Locale.ROOT, "%n### %s, batch %d, %d thread(s)%n%nfused: %.2f ms per batch without "
                + "the timing breakdown, %.2f with it (medians of %d rounds of %d calls)%s. The breakdown, summed over "
                + "the %d profiled calls:%n%n", s.name, batch, t, median(ms[0]), median(ms[engines.size()]), reps,
            calls, ort ? String.format(Locale.ROOT, "; ONNX Runtime %.2f ms per batch (fused / ORT %.2fx)", median(ms[1]),
                median(ms[1]) / median(ms[0])) : "", breakdown.batches());
        report.append(head).append(breakdown.table(s.arch.windowLength()));
        System.out.print(head + breakdown.table(s.arch.windowLength()));
      }
      closeAll(engines);
    }
    if (out != null) {
      Files.writeString(out, report);
    }
    return 0;
  }

  private static FeatureNormalizer identity(int features) {
    float[] mean = new float[features];
    float[] std = new float[features];
    Arrays.fill(std, 1f);
    return new FeatureNormalizer(mean, std);
  }

  /**
   * Every engine warmed up, then {@link #reps} rounds in which each in turn scores the batch until
   * {@link #minBeats} beats: ms per batch, [engine][round].
   */
  private double[][] rounds(List<ReconstructionEngine> engines, float[] input, int batch) {
    int calls = Math.max(1, (minBeats + batch - 1) / batch);
    // Warm-up: one call left the first rows of a run measuring the JIT (batch 1: 859 against
    // 2261 beats/s for the same architecture a row later).
    for (ReconstructionEngine e : engines) {
      warmUp(e, input, batch);
    }
    double[][] ms = new double[engines.size()][reps];
    for (int r = 0; r < reps; r++) {
      for (int k = 0; k < engines.size(); k++) {
        ms[k][r] = time(engines.get(k), input, batch, calls);
      }
    }
    return ms;
  }

  /** The variants' fused engines (and ORT), every engine of one batch size and thread count timed in turn. */
  private int variants(boolean ort) throws IOException {
    StringBuilder table = new StringBuilder(String.format(
        "| variant | E | threads | batch | fused beats/s | fused ms/batch |%s%n|---|---:|---:|---:|---:|---:|%s%n",
        ort ? " ORT beats/s | fused / ORT |" : "", ort ? "---:|---:|" : ""));
    System.out.print(table);
    for (int t : threads) {
      Nd4jRuntime.setThreads(t);
      for (int e : embeddings) {
        List<ReconstructionEngine> engines = new ArrayList<>();
        for (Variant v : variants) {
          Architecture a = new Architecture(140, 1, e, v);
          Subject s = new Subject(v.name(), AutoencoderFactory.create(a, LossKind.L1, 1e-3, e), a, identity(1),
              LossKind.L1);
          engines.add(FusedLstmEngine.forModel(s.net, s.arch));
          if (ort) {
            engines.add(OrtEngines.of(s, t).get(0));
          }
        }
        int perVariant = ort ? 2 : 1;
        for (int batch : batches) {
          double[][] ms = rounds(engines, input(batch, new Architecture(140, 1, e)), batch);
          for (int k = 0; k < variants.size(); k++) {
            double f = median(ms[k * perVariant]);
            String ortCells = "";
            if (ort) {
              double o = median(ms[k * perVariant + 1]);
              ortCells = String.format(Locale.ROOT, " %.0f | %.2fx |", batch * 1000 / o, o / f);
            }
            String row = String.format(Locale.ROOT, "| %s | %d | %d | %d | %.0f | %.2f |%s%n", variants.get(k), e, t,
                batch, batch * 1000 / f, f, ortCells);
            table.append(row);
            System.out.print(row);
          }
        }
        closeAll(engines);
      }
    }
    if (out != null) {
      Files.writeString(out, table);
    }
    return 0;
  }

  /**
   * The subject exported to ONNX and run by ONNX Runtime: the network graph, and the scoring graph
   * as {@code export --onnx} writes it. A class of its own, loaded only when ONNX Runtime is there.
   */
  private static final class OrtEngines {
    static List<ReconstructionEngine> of(Subject s, int threads) {
      int length = s.arch.windowLength();
      int features = s.arch.features();
      OnnxRuntimeModel network = new OnnxRuntimeModel(OnnxExport.networkGraph(s.net, s.arch).toByteArray(), length,
          features, threads);
      OnnxRuntimeModel scoring = new OnnxRuntimeModel(
          OnnxExport.scoringGraph(s.net, s.arch, s.norm, s.loss, ErrorScore.SUM, java.util.Map.of()).toByteArray(), length, features, threads);
      return List.of(network, new ScoringGraph(scoring));
    }
  }

  /** The scoring graph timed as an engine: the random input taken as windows in original units. */
  private record ScoringGraph(OnnxRuntimeModel model) implements ReconstructionEngine, AutoCloseable {
    @Override
    public float[] reconstruct(float[] windows, int batch) {
      java.util.Map<String, float[]> out = model.run(windows, batch);
      return out.getOrDefault(OnnxExport.RECONSTRUCTION, out.get(OnnxExport.LATENT_RECONSTRUCTION));
    }

    @Override
    public String name() {
      return "onnxruntime, scoring graph";
    }

    @Override
    public void close() {
      model.close();
    }
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

  /** Closes the engines that hold native sessions (ONNX Runtime's). */
  private static void closeAll(List<ReconstructionEngine> engines) {
    for (ReconstructionEngine e : engines) {
      if (e instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      }
    }
  }
}

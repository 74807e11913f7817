package org.ecgstream.playground.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.playground.embedded.EmbeddedPipeline;
import org.ecgstream.playground.embedded.RunStats;
import org.ecgstream.schemas.BeatScore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The whole job on the embedded broker and a local Flink environment at fixed offered loads
 * (simulated patients at a heart rate) and flat out, in at-least-once and exactly-once mode:
 * sustained beats/s, latency from a beat's last sample to its committed score, batch sizes formed
 * and CPU use. Prints a Markdown table.
 *
 * <p>On a small machine the load generator and the broker share the cores with the job, so the
 * flat-out run is also timed from the moment the replayer has sent its last beat: the job then
 * drains the backlog with no load generator running. That rate is set against the model level
 * measured in the same process ({@link EngineReference}: the job's engine, batch size and thread
 * count), just before and after the runs.
 */
@Command(name = "pipeline-benchmark", mixinStandardHelpOptions = true,
    description = "Measure the pipeline at fixed offered loads and flat out.")
public final class PipelineBenchmark implements Callable<Integer> {
  @Option(names = "--patients", split = ",", defaultValue = "50,200,1000", description = "(default: ${DEFAULT-VALUE})")
  List<Integer> patients;

  @Option(names = "--bpm", defaultValue = "72", description = "Heart rate of every patient (default: ${DEFAULT-VALUE}).")
  int bpm;

  @Option(names = "--seconds", defaultValue = "20", description = "Offered-load duration per level (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--flat-out-beats", defaultValue = "40000",
      description = "Beats sent flat out; 0 skips. Enough that the job is still draining them well after the replayer "
          + "is done (default: ${DEFAULT-VALUE}).")
  int flatOut;

  @Option(names = "--warm-up-seconds", defaultValue = "10",
      description = "Unreported load at the first level before measuring, so that the job's start-up (JIT, ND4J "
          + "loading) does not land in the first level's latencies (default: ${DEFAULT-VALUE}).")
  int warmUpSeconds;

  @Option(names = "--reference-seconds", defaultValue = "5",
      description = "Seconds each model-level call (reconstruction alone, the scorer library's whole call) is "
          + "timed in this process before and after the runs, for the flat-out ratio; 0 skips (default: ${DEFAULT-VALUE}).")
  double referenceSeconds;

  @Option(names = "--modes", split = ",", defaultValue = "at-least-once,exactly-once", description = "(default: ${DEFAULT-VALUE})")
  List<String> modes;

  @Option(names = "--set", description = "Job configuration key=value (repeatable).")
  Map<String, String> overrides = Map.of();

  @Option(names = "--out", description = "Also write the table to this file.")
  Path out;

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.exit(new CommandLine(new PipelineBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (modes.isEmpty()) {
      System.err.println("error: --modes names no delivery mode");
      return 2;
    }
    List<LabelledWindow> beats = DatasetReader.read(ShippedData.ecg5000()).windows();
    Path model = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    StringBuilder table = new StringBuilder(
        "| mode | load | beats offered | beats scored | sustained beats/s | p50 latency ms | p99 latency ms | "
            + "median batch | max batch | CPU (cores) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    System.out.print(table);
    long beatMillis = 60_000L / bpm;
    JobConfig config = JobConfig.fromMap(settings(model, modes.get(0)), System::getenv);
    // The job's own model, engine, batch size and thread count (--set may have changed any of them).
    EngineReference reference = flatOut > 0 && referenceSeconds > 0 ? new EngineReference(config.modelPath(),
        config.scorerEngine(), config.scorerThreads(), config.batchMaxSize(), beats) : null;
    EngineReference.Rates before = reference == null ? null : reference.measure(referenceSeconds);
    Map<String, FlatOutDrain> drains = new java.util.LinkedHashMap<>();
    for (String mode : modes) {
      try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(settings(model, mode), 0)) {
        if (warmUpSeconds > 0 && !patients.isEmpty()) {
          int n = patients.get(0);
          ReplayPlan plan = plan(beats, n, Math.max(1, (int) (warmUpSeconds * 1000L / beatMillis)), "m" + mode.charAt(0) + "-warm-");
          EmbeddedPipeline.Run r = pipeline.replay(plan, beatMillis, true, Duration.ofSeconds(warmUpSeconds + 120L), a -> { }, c -> { });
          System.out.printf("(%s: warm-up of %d s at %d patients, %d of %d beats scored, not in the table)%n", mode,
              warmUpSeconds, n, r.seenAtMillis().size(), plan.beats());
        }
        for (int n : patients) {
          int perPatient = Math.max(1, (int) (seconds * 1000L / beatMillis));
          ReplayPlan plan = plan(beats, n, perPatient, "m" + mode.charAt(0) + "-p" + n + "-");
          row(table, mode, n + " patients @ " + bpm + " bpm", pipeline.replay(plan, beatMillis, true,
              Duration.ofSeconds(seconds + 120L), a -> { }, c -> { }), plan.beats());
        }
        if (flatOut > 0) {
          ReplayPlan plan = plan(beats, 100, Math.max(1, flatOut / 100), "m" + mode.charAt(0) + "-flat-");
          EmbeddedPipeline.Run r = pipeline.replay(plan, beatMillis, false, Duration.ofMinutes(10), a -> { }, c -> { },
              true);
          row(table, mode, "flat out", r, plan.beats());
          FlatOutDrain d = FlatOutDrain.of(r, plan.beats());
          line(table, String.format(Locale.ROOT, "| %s | flat out, after sending ended | – | %d | %.0f | – | – | %d | %d | %.2f |%n",
              mode, d.left(), d.beatsPerSecond(), d.medianBatch(), d.maxBatch(), d.cores()));
          drains.put(mode, d);
        }
      }
    }
    if (reference != null) {
      line(table, footer(config, before, reference.measure(referenceSeconds), drains));
    }
    if (out != null) {
      Files.writeString(out, table);
    }
    return 0;
  }

  /** The drain rates against the model level measured in this process before and after the runs. */
  private static String footer(JobConfig c, EngineReference.Rates before, EngineReference.Rates after,
                               Map<String, FlatOutDrain> drains) {
    StringBuilder f = new StringBuilder(String.format(Locale.ROOT, "%nModel level in this process (%s engine, batch %d, "
            + "%d thread(s)), before / after the runs: reconstruction alone %.0f / %.0f beats/s, the scorer library's "
            + "whole call %.0f / %.0f beats/s.%n", c.scorerEngine(), c.batchMaxSize(), c.scorerThreads(),
        before.reconstruction(), after.reconstruction(), before.scorer(), after.scorer()));
    drains.forEach((mode, d) -> {
      if (!d.longEnough()) {
        f.append(String.format(Locale.ROOT, "Flat out, %s: the job drained for only %.1f s after sending ended "
            + "(under %.0f s): no ratio; raise --flat-out-beats.%n", mode, d.seconds(), FlatOutDrain.MIN_SECONDS));
        return;
      }
      f.append(String.format(Locale.ROOT, "Flat out, %s, after sending ended: %.0f beats/s over %.1f s (%d of %d beats) "
              + "= %.0f–%.0f %% of reconstruction alone, %.0f–%.0f %% of the scorer library (before / after).%n", mode,
          d.beatsPerSecond(), d.seconds(), d.left(), d.planned(),
          percent(d.beatsPerSecond(), Math.max(before.reconstruction(), after.reconstruction())),
          percent(d.beatsPerSecond(), Math.min(before.reconstruction(), after.reconstruction())),
          percent(d.beatsPerSecond(), Math.max(before.scorer(), after.scorer())),
          percent(d.beatsPerSecond(), Math.min(before.scorer(), after.scorer()))));
    });
    return f.toString();
  }

  private static double percent(double part, double whole) {
    return 100 * part / whole;
  }

  private Map<String, String> settings(Path model, String mode) {
    Map<String, String> settings = new java.util.LinkedHashMap<>(Map.of("model.path", model.toString(),
        "delivery.guarantee", mode, "parallelism", "1", "checkpoint.interval.ms", "1000",
        "transactional.id.prefix", "bench-" + System.nanoTime(), "transaction.timeout.ms", "120000"));
    settings.putAll(overrides);
    return settings;
  }

  private static ReplayPlan plan(List<LabelledWindow> beats, int patients, int perPatient, String prefix) {
    List<LabelledWindow> picked = new ArrayList<>(patients * perPatient);
    for (int i = 0; i < patients * perPatient; i++) {
      picked.add(beats.get(i % beats.size()));
    }
    return ReplayPlan.roundRobin(picked, patients, prefix);
  }

  private static void row(StringBuilder table, String mode, String load, EmbeddedPipeline.Run r, int offered) {
    Map<String, Long> sent = r.sent().beatSentAtMillis();
    double[] latency = RunStats.latencies(sent, r.seenAtMillis());
    int[] batches = r.scores().stream().mapToInt(BeatScore::getBatchSize).sorted().toArray();
    long firstSent = sent.values().stream().mapToLong(Long::longValue).min().orElse(0);
    long lastSeen = r.seenAtMillis().values().stream().mapToLong(Long::longValue).max().orElse(0);
    line(table, String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %.0f | %.0f | %d | %d | %.2f |%n", mode, load,
        offered, r.scores().size(), RunStats.throughput(sent, r.seenAtMillis()), RunStats.percentile(latency, 50),
        RunStats.percentile(latency, 99), batches.length == 0 ? 0 : batches[batches.length / 2],
        batches.length == 0 ? 0 : batches[batches.length - 1], r.cpu().cores(firstSent, lastSeen)));
  }

  private static void line(StringBuilder table, String line) {
    table.append(line);
    System.out.print(line);
  }
}

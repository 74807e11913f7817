package org.ecgstream.job.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.embedded.EmbeddedPipeline;
import org.ecgstream.job.embedded.RunStats;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.schemas.BeatScore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole job on the embedded broker and a local Flink environment at fixed offered loads
 * (simulated patients at a heart rate) and flat out, in at-least-once and exactly-once mode:
 * sustained beats/s, latency from a beat's last sample to its committed score, batch sizes formed
 * and CPU use. Prints a Markdown table.
 *
 * <p>On a small machine the load generator and the broker share the cores with the job, so the
 * flat-out run is also timed from the moment the replayer has sent its last beat: the job then
 * drains the backlog with no load generator running. That rate is set against the scoring
 * engine's own rate measured in the same process, at the job's batch size and thread count, just
 * before and after the measured runs.
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
      description = "Seconds the scoring engine alone is timed, before and after the measured runs; 0 skips "
          + "(default: ${DEFAULT-VALUE}).")
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
    List<LabelledWindow> beats = DatasetReader.read(ShippedData.ecg5000()).windows();
    Path model = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    StringBuilder table = new StringBuilder(
        "| mode | load | beats offered | beats scored | sustained beats/s | p50 latency ms | p99 latency ms | "
            + "median batch | max batch | CPU (cores) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    System.out.print(table);
    long beatMillis = 60_000L / bpm;
    JobConfig config = JobConfig.fromMap(settings(model, modes.get(0)), k -> null);
    EngineReference engine = referenceSeconds <= 0 ? null
        : new EngineReference(model, config.scorerEngine(), config.scorerThreads(), config.batchMaxSize());
    double engineBefore = engine == null ? Double.NaN : engine.beatsPerSecond(referenceSeconds);
    Map<String, Double> drainRates = new java.util.LinkedHashMap<>();
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
          EmbeddedPipeline.Run r = pipeline.replay(plan, beatMillis, false, Duration.ofMinutes(10), a -> { }, c -> { });
          row(table, mode, "flat out", r, plan.beats());
          long sendingEnded = r.sent().beatSentAtMillis().values().stream().mapToLong(Long::longValue).max().orElse(0);
          long[] scoredAt = r.scores().stream().mapToLong(BeatScore::getScoredAtMillis).toArray();
          int left = (int) java.util.Arrays.stream(scoredAt).filter(t -> t > sendingEnded).count();
          double rate = RunStats.rateAfter(scoredAt, sendingEnded);
          row(table, mode, "flat out, after sending ended", r, left, left, rate, "– | –", r.cpuCoresAfterSending());
          drainRates.put(mode, rate);
        }
      }
    }
    if (engine != null) {
      double engineAfter = engine.beatsPerSecond(referenceSeconds);
      double mean = (engineBefore + engineAfter) / 2;
      StringBuilder footer = new StringBuilder(String.format(Locale.ROOT,
          "%nScoring engine alone in this process (%s, batch %d, %d thread(s)): %.0f beats/s before the runs, %.0f after.%n",
          config.scorerEngine(), config.batchMaxSize(), config.scorerThreads(), engineBefore, engineAfter));
      drainRates.forEach((mode, rate) -> footer.append(String.format(Locale.ROOT,
          "Flat out, %s, after sending ended: %.0f beats/s, %.0f %% of the engine alone (mean of before and after).%n",
          mode, rate, 100 * rate / mean)));
      table.append(footer);
      System.out.print(footer);
    }
    if (out != null) {
      Files.writeString(out, table);
    }
    return 0;
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
    double[] latency = RunStats.latencies(r.sent().beatSentAtMillis(), r.seenAtMillis());
    row(table, mode, load, r, offered, r.scores().size(), RunStats.throughput(r.sent().beatSentAtMillis(), r.seenAtMillis()),
        String.format(Locale.ROOT, "%.0f | %.0f", RunStats.percentile(latency, 50), RunStats.percentile(latency, 99)),
        r.cpuCoresWhileScoring());
  }

  private static void row(StringBuilder table, String mode, String load, EmbeddedPipeline.Run r, int offered, int scored,
                          double rate, String latencies, double cores) {
    int[] batches = r.scores().stream().mapToInt(BeatScore::getBatchSize).sorted().toArray();
    String line = String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %s | %d | %d | %.2f |%n", mode, load,
        offered, scored, rate, latencies, batches.length == 0 ? 0 : batches[batches.length / 2],
        batches.length == 0 ? 0 : batches[batches.length - 1], cores);
    table.append(line);
    System.out.print(line);
  }
}

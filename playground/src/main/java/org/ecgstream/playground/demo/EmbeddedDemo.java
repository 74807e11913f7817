package org.ecgstream.playground.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.KafkaAccessCheck;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.playground.embedded.EmbeddedPipeline;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The quick start: an in-JVM Kafka broker and a local Flink with its web UI, the real job, and
 * ECG5000 beats the model never trained on replayed as patients (or, with {@code --data},
 * continuous WFDB records as bedside monitors: {@link RecordDemo}); alerts are printed as they are
 * committed, and a summary (also as JSON) ends the run.
 */
@Command(name = "ecg-demo", mixinStandardHelpOptions = true,
    description = "Run the whole pipeline on an embedded Kafka broker and a local Flink environment.")
public final class EmbeddedDemo implements Callable<Integer> {
  @Option(names = "--patients", defaultValue = "6", description = "Simulated patients (default: ${DEFAULT-VALUE}).")
  int patients;

  @Option(names = "--arrhythmic", defaultValue = "2",
      description = "How many of them have a run of abnormal beats (default: ${DEFAULT-VALUE}).")
  int arrhythmic;

  @Option(names = "--beats", defaultValue = "35", description = "Beats per patient (default: ${DEFAULT-VALUE}).")
  int beats;

  @Option(names = "--pace", defaultValue = "realtime",
      description = "realtime (one beat per --beat-ms per patient) or max (default: ${DEFAULT-VALUE}).")
  String pace;

  @Option(names = "--beat-ms", defaultValue = "800", description = "Duration of one 140-sample beat (default: ${DEFAULT-VALUE}).")
  long beatMillis;

  @Option(names = "--summary-json", description = "Where the summary is written as JSON (default: "
      + "demo-summary.json beside the library log).")
  Path summaryJson = outputs().resolve("demo-summary.json");

  @Option(names = "--web-ui-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
  int webUiPort;

  @Option(names = "--kafka-port", defaultValue = "9092", description = "Where the embedded broker also listens, "
      + "for bin/ecg tail (its default); skipped if taken; 0: not (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--stay", defaultValue = "AUTO", description = "Keep Kafka and Flink up after the summary until "
      + "Enter, to read the topics: AUTO (when run from a terminal), YES, NO (default: ${DEFAULT-VALUE}).")
  DemoServers.Stay stay;

  @Option(names = "--data", split = ",", description = "Continuous WFDB records to replay instead of ECG5000 beats, "
      + "e.g. data/mitdb/208.hea (comma-separated: several monitors).")
  List<Path> data;

  @Option(names = "--speed", defaultValue = "20", description = "With --data: times faster than real time "
      + "(default: ${DEFAULT-VALUE}; --pace max sends flat out).")
  double speed;

  @Option(names = "--learning-s", defaultValue = "300", description = "With --data: each patient's learning period, "
      + "in seconds of the record (default: ${DEFAULT-VALUE}, as EC57).")
  double learningSeconds;

  @Option(names = "--skab", description = "The telemetry demo: the SKAB experiments in this folder (valve1/, valve2/, "
      + "other/; not shipped, GPL-3.0) as pumps, each learning its own model in the stream; ends with SKAB's figures "
      + "from the streamed scores beside the offline command's.")
  Path skab;

  @Option(names = "--secured", description = "Run Kafka as a hospital would: TLS (a certificate authority made for "
      + "this run), SCRAM-SHA-512 logins and ACLs; the job, the replay and this console each log in as their own "
      + "principal with only their rights.")
  boolean secured;

  @Option(names = "--set", description = "Any job configuration key=value (repeatable), e.g. --set alert.k=2.")
  Map<String, String> overrides = Map.of();

  /** Where the libraries' log lines go, so the console shows only alerts, progress and the summary. */
  static final Path LOG_FILE = outputs().resolve("ecg-demo.log");

  /**
   * Where the demo writes: the checkout's target/ when the launcher names the checkout
   * (ecg.home), so a run from another directory leaves nothing there; else ./target.
   */
  static Path outputs() {
    String home = System.getProperty(ShippedData.HOME_PROPERTY);
    return (home == null ? Path.of("") : Path.of(home)).toAbsolutePath().resolve("target");
  }

  public static void main(String[] args) throws java.io.IOException {
    Files.createDirectories(LOG_FILE.getParent());
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", LOG_FILE.toString());
    System.out.println("library log: " + LOG_FILE.toAbsolutePath());
    int code = commandLine().execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    if (skab != null) {
      SkabDemo.Result r = SkabDemo.run(skab, overrides, servers(), summaryJson);
      return r.differingRows() == 0 ? 0 : 1;
    }
    if (data != null && !data.isEmpty()) {
      return RecordDemo.run(data, pace.equalsIgnoreCase("max") ? Double.POSITIVE_INFINITY : speed, learningSeconds,
          overrides, servers(), summaryJson);
    }
    Path model = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    ModelMetadata meta = ModelFile.readMetadata(model);
    ModelMetadata.DatasetInfo d = meta.dataset();
    NormalSplit split = d.split(DatasetReader.read(ShippedData.ecg5000()));
    ReplayPlan plan = DemoPlan.of(split, patients, arrhythmic, beats);
    System.out.printf("model %s (threshold %.3f); %d patients (%d arrhythmic), %d held-out ECG5000 beats%n",
        meta.modelVersion(), meta.threshold().value(), patients, arrhythmic, plan.beats());

    System.out.println("starting the embedded Kafka broker and Flink...");
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = new java.util.LinkedHashMap<>(Map.of("model.path", model.toString(),
        "transactional.id.prefix", "demo-" + run, "parallelism", "1", "checkpoint.interval.ms", "1000",
        "transaction.timeout.ms", "60000"));
    settings.putAll(overrides);
    DemoServers servers = servers();
    try (EmbeddedPipeline pipeline = servers.start(settings)) {
      JobConfig config = pipeline.config();
      announce(pipeline, servers.webUiPort());
      int[] reported = {0};
      EmbeddedPipeline.Run r = pipeline.replay(plan, beatMillis, !pace.equalsIgnoreCase("max"),
          Duration.ofMinutes(5).plusMillis(plan.beats() * beatMillis), a -> System.out.println(describe(a)), n -> {
            if (n >= reported[0] + 25) {
              reported[0] = n - n % 25;
              System.out.printf("  ... %d/%d beats scored and committed%n", n, plan.beats());
            }
          });
      DemoSummary summary = DemoSummary.of(plan, r.scores(), r.alerts(), r.deadLetters(), r.sent().beatSentAtMillis(),
          r.seenAtMillis(), d.normalLabel(), config.exactlyOnce() ? "exactly-once" : "at-least-once");
      System.out.println(summary.text());
      Path json = summaryJson.toAbsolutePath();
      Files.createDirectories(json.getParent());
      Files.writeString(json, ModelFile.json().writeValueAsString(summary));
      System.out.println("summary written to " + json);
      servers.lingerAfterSummary(pipeline.hostBootstrap(), config.alertsTopic());
      return summary.beatsScored() == plan.beats() ? 0 : 1;
    }
  }

  /** The demo's command line as {@link #main} runs it (without main's logging set-up and exit). */
  static CommandLine commandLine() {
    return new CommandLine(new EmbeddedDemo()).setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(EmbeddedDemo::kafkaRefusalInOneLine);
  }

  /** The broker's refusal of the job (a right, a password, a certificate) in one line; anything else as it came. */
  static int kafkaRefusalInOneLine(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof KafkaAccessCheck.AccessDenied) {
      cmd.getErr().println("error: " + e.getMessage());
      return 1;
    }
    throw e;
  }

  private DemoServers servers() {
    return new DemoServers(DemoServers.usableWebUiPort(webUiPort), kafkaPort, stay, secured);
  }

  /** Where to watch: the web UI, and the topics for the tail tool. */
  static void announce(EmbeddedPipeline pipeline, int webUiPort) {
    JobConfig c = pipeline.config();
    System.out.println("Flink job " + pipeline.jobId() + " running; web UI at http://localhost:" + webUiPort);
    System.out.println(DemoServers.access(pipeline));
  }

  /** The console's word for an alert event, padded to one width. */
  static String icon(Alert a) {
    return a.getKind() == AlertKind.OPENED ? "ALERT  " : a.getKind() == AlertKind.CLOSED ? "cleared" : "update ";
  }

  private static String describe(Alert a) {
    return String.format("%s %-10s %s: %s (beats %d, anomalous %d, peak loss %.1f)", icon(a), a.getSourceId(), a.getKind(),
        a.getReason(), a.getBeats(), a.getAnomalousBeats(), a.getPeakLoss());
  }
}

package org.ecgstream.job.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ecgstream.job.EcgAnomalyJob;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.embedded.CommittedTopicReader;
import org.ecgstream.job.embedded.EmbeddedKafka;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The quick start: an in-JVM Kafka broker and a local Flink with its web UI, the real job, and
 * ECG5000 beats the model never trained on replayed as patients; alerts are printed as they are
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

  @Option(names = "--summary-json", defaultValue = "target/demo-summary.json",
      description = "Where the summary is written as JSON (default: ${DEFAULT-VALUE}).")
  Path summaryJson;

  @Option(names = "--web-ui-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
  int webUiPort;

  @Option(names = "--set", description = "Any job configuration key=value (repeatable), e.g. --set alert.k=2.")
  Map<String, String> overrides = Map.of();

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int code = new CommandLine(new EmbeddedDemo()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    Path model = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    ModelMetadata meta = ModelFile.readMetadata(model);
    ModelMetadata.DatasetInfo d = meta.dataset();
    NormalSplit split = NormalSplit.of(DatasetReader.read(ShippedData.ecg5000()), d.normalLabel(),
        d.validationFraction(), d.testFraction(), d.splitSeed());
    ReplayPlan plan = DemoPlan.of(split, patients, arrhythmic, beats);
    System.out.printf("model %s (threshold %.3f); %d patients (%d arrhythmic), %d held-out ECG5000 beats%n",
        meta.modelVersion(), meta.threshold().value(), patients, arrhythmic, plan.beats());

    System.out.println("starting the embedded Kafka broker...");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String run = UUID.randomUUID().toString().substring(0, 8);
      Map<String, String> settings = new java.util.LinkedHashMap<>(Map.of(
          "bootstrap.servers", kafka.bootstrapServers(), "model.path", model.toString(),
          "transactional.id.prefix", "demo-" + run, "parallelism", "1", "checkpoint.interval.ms", "1000",
          "source.idleness.ms", "1000", "transaction.timeout.ms", "60000"));
      settings.putAll(overrides);
      JobConfig config = JobConfig.fromMap(settings, System::getenv);
      kafka.createTopics(2, config.samplesTopic(), config.scoresTopic(), config.alertsTopic(), config.deadLettersTopic());
      System.out.println("Kafka at " + kafka.bootstrapServers() + "; " + config);

      Configuration flinkConf = new Configuration();
      flinkConf.set(RestOptions.PORT, webUiPort);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flinkConf);
      EcgAnomalyJob.build(env, config, UnaryOperator.identity());
      JobClient job = env.executeAsync("ecg-anomaly-detection (demo)");
      System.out.println("Flink job " + job.getJobID() + " submitted; web UI at http://localhost:" + webUiPort);

      Map<String, Long> seenAt = new ConcurrentHashMap<>();
      List<Alert> alerts = new CopyOnWriteArrayList<>();
      try (var scores = new CommittedTopicReader<>(kafka.clientProperties(), config.scoresTopic(), BeatScore.class);
           var alertReader = new CommittedTopicReader<>(kafka.clientProperties(), config.alertsTopic(), Alert.class);
           var dead = new CommittedTopicReader<>(kafka.clientProperties(), config.deadLettersTopic(), DeadLetter.class);
           KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(kafka.clientProperties())) {
        ArchiveReplayer replayer = new ArchiveReplayer(producer, config.samplesTopic(), 35, beatMillis,
            !pace.equalsIgnoreCase("max"));
        var replay = new java.util.concurrent.CompletableFuture<ArchiveReplayer.Result>();
        Thread sender = new Thread(() -> {
          try {
            replay.complete(replayer.replay(plan, System.currentTimeMillis(), System.out));
          } catch (RuntimeException e) {
            replay.completeExceptionally(e);
          }
        }, "replay");
        sender.start();

        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos() + plan.beats() * beatMillis * 1_000_000L;
        int lastReported = 0;
        while (scores.records().size() < plan.beats() && System.nanoTime() < deadline) {
          scores.poll(Duration.ofMillis(100), s -> seenAt.put(ArchiveReplayer.beatKey(s.getSourceId(), s.getFirstSequence()),
              System.currentTimeMillis()));
          alertReader.poll(Duration.ofMillis(1), a -> {
            alerts.add(a);
            System.out.println(describe(a));
          });
          int n = scores.records().size();
          if (n >= lastReported + 25) {
            lastReported = n - n % 25;
            System.out.printf("  ... %d/%d beats scored and committed%n", n, plan.beats());
          }
        }
        alertReader.drain(Duration.ofSeconds(2)).stream().skip(alerts.size()).forEach(a -> {
          alerts.add(a);
          System.out.println(describe(a));
        });
        ArchiveReplayer.Result sent = replay.get();
        int deadLetters = dead.drain(Duration.ofMillis(500)).size();
        DemoSummary summary = DemoSummary.of(plan, scores.records(), alerts, deadLetters, sent.beatSentAtMillis(), seenAt,
            d.normalLabel(), config.exactlyOnce() ? "exactly-once" : "at-least-once");
        System.out.println(summary.text());
        Path json = summaryJson.toAbsolutePath();
        Files.createDirectories(json.getParent());
        Files.writeString(json, ModelFile.json().writeValueAsString(summary));
        System.out.println("summary written to " + json);
        return summary.beatsScored() == plan.beats() ? 0 : 1;
      } finally {
        job.cancel().get();
      }
    }
  }

  private static String describe(Alert a) {
    String icon = a.getKind() == AlertKind.OPENED ? "ALERT  " : a.getKind() == AlertKind.CLOSED ? "cleared" : "update ";
    return String.format("%s %-10s %s: %s (beats %d, anomalous %d, peak loss %.1f)", icon, a.getSourceId(), a.getKind(),
        a.getReason(), a.getBeats(), a.getAnomalousBeats(), a.getPeakLoss());
  }
}

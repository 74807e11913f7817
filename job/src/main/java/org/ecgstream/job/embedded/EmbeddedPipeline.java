package org.ecgstream.job.embedded;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ecgstream.job.EcgAnomalyJob;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;

/**
 * The real job on an in-JVM Kafka broker and a local Flink environment: start it, replay a plan
 * into it, and collect what it committed. Used by the embedded demo and the pipeline benchmark.
 */
public final class EmbeddedPipeline implements AutoCloseable {
  /**
   * What one replay produced, as a read_committed consumer saw it. {@code cpuCoresWhileScoring}
   * is the process's CPU use between the first and the last committed score, which leaves out
   * the reader's quiet tail; {@code cpuCoresAfterSending} the same from the moment the replayer
   * had sent everything (NaN where no score came after it).
   */
  public record Run(ArchiveReplayer.Result sent, List<BeatScore> scores, List<Alert> alerts, int deadLetters,
                    Map<String, Long> seenAtMillis, double cpuSeconds, double wallSeconds, double cpuCoresWhileScoring,
                    double cpuCoresAfterSending) {}

  private final EmbeddedKafka kafka;
  private final JobConfig config;
  private final JobClient job;

  private EmbeddedPipeline(EmbeddedKafka kafka, JobConfig config, JobClient job) {
    this.kafka = kafka;
    this.config = config;
    this.job = job;
  }

  /**
   * Starts the broker, creates the topics and submits the job.
   *
   * @param settings job configuration; {@code bootstrap.servers} is filled in
   * @param webUiPort Flink web UI port, or 0 for none
   */
  public static EmbeddedPipeline start(Map<String, String> settings, int webUiPort) throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      Map<String, String> s = new java.util.LinkedHashMap<>(settings);
      s.put("bootstrap.servers", kafka.bootstrapServers());
      JobConfig config = JobConfig.fromMap(s, System::getenv);
      kafka.createTopics(2, config.samplesTopic(), config.scoresTopic(), config.alertsTopic(), config.deadLettersTopic());
      StreamExecutionEnvironment env;
      if (webUiPort > 0) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, webUiPort);
        env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
      } else {
        env = StreamExecutionEnvironment.createLocalEnvironment();
      }
      EcgAnomalyJob.build(env, config, UnaryOperator.identity());
      return new EmbeddedPipeline(kafka, config, env.executeAsync("ecg-anomaly-detection (embedded)"));
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  public JobConfig config() {
    return config;
  }

  public String jobId() {
    return job.getJobID().toString();
  }

  /**
   * Replays {@code plan} and reads committed scores until every beat is scored or the timeout
   * passes; alerts are handed to {@code onAlert} as they are committed, the count of committed
   * scores to {@code onProgress}.
   */
  public Run replay(ReplayPlan plan, long beatMillis, boolean realTime, Duration timeout, Consumer<Alert> onAlert,
                    IntConsumer onProgress) throws Exception {
    Map<String, Long> seenAt = new ConcurrentHashMap<>();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long wallStart = System.nanoTime();
    Properties readers = kafka.clientProperties();
    if (!realTime) {
      // A flat-out run's latencies are queueing time, so the reader may fetch in large chunks:
      // polling for every few records cost it about 0.03 ms of CPU per score (measured), CPU
      // taken from the job here but not in a deployment, where readers run elsewhere.
      readers.setProperty("fetch.min.bytes", String.valueOf(1 << 20));
      readers.setProperty("fetch.max.wait.ms", "200");
    }
    try (var scores = new CommittedTopicReader<>(readers, config.scoresTopic(), BeatScore.class);
         var alerts = new CommittedTopicReader<>(readers, config.alertsTopic(), Alert.class);
         var dead = new CommittedTopicReader<>(readers, config.deadLettersTopic(), DeadLetter.class);
         KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(kafka.clientProperties())) {
      ArchiveReplayer replayer = new ArchiveReplayer(producer, config.samplesTopic(), 35, beatMillis, realTime);
      CompletableFuture<ArchiveReplayer.Result> sent = CompletableFuture.supplyAsync(
          () -> replayer.replay(plan, System.currentTimeMillis(), System.out));
      // The topics may hold earlier replays: count only this plan's sources.
      java.util.Set<String> sources = plan.bySource().keySet();
      List<BeatScore> mine = new java.util.ArrayList<>();
      List<Alert> myAlerts = new java.util.ArrayList<>();
      Consumer<Alert> alertSink = a -> {
        if (sources.contains(a.getSourceId())) {
          myAlerts.add(a);
          onAlert.accept(a);
        }
      };
      long deadline = System.nanoTime() + timeout.toNanos();
      long[] first = null;
      long[] sendingEnded = null;
      long[] last = null;
      while (mine.size() < plan.beats() && System.nanoTime() < deadline) {
        int before = mine.size();
        scores.poll(Duration.ofMillis(100), s -> {
          if (sources.contains(s.getSourceId())) {
            mine.add(s);
            seenAt.put(ArchiveReplayer.beatKey(s.getSourceId(), s.getFirstSequence()), System.currentTimeMillis());
          }
        });
        long[] now = {os.getProcessCpuTime(), System.nanoTime()};
        if (sendingEnded == null && sent.isDone()) {
          sendingEnded = now;
        }
        if (mine.size() > before) {
          last = now;
          first = first == null ? now : first;
        }
        alerts.poll(Duration.ofMillis(1), alertSink);
        onProgress.accept(mine.size());
      }
      long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < end) {
        alerts.poll(Duration.ofMillis(100), alertSink);
      }
      ArchiveReplayer.Result result = sent.get();
      int deadLetters = (int) dead.drain(Duration.ofMillis(500)).stream()
          .filter(x -> x.getSourceId() == null || sources.contains(x.getSourceId())).count();
      return new Run(result, List.copyOf(mine), List.copyOf(myAlerts), deadLetters, Map.copyOf(seenAt),
          (os.getProcessCpuTime() - cpuStart) / 1e9, (System.nanoTime() - wallStart) / 1e9, coresBetween(first, last),
          coresBetween(sendingEnded, last));
    }
  }

  /** CPU cores the process used between two (CPU nanos, wall nanos) samples; NaN if not later. */
  private static double coresBetween(long[] from, long[] to) {
    return from == null || to == null || to[1] <= from[1] ? Double.NaN : (double) (to[0] - from[0]) / (to[1] - from[1]);
  }

  @Override
  public void close() throws Exception {
    try {
      job.cancel().get();
    } finally {
      kafka.close();
    }
  }
}

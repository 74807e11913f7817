package org.ecgstream.job.embedded;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
   * is the process's CPU use between the first and the last committed score (NaN with fewer than
   * two polls that brought scores): unlike {@code cpuSeconds / wallSeconds} it leaves out the job's
   * start and the reader's quiet tail.
   */
  public record Run(ArchiveReplayer.Result sent, List<BeatScore> scores, List<Alert> alerts, int deadLetters,
                    Map<String, Long> seenAtMillis, double cpuSeconds, double wallSeconds, double cpuCoresWhileScoring) {}

  private final EmbeddedKafka kafka;
  private final JobConfig config;
  private JobClient job;

  private EmbeddedPipeline(EmbeddedKafka kafka, JobConfig config) {
    this.kafka = kafka;
    this.config = config;
  }

  /**
   * Starts the broker, creates the topics and submits the job.
   *
   * @param settings job configuration; {@code bootstrap.servers} is filled in
   * @param webUiPort Flink web UI port, or 0 for none
   */
  public static EmbeddedPipeline start(Map<String, String> settings, int webUiPort) throws Exception {
    EmbeddedPipeline pipeline = brokerOnly(settings);
    try {
      pipeline.submitJob(webUiPort);
      return pipeline;
    } catch (Exception | Error e) {
      pipeline.close();
      throw e;
    }
  }

  /**
   * Starts the broker and creates the topics, without the job: a caller can fill the samples
   * topic first ({@link #preload}) and then {@link #submitJob} to measure how fast the job drains
   * a backlog with no load generator competing for the CPU.
   */
  public static EmbeddedPipeline brokerOnly(Map<String, String> settings) throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      Map<String, String> s = new java.util.LinkedHashMap<>(settings);
      s.put("bootstrap.servers", kafka.bootstrapServers());
      JobConfig config = JobConfig.fromMap(s, System::getenv);
      kafka.createTopics(2, config.samplesTopic(), config.scoresTopic(), config.alertsTopic(), config.deadLettersTopic());
      return new EmbeddedPipeline(kafka, config);
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  /** Submits the job (once); with a web UI on {@code webUiPort} unless it is 0. */
  public void submitJob(int webUiPort) throws Exception {
    if (job != null) {
      throw new IllegalStateException("the job is already running");
    }
    StreamExecutionEnvironment env;
    if (webUiPort > 0) {
      Configuration conf = new Configuration();
      conf.set(RestOptions.PORT, webUiPort);
      env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    } else {
      env = StreamExecutionEnvironment.createLocalEnvironment();
    }
    EcgAnomalyJob.build(env, config, UnaryOperator.identity());
    job = env.executeAsync("ecg-anomaly-detection (embedded)");
  }

  /** Sends {@code plan} as fast as the broker takes it and waits until all of it is acknowledged. */
  public ArchiveReplayer.Result preload(ReplayPlan plan, long beatMillis) {
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(kafka.clientProperties())) {
      return new ArchiveReplayer(producer, config.samplesTopic(), 35, beatMillis, false)
          .replay(plan, System.currentTimeMillis(), System.out);
    }
  }

  public JobConfig config() {
    return config;
  }

  public String jobId() {
    return requireJob().getJobID().toString();
  }

  private JobClient requireJob() {
    if (job == null) {
      throw new IllegalStateException("the job was not submitted");
    }
    return job;
  }

  /**
   * Replays {@code plan} and reads committed scores until every beat is scored or the timeout
   * passes; alerts are handed to {@code onAlert} as they are committed, the count of committed
   * scores to {@code onProgress}.
   */
  public Run replay(ReplayPlan plan, long beatMillis, boolean realTime, Duration timeout, Consumer<Alert> onAlert,
                    IntConsumer onProgress) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(kafka.clientProperties())) {
      ArchiveReplayer replayer = new ArchiveReplayer(producer, config.samplesTopic(), 35, beatMillis, realTime);
      return collect(plan, () -> replayer.replay(plan, System.currentTimeMillis(), System.out), timeout, onAlert,
          onProgress);
    }
  }

  /**
   * Reads what the job commits for {@code plan}, whose beats are already in the samples topic
   * (see {@link #preload}), until every beat is scored or the timeout passes.
   */
  public Run collect(ReplayPlan plan, ArchiveReplayer.Result preloaded, Duration timeout) throws Exception {
    return collect(plan, () -> preloaded, timeout, a -> { }, c -> { });
  }

  private Run collect(ReplayPlan plan, java.util.function.Supplier<ArchiveReplayer.Result> send, Duration timeout,
                      Consumer<Alert> onAlert, IntConsumer onProgress) throws Exception {
    requireJob();
    Map<String, Long> seenAt = new ConcurrentHashMap<>();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long wallStart = System.nanoTime();
    try (var scores = new CommittedTopicReader<>(kafka.clientProperties(), config.scoresTopic(), BeatScore.class);
         var alerts = new CommittedTopicReader<>(kafka.clientProperties(), config.alertsTopic(), Alert.class);
         var dead = new CommittedTopicReader<>(kafka.clientProperties(), config.deadLettersTopic(), DeadLetter.class)) {
      CompletableFuture<ArchiveReplayer.Result> sent = CompletableFuture.supplyAsync(send);
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
      long[] firstCpuAndNanos = null;
      long[] lastCpuAndNanos = null;
      while (mine.size() < plan.beats() && System.nanoTime() < deadline) {
        int before = mine.size();
        scores.poll(Duration.ofMillis(100), s -> {
          if (sources.contains(s.getSourceId())) {
            mine.add(s);
            seenAt.put(ArchiveReplayer.beatKey(s.getSourceId(), s.getFirstSequence()), System.currentTimeMillis());
          }
        });
        if (mine.size() > before) {
          lastCpuAndNanos = new long[] {os.getProcessCpuTime(), System.nanoTime()};
          firstCpuAndNanos = firstCpuAndNanos == null ? lastCpuAndNanos : firstCpuAndNanos;
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
          (os.getProcessCpuTime() - cpuStart) / 1e9, (System.nanoTime() - wallStart) / 1e9,
          coresBetween(firstCpuAndNanos, lastCpuAndNanos));
    }
  }

  private static double coresBetween(long[] first, long[] last) {
    return first == null || last[1] == first[1] ? Double.NaN : (double) (last[0] - first[0]) / (last[1] - first[1]);
  }

  @Override
  public void close() throws Exception {
    try {
      if (job != null) {
        job.cancel().get();
      }
    } finally {
      kafka.close();
    }
  }
}

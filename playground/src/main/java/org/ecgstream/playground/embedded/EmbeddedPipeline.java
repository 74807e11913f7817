package org.ecgstream.playground.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.ecgstream.job.EcgAnomalyJob;
import org.ecgstream.job.JobEnds;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.io.KafkaAccessCheck;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.playground.secured.SecuredKafka;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;

/**
 * The real job on an in-JVM Kafka broker and a local Flink environment: start it, replay a plan
 * into it, and collect what it committed. Used by the embedded demo and the pipeline benchmark.
 */
public final class EmbeddedPipeline implements AutoCloseable {
  /**
   * What one replay produced, as a read_committed consumer saw it; {@code cpu} gives the process's
   * CPU use over any span of the run.
   */
  public record Run(ArchiveReplayer.Result sent, List<BeatScore> scores, List<Alert> alerts, int deadLetters,
                    Map<String, Long> seenAtMillis, CpuTrace cpu, List<String> firstDeadLetterReasons) {}

  private final AutoCloseable broker;
  private final JobConfig config;
  private final JobClient job;
  /** How the replay's producer and the readers connect (their own principals on a secured broker). */
  private final Properties producerClient;
  private final Properties readerClient;
  /** Where other processes reach the broker, or null where they cannot (a secured broker). */
  private final String hostBootstrap;

  private EmbeddedPipeline(AutoCloseable broker, JobConfig config, JobClient job, Properties producerClient,
                           Properties readerClient, String hostBootstrap) {
    this.broker = broker;
    this.config = config;
    this.job = job;
    this.producerClient = producerClient;
    this.readerClient = readerClient;
    this.hostBootstrap = hostBootstrap;
  }

  /**
   * Starts the broker, creates the topics and submits the job.
   *
   * @param settings job configuration; {@code bootstrap.servers} is filled in
   * @param webUiPort Flink web UI port, or 0 for none
   */
  public static EmbeddedPipeline start(Map<String, String> settings, int webUiPort) throws Exception {
    return start(settings, webUiPort, 0);
  }

  /** As {@link #start(Map, int)}; the broker also listens on {@code hostPort} of localhost (0: not). */
  public static EmbeddedPipeline start(Map<String, String> settings, int webUiPort, int hostPort) throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(hostPort);
    try {
      Map<String, String> s = new java.util.LinkedHashMap<>(settings);
      s.put("bootstrap.servers", kafka.bootstrapServers());
      JobConfig config = JobConfig.fromMap(s, System::getenv);
      kafka.createTopics(2, config.samplesTopic(), config.scoresTopic(), config.alertsTopic(), config.deadLettersTopic());
      return new EmbeddedPipeline(kafka, config, submit(config, webUiPort), kafka.clientProperties(),
          kafka.clientProperties(), hostPort > 0 ? "localhost:" + hostPort : config.bootstrapServers());
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  /**
   * As {@link #start(Map, int)} on a secured broker (TLS with an authority made for this run,
   * SCRAM-SHA-512, ACLs): the job, the replay's producer and the readers each log in as their own
   * principal with only their rights, and the job checks its rights before it is submitted, as
   * {@code EcgAnomalyJob.main} does. The console's reader may read the dead letters (it counts
   * them), so they keep no raw bytes here unless the settings say otherwise. The broker's own
   * listeners (to itself and its controller) stay plaintext on localhost with an anonymous super
   * user, as the test kit runs them: this shows the clients' side, it does not protect the host.
   */
  public static EmbeddedPipeline startSecured(Map<String, String> settings, int webUiPort) throws Exception {
    Path tls = Files.createTempDirectory("ecg-tls");
    SecuredKafka kafka = SecuredKafka.start(tls);
    AutoCloseable broker = () -> {
      try {
        kafka.close();
      } finally {
        deleteTree(tls);
      }
    };
    try {
      Map<String, String> s = new java.util.LinkedHashMap<>(settings);
      s.put("bootstrap.servers", kafka.bootstrapServers());
      s.putIfAbsent("dead-letter.max-raw-bytes", "0");
      kafka.clientSettings(JOB, kafka.addUser(JOB)).forEach((k, v) -> s.put("kafka." + k, v));
      JobConfig config = JobConfig.fromMap(s, System::getenv);
      kafka.admin().createTopics(2, config.samplesTopic(), config.scoresTopic(), config.alertsTopic(),
          config.deadLettersTopic());
      kafka.grant(JOB, KafkaAccessCheck.needs(config));
      Properties producer = kafka.clientProperties(PRODUCER, kafka.addUser(PRODUCER));
      kafka.grant(PRODUCER, List.of(need(ResourceType.TOPIC, config.samplesTopic(), AclOperation.WRITE)));
      Properties reader = kafka.clientProperties(CONSOLE, kafka.addUser(CONSOLE));
      kafka.grant(CONSOLE, List.of(need(ResourceType.TOPIC, config.scoresTopic(), AclOperation.READ),
          need(ResourceType.TOPIC, config.alertsTopic(), AclOperation.READ),
          need(ResourceType.TOPIC, config.deadLettersTopic(), AclOperation.READ),
          new KafkaAccessCheck.Need(new ResourcePattern(ResourceType.GROUP, CommittedTopicReader.GROUP_PREFIX,
              PatternType.PREFIXED), AclOperation.READ)));
      KafkaAccessCheck.verify(config, Duration.ofSeconds(30));
      return new EmbeddedPipeline(broker, config, submit(config, webUiPort), producer, reader, null);
    } catch (Exception | Error e) {
      broker.close();
      throw e;
    }
  }

  /** The principals of a secured pipeline: the job, the replay's producer, the console's reader. */
  public static final String JOB = "ecg-job";
  public static final String PRODUCER = "ecg-producer";
  public static final String CONSOLE = "ecg-console";

  private static KafkaAccessCheck.Need need(ResourceType type, String name, AclOperation op) {
    return new KafkaAccessCheck.Need(new ResourcePattern(type, name, PatternType.LITERAL), op);
  }

  private static JobClient submit(JobConfig config, int webUiPort) throws Exception {
    StreamExecutionEnvironment env;
    if (webUiPort > 0) {
      Configuration conf = new Configuration();
      conf.set(RestOptions.PORT, webUiPort);
      env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    } else {
      env = StreamExecutionEnvironment.createLocalEnvironment();
    }
    EcgAnomalyJob.build(env, config, JobEnds.kafka(config), UnaryOperator.identity());
    return env.executeAsync("ecg-anomaly-detection (embedded)");
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  public JobConfig config() {
    return config;
  }

  /** Where other processes on this machine reach the broker; empty for a secured broker. */
  public java.util.Optional<String> hostBootstrap() {
    return java.util.Optional.ofNullable(hostBootstrap);
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
    return replay(plan, beatMillis, realTime, timeout, onAlert, onProgress, false);
  }

  /**
   * As above; with {@code chunkyReads} the readers fetch up to a MB at a time and wait up to 200
   * ms for it. That makes the scores' visibility times up to 200 ms late, so use it only where
   * they measure queueing anyway (a flat-out run): polling for every few records cost the reader
   * about 0.03 ms of CPU per score (measured), CPU taken from the job here but not in a
   * deployment, where readers run elsewhere.
   */
  public Run replay(ReplayPlan plan, long beatMillis, boolean realTime, Duration timeout, Consumer<Alert> onAlert,
                    IntConsumer onProgress, boolean chunkyReads) throws Exception {
    return replay(plan, new Pace(35, beatMillis, realTime ? 1 : Double.POSITIVE_INFINITY, "beats"), plan.beats(),
        Duration.ZERO, timeout, onAlert, onProgress, chunkyReads);
  }

  /**
   * How a plan is sent: frames of {@code samplesPerFrame}, one planned window per {@code beatMillis}
   * of event time, {@code speed} times faster than real time (infinite: flat out), counted in {@code unit}.
   */
  public record Pace(int samplesPerFrame, long beatMillis, double speed, String unit) {}

  /**
   * The general form: reads until {@code expected} scores of the plan's sources are committed, the
   * timeout passes, or (when {@code quiet} is positive) the replay is sent and no score has come for
   * that long: a continuous record yields as many beats as its heart made, not a planned count.
   */
  public Run replay(ReplayPlan plan, Pace pace, int expected, Duration quiet, Duration timeout,
                    Consumer<Alert> onAlert, IntConsumer onProgress, boolean chunkyReads) throws Exception {
    Map<String, Long> seenAt = new ConcurrentHashMap<>();
    Properties readers = new Properties();
    readers.putAll(readerClient);
    if (chunkyReads) {
      readers.setProperty("fetch.min.bytes", String.valueOf(1 << 20));
      readers.setProperty("fetch.max.wait.ms", "200");
    }
    try (CpuTrace cpu = CpuTrace.start();
         var scores = new CommittedTopicReader<>(readers, config.scoresTopic(), BeatScore.class);
         var alerts = new CommittedTopicReader<>(readers, config.alertsTopic(), Alert.class);
         var dead = new CommittedTopicReader<>(readers, config.deadLettersTopic(), DeadLetter.class);
         KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(producerClient)) {
      ArchiveReplayer replayer = new ArchiveReplayer(producer, config.samplesTopic(), pace.samplesPerFrame(),
          pace.beatMillis(), pace.speed(), pace.unit());
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
      long lastScore = System.nanoTime();
      long sentAt = -1;
      // Quiet counts from the later of the last score and the end of sending, and only once a
      // score came: a flat-out replay ends long before the job's first commit.
      while (mine.size() < expected && System.nanoTime() < deadline
          && !(!quiet.isZero() && !quiet.isNegative() && sentAt >= 0 && !mine.isEmpty()
              && System.nanoTime() - Math.max(lastScore, sentAt) > quiet.toNanos())) {
        if (sentAt < 0 && sent.isDone()) {
          sentAt = System.nanoTime();
        }
        int before = mine.size();
        scores.poll(Duration.ofMillis(100), s -> {
          if (sources.contains(s.getSourceId())) {
            mine.add(s);
            seenAt.put(ArchiveReplayer.beatKey(s.getSourceId(), s.getFirstSequence()), System.currentTimeMillis());
          }
        });
        lastScore = mine.size() > before ? System.nanoTime() : lastScore;
        alerts.poll(Duration.ofMillis(1), alertSink);
        onProgress.accept(mine.size());
      }
      long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < end) {
        alerts.poll(Duration.ofMillis(100), alertSink);
      }
      ArchiveReplayer.Result result = sent.get();
      List<DeadLetter> deadLetters = dead.drain(Duration.ofMillis(500)).stream()
          .filter(x -> x.getSourceId() == null || sources.contains(x.getSourceId())).toList();
      return new Run(result, List.copyOf(mine), List.copyOf(myAlerts), deadLetters.size(), Map.copyOf(seenAt), cpu,
          deadLetters.stream().map(x -> x.getReason().toString()).distinct().limit(5).toList());
    }
  }

  @Override
  public void close() throws Exception {
    try {
      job.cancel().get();
    } finally {
      broker.close();
    }
  }
}

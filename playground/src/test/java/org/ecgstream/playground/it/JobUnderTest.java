package org.ecgstream.playground.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.ecgstream.job.EcgAnomalyJob;
import org.ecgstream.job.JobEnds;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.playground.embedded.EmbeddedKafka;
import org.ecgstream.schemas.BeatScore;

/**
 * The job as the Kafka end-to-end tests run it: topics, consumer group and transactional ids
 * unique to one run (tests share a broker), fast checkpoints, and a submission to the test's
 * MiniCluster with a stated restart policy. One place for what four test classes used to repeat.
 */
final class JobUnderTest {
  private JobUnderTest() {}

  /** A new run id: what makes a run's topics, group and transactional ids its own. */
  static String newRun() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The settings of run {@code run} against {@code bootstrap} with {@code model}: run-unique names,
   * 500 ms checkpoints, parallelism 2. Mutable: a test adds or overrides keys before {@link #config}.
   */
  static Map<String, String> settings(String bootstrap, String run, Path model) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap.servers", bootstrap);
    m.put("topic.samples", "samples-" + run);
    m.put("topic.scores", "scores-" + run);
    m.put("topic.alerts", "alerts-" + run);
    m.put("topic.dead-letters", "dead-" + run);
    m.put("group.id", "job-" + run);
    m.put("transactional.id.prefix", "tx-" + run);
    m.put("model.path", model.toString());
    m.put("checkpoint.interval.ms", "500");
    m.put("transaction.timeout.ms", "60000");
    m.put("parallelism", "2");
    return m;
  }

  static JobConfig config(Map<String, String> settings) {
    return JobConfig.fromMap(settings, k -> null);
  }

  /** Creates the run's four topics through {@code admin}, each with {@code partitions}. */
  static void createTopics(EmbeddedKafka admin, JobConfig c, int partitions) {
    admin.createTopics(partitions, c.samplesTopic(), c.scoresTopic(), c.alertsTopic(), c.deadLettersTopic());
  }

  /** What the MiniCluster does when a task fails. */
  record Restarts(int attempts, Duration delay) {
    /** A failure ends the job: tests of fault isolation must see the job survive without help. */
    static final Restarts NONE = new Restarts(0, Duration.ZERO);

    static Restarts bounded(int attempts, Duration delay) {
      return new Restarts(attempts, delay);
    }
  }

  static JobClient submit(JobConfig c, Restarts restarts) throws Exception {
    return submit(c, restarts, UnaryOperator.identity(), null);
  }

  /**
   * Submits the job; {@code afterScoring} goes between scoring and the sinks (failure injection),
   * {@code savepoint} (null: none) is restored from.
   */
  static JobClient submit(JobConfig c, Restarts restarts, UnaryOperator<DataStream<BeatScore>> afterScoring,
                          String savepoint) throws Exception {
    Configuration conf = new Configuration();
    if (restarts.attempts() == 0) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts.attempts());
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, restarts.delay());
    }
    if (savepoint != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    EcgAnomalyJob.build(env, c, JobEnds.kafka(c), afterScoring);
    return env.executeAsync("ecg-it-" + c.groupId());
  }
}

package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole job on a Flink MiniCluster against a real in-JVM Kafka broker. */
class EcgAnomalyJobITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();
  private static EcgStreamFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new EcgStreamFixture();
  }

  private static JobConfig config() {
    return JobUnderTest.config(JobUnderTest.settings(KAFKA.get().bootstrapServers(), JobUnderTest.newRun(),
        fixture.model));
  }

  private static JobClient submit(JobConfig c, UnaryOperator<DataStream<BeatScore>> hook) throws Exception {
    JobUnderTest.createTopics(KAFKA.get(), c, 2);
    return JobUnderTest.submit(c, JobUnderTest.Restarts.bounded(3, Duration.ofMillis(500)), hook, null);
  }

  @Test
  void shouldScoreEveryCompleteBeatOnceAlertOnlyArrhythmicPatientsAndDeadLetterBadInput() throws Exception {
    JobConfig c = config();
    long submitted = System.currentTimeMillis();
    JobClient job = submit(c, UnaryOperator.identity());
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(oneBatchInFlight());
         var scores = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.scoresTopic(), BeatScore.class);
         var alerts = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.alertsTopic(), Alert.class);
         var dead = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.deadLettersTopic(), DeadLetter.class)) {
      fixture.send(producer, c.samplesTopic(), 1_700_000_000_000L, 0, 40);
      List<BeatScore> read = scores.readAtLeast(fixture.completeBeats(), Duration.ofMinutes(3));
      read = scores.drain(Duration.ofSeconds(3));
      long drained = System.currentTimeMillis();
      List<DeadLetter> deadLetters = dead.readAtLeast(EcgStreamFixture.MALFORMED + 1, Duration.ofSeconds(30));
      List<Alert> alertList = alerts.drain(Duration.ofSeconds(2));

      assertExactlyOneScorePerCompleteBeat(read);
      for (BeatScore s : read) {
        assertThat(s.getLoss()).as("loss of %s/%d", s.getSourceId(), s.getFirstSequence())
            .isCloseTo(fixture.offlineLoss.get(EcgStreamFixture.key(s.getSourceId(), s.getFirstSequence())), within(1e-4));
        assertThat(s.getLastSequence() - s.getFirstSequence()).isEqualTo(139);
        assertThat(s.getSegmentErrors()).hasSize(7);
        assertThat(s.getTopSteps()).hasSize(5);
        // Processing time, not the replayed event time (which is years before the run).
        assertThat(s.getScoredAtMillis()).isBetween(submitted, drained);
      }
      assertThat(deadLetters).hasSize(EcgStreamFixture.MALFORMED + 1);
      assertThat(deadLetters).extracting(DeadLetter::getReason).anySatisfy(r -> assertThat(r).startsWith("malformed SampleFrame"))
          .anySatisfy(r -> assertThat(r).startsWith("non-finite value at sample 1"))
          .anySatisfy(r -> assertThat(r).startsWith("wrong channel count: 2"))
          .anySatisfy(r -> assertThat(r).startsWith("sequence gap: samples " + (EcgStreamFixture.GAP_BEAT * 140 + 70)));
      assertThat(deadLetters).filteredOn(d -> d.getOffset() >= 0).allSatisfy(d -> {
        assertThat(d.getTopic()).isEqualTo(c.samplesTopic());
        assertThat(d.getSha256()).hasSize(64);
      });
      assertAlertsOnlyForArrhythmicPatients(read, alertList);
    } finally {
      job.cancel().get();
    }
  }

  /** Fails the job once, on the first beat of the second half, after a checkpoint has completed. */
  static final class FailOnce extends RichMapFunction<BeatScore, BeatScore> implements CheckpointListener {
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    private final long failAtSequence;

    FailOnce(long failAtSequence) {
      this.failAtSequence = failAtSequence;
    }

    @Override
    public BeatScore map(BeatScore s) {
      if (s.getFirstSequence() >= failAtSequence && CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected task failure");
      }
      return s;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTS.incrementAndGet();
    }
  }

  @Test
  void shouldKeepExactlyOneScorePerBeatAndNoDuplicateAlertAcrossATaskFailure() throws Exception {
    JobConfig c = config();
    int half = 20;
    JobClient job = submit(c, s -> s.map(new FailOnce((long) half * 140)).name("fail once").uid("fail-once"));
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(oneBatchInFlight());
         var scores = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.scoresTopic(), BeatScore.class);
         var alerts = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.alertsTopic(), Alert.class)) {
      fixture.send(producer, c.samplesTopic(), 1_700_000_000_000L, 0, half);
      // Committed scores prove a checkpoint completed before the failure can happen.
      scores.readAtLeast(50, Duration.ofMinutes(3));
      fixture.send(producer, c.samplesTopic(), 1_700_000_000_000L, half, 40);
      scores.readAtLeast(fixture.completeBeats(), Duration.ofMinutes(3));
      List<BeatScore> read = scores.drain(Duration.ofSeconds(3));
      List<Alert> alertList = alerts.drain(Duration.ofSeconds(2));

      assertThat(FailOnce.FAILED).as("the injected failure happened").isTrue();
      assertExactlyOneScorePerCompleteBeat(read);
      Set<String> alertEvents = new HashSet<>();
      for (Alert a : alertList) {
        assertThat(alertEvents.add(a.getAlertId() + "|" + a.getKind() + "|" + a.getLastSequence()))
            .as("duplicate alert %s", a).isTrue();
      }
      assertAlertsOnlyForArrhythmicPatients(read, alertList);
    } finally {
      job.cancel().get();
    }
  }

  private static void assertExactlyOneScorePerCompleteBeat(List<BeatScore> read) {
    Map<String, Long> perBeat = read.stream().collect(Collectors.groupingBy(
        s -> EcgStreamFixture.key(s.getSourceId(), s.getFirstSequence()), Collectors.counting()));
    assertThat(perBeat.values()).as("scores per beat").containsOnly(1L);
    assertThat(read).hasSize(fixture.completeBeats());
    assertThat(read).noneMatch(s -> fixture.isGapBeat(s.getSourceId(), s.getFirstSequence()));
  }

  private static void assertAlertsOnlyForArrhythmicPatients(List<BeatScore> scores, List<Alert> alerts) {
    Map<String, List<Alert>> bySource = alerts.stream().collect(Collectors.groupingBy(Alert::getSourceId));
    assertThat(bySource.keySet()).containsExactlyInAnyOrderElementsOf(EcgStreamFixture.ARRHYTHMIC);
    for (String p : EcgStreamFixture.ARRHYTHMIC) {
      List<Alert> a = bySource.get(p);
      assertThat(a).filteredOn(x -> x.getKind() == AlertKind.OPENED).hasSize(1);
      // The debouncer closes after five normal beats in a row: check against what was scored.
      List<BeatScore> own = scores.stream().filter(s -> s.getSourceId().equals(p))
          .sorted((x, y) -> Long.compare(x.getFirstSequence(), y.getFirstSequence())).toList();
      boolean endsCalm = own.subList(own.size() - 5, own.size()).stream().noneMatch(BeatScore::getAnomalous);
      assertThat(a.stream().anyMatch(x -> x.getKind() == AlertKind.CLOSED)).isEqualTo(endsCalm);
    }
    Map<String, Long> anomalies = new HashMap<>();
    scores.forEach(s -> anomalies.merge(s.getSourceId(), s.getAnomalous() ? 1L : 0L, Long::sum));
    assertThat(anomalies.get("p4")).isGreaterThanOrEqualTo(15);
  }

  /** One batch in flight per partition: a retried first batch to a new topic may not overtake later ones. */
  private static java.util.Properties oneBatchInFlight() {
    java.util.Properties p = KAFKA.get().clientProperties();
    p.setProperty("max.in.flight.requests.per.connection", "1");
    return p;
  }
}

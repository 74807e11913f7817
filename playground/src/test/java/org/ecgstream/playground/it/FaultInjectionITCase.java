package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.functions.MalformedFrames;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.replay.PlannedBeat;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Six healthy patients (12 beats each) beside one faulty or hostile input at a time, on a
 * MiniCluster with restarts disabled (any task failure or failed checkpoint ends the job) and a
 * real broker with four partitions. Every run must score the 72 healthy beats exactly once, give
 * the faulty input a dead letter with a precise reason, and leave the job running.
 */
class FaultInjectionITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static final int PATIENTS = 6;
  static final int BEATS = 12;
  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();
  private static String model;
  private static ReplayPlan healthy;
  /** Normal beats for the faulty device itself, none shared with the healthy patients. */
  private static List<LabelledWindow> spare;

  @BeforeAll
  static void start() {
    model = ShippedData.find(java.nio.file.Path.of("model-training", "models", "ecg5000-autoencoder.zip")).toString();
    Scorer scorer = Scorer.load(java.nio.file.Path.of(model), ScoringEngine.FUSED, 1);
    Dataset data = DatasetReader.read(ShippedData.ecg5000());
    List<LabelledWindow> normals = scorer.metadata().dataset().split(data).testNormal();
    healthy = ReplayPlan.roundRobin(normals.subList(0, PATIENTS * BEATS), PATIENTS, "patient-");
    spare = normals.subList(PATIENTS * BEATS, PATIENTS * BEATS + BEATS);
  }

  /** What a run left on the output topics, and the job's state at the end. */
  record Outcome(List<BeatScore> scores, List<DeadLetter> deadLetters, JobStatus status) {
    List<BeatScore> of(String source) {
      return scores.stream().filter(s -> s.getSourceId().equals(source)).toList();
    }
  }

  @Test
  void shouldDeadLetterAFrameClaiming400MillionValuesAndNeverRestart() throws Exception {
    Outcome o = run(Map.of(), 0, 1, (p, topic) -> FaultySources.send(p, topic, "pill", FaultySources.poisonPill("pill")));
    assertThat(o.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo("malformed SampleFrame (v2): values: 400000000 items exceed the limit of 4096");
      assertThat(d.getSourceId()).isEqualTo("pill");
      assertThat(d.getOffset()).isNotNegative();
    });
  }

  @Test
  void shouldScoreAMonitorTwoHoursFastAndNotLetItMoveOtherPatients() throws Exception {
    long twoHours = 7_200_000;
    Outcome o = run(Map.of(), BEATS, 1,
        (p, topic) -> FaultySources.send(p, topic, device("fast"), origin() + twoHours));
    assertThat(o.of("fast")).hasSize(BEATS);
    // Re-stamped to arrival: the outputs carry times the broker accepts and near the real time.
    assertThat(o.of("fast")).allSatisfy(s -> assertThat(s.getEndTimeMillis()).isLessThan(System.currentTimeMillis()));
    assertThat(o.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getSourceId()).isEqualTo("fast");
      assertThat(d.getReason()).startsWith("clock of source is ").contains("(2.00 h) ahead of its arrival",
          "clock.max-ahead.ms 60000", "event times re-stamped to arrival time");
    });
  }

  @Test
  void shouldScoreAMonitorOneHourSlowAndReportItsClockWhenALimitIsSet() throws Exception {
    Outcome o = run(Map.of("clock.max-behind.ms", "900000"), BEATS, 1,
        (p, topic) -> FaultySources.send(p, topic, device("slow"), origin() - 3_600_000));
    assertThat(o.of("slow")).hasSize(BEATS);
    assertThat(o.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getSourceId()).isEqualTo("slow");
      assertThat(d.getReason()).startsWith("clock of source is ").contains("(1.00 h) behind its arrival",
          "clock.max-behind.ms 900000");
    });
  }

  @Test
  void shouldResynchroniseAMonitorThatRebootsAndScoreBothHalves() throws Exception {
    List<PlannedBeat> beats = device("reboot");
    int half = BEATS / 2;
    Outcome o = run(Map.of(), BEATS, 1, (p, topic) -> {
      List<PlannedBeat> before = new ArrayList<>(beats.subList(0, half));
      before.add(FaultySources.partial(beats.get(half), 70));
      FaultySources.send(p, topic, before, origin());
      // Back to sequence 0 a beat later, its clock going on.
      FaultySources.send(p, topic, FaultySources.renumbered(beats.subList(half, BEATS), 0), origin() + (half + 1) * 800L);
    });
    assertThat(o.of("reboot")).extracting(BeatScore::getFirstSequence)
        .containsExactlyInAnyOrder(0L, 140L, 280L, 420L, 560L, 700L, 0L, 140L, 280L, 420L, 560L, 700L);
    assertThat(o.deadLetters()).singleElement().satisfies(d -> assertThat(d.getReason()).isEqualTo(
        "source restarted: sequence went back from 910 to 0 while its event time moved on; dropped the partial window "
            + "from 840 (70 samples), 0 held samples and 0 samples before this frame; assembly resumes at 0"));
  }

  @Test
  void shouldScoreAProducerStillOnThePreviousSchema() throws Exception {
    Outcome o = run(Map.of(), BEATS, 0, (p, topic) -> FaultySources.sendAsV1(p, topic, device("legacy"), origin()));
    assertThat(o.of("legacy")).extracting(BeatScore::getFirstSequence).hasSize(BEATS).doesNotHaveDuplicates();
  }

  @Test
  void shouldDeadLetterEachOfSeventeenMalformedRecordsWithItsReason() throws Exception {
    Map<String, byte[]> bad = MalformedFrames.all(System.currentTimeMillis());
    assertThat(bad).hasSize(17);
    Outcome o = run(Map.of(), 0, bad.size(),
        (p, topic) -> bad.forEach((reason, bytes) -> FaultySources.send(p, topic, "bad", bytes)));
    assertThat(o.deadLetters()).hasSize(bad.size());
    List<String> reasons = o.deadLetters().stream().map(DeadLetter::getReason).toList();
    for (String expected : bad.keySet()) {
      assertThat(reasons).as("a dead letter starting with '%s'", expected).anyMatch(r -> r.startsWith(expected));
    }
    assertThat(reasons).noneMatch(r -> r.contains("null"));
    assertThat(o.deadLetters()).allSatisfy(d -> {
      assertThat(d.getSha256()).hasSize(64);
      assertThat(d.getOffset()).isNotNegative();
    });
    // The 900 kB record keeps only its digest.
    assertThat(o.deadLetters()).filteredOn(d -> d.getReason().contains("900000 bytes"))
        .singleElement().satisfies(d -> assertThat(d.getRaw()).isNull());
  }

  private static List<PlannedBeat> device(String id) {
    return new ReplayPlan.Builder(140, 1).addAll(id, spare).build().bySource().get(id);
  }

  /** Event time of sequence 0 for every device: the beats end about now, as if sent in real time. */
  private static long origin() {
    return System.currentTimeMillis() - BEATS * 800L;
  }

  /**
   * Starts the job, sends the healthy patients' first half, the faulty input, then their second
   * half; reads until the healthy and {@code faultyScores} scores and {@code deadLetters} dead
   * letters are committed, then a little longer for duplicates; checks the healthy patients and
   * that the job is still running.
   */
  private Outcome run(Map<String, String> settings, int faultyScores, int deadLetters,
                      java.util.function.BiConsumer<KafkaProducer<byte[], byte[]>, String> faulty) throws Exception {
    Map<String, String> m = JobUnderTest.settings(KAFKA.get().bootstrapServers(), JobUnderTest.newRun(), java.nio.file.Path.of(model));
    m.putAll(settings);
    JobConfig c = JobUnderTest.config(m);
    JobUnderTest.createTopics(KAFKA.get(), c, 4);
    JobClient job = JobUnderTest.submit(c, JobUnderTest.Restarts.NONE);
    FaultySources.SEND_FAILURES.clear();
    Properties producerProps = KAFKA.get().clientProperties();
    // One batch in flight per partition: a retried first batch to a new topic may not overtake later ones.
    producerProps.setProperty("max.in.flight.requests.per.connection", "1");
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(producerProps);
         var scores = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.scoresTopic(), BeatScore.class);
         var dead = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.deadLettersTopic(), DeadLetter.class)) {
      long origin = origin();
      Consumer<Integer> half = h -> healthy.bySource().values().forEach(beats ->
          FaultySources.send(producer, c.samplesTopic(), beats.subList(h * BEATS / 2, (h + 1) * BEATS / 2), origin));
      half.accept(0);
      faulty.accept(producer, c.samplesTopic());
      half.accept(1);
      producer.flush();
      assertThat(FaultySources.SEND_FAILURES).as("records the broker refused").isEmpty();
      int want = PATIENTS * BEATS + faultyScores;
      scores.readAtLeast(want, Duration.ofMinutes(2));
      dead.readAtLeast(deadLetters, Duration.ofSeconds(30));
      List<BeatScore> read = scores.drain(Duration.ofSeconds(2));
      List<DeadLetter> deadRead = dead.drain(Duration.ofSeconds(1));
      Outcome o = new Outcome(read, deadRead, job.getJobStatus().get());

      assertThat(o.status()).as("job status: a failure would have ended it, restarts are disabled")
          .isEqualTo(JobStatus.RUNNING);
      Map<String, Long> perBeat = read.stream().filter(s -> s.getSourceId().startsWith("patient-"))
          .collect(Collectors.groupingBy(s -> s.getSourceId() + "/" + s.getFirstSequence(), Collectors.counting()));
      Map<String, Long> expected = healthy.all().stream()
          .collect(Collectors.toMap(b -> b.sourceId() + "/" + b.firstSequence(), b -> 1L));
      assertThat(perBeat).as("every healthy beat scored exactly once").isEqualTo(expected);
      assertThat(read).as("all scores: healthy and the faulty source's").hasSize(want);
      assertThat(deadRead).as("dead letters").hasSize(deadLetters);
      return o;
    } finally {
      job.cancel().get();
    }
  }
}

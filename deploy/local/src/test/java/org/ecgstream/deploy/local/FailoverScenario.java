package org.ecgstream.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;

/**
 * The job under failures on a real cluster: 6 patients replay at 4 beats/s each; once scores are
 * committed one TaskManager is killed; the job must restore from its last checkpoint. Then the
 * killed TaskManager returns, the job stops with a savepoint and resumes from it while the same
 * patients go on. Downstream, with read_committed, every beat has exactly one score and the alerts
 * are exactly those a failure-free run of the job's debouncer gives for those scores.
 */
final class FailoverScenario {
  static final int PATIENTS = 6;
  static final int BEATS_BEFORE_SAVEPOINT = 240;
  static final int BEATS_AFTER_SAVEPOINT = 120;
  private static final int LENGTH = 140;

  private FailoverScenario() {}

  /** Runs the scenario, asserts its outcome and returns the summary it printed. */
  static String run(ClusterUnderTest cluster, Path shippedTestFile) throws Exception {
    int total = BEATS_BEFORE_SAVEPOINT + BEATS_AFTER_SAVEPOINT;
    Path archive = EpisodeArchive.write(shippedTestFile, cluster.workDir().resolve("episodes.txt"), PATIENTS, total / PATIENTS);
    FlinkRest rest = cluster.rest();
    String job = cluster.submit(null);
    await("job running", Duration.ofMinutes(3), () -> rest.allTasksRunning(job));

    Properties kafka = new Properties();
    kafka.setProperty("bootstrap.servers", cluster.bootstrapServers());
    try (var scores = new CommittedTopicReader<>(kafka, "ecg.beat-scores", BeatScore.class);
         var alerts = new CommittedTopicReader<>(kafka, "ecg.alerts", Alert.class);
         var deadLetters = new CommittedTopicReader<>(kafka, "ecg.dead-letters", DeadLetter.class)) {
      // 40 beats per patient at 0.75 s: a 30 s replay. The first committed scores and the poison
      // pill's dead letter (a checkpoint each) came 11.4 s into it on an idle 2-core machine; at
      // 0.25 s per beat (10 s) the replay sometimes ended before the kill.
      long replayStart = System.nanoTime();
      ClusterUnderTest.Replay replay = cluster.replay("--data", archive.toString(), "--patients", String.valueOf(PATIENTS),
          "--limit", String.valueOf(BEATS_BEFORE_SAVEPOINT), "--pace", "realtime", "--beat-ms", "750");
      awaitScores(scores, 30);
      // A poison pill mid-stream: dead-lettered, and no restart (the kill below must be the first).
      sendPoisonPill(kafka);
      assertThat(deadLetters.readAtLeast(1, Duration.ofMinutes(1))).as("the poison pill's dead letter")
          .singleElement().satisfies(d -> assertThat(d.getReason())
              .isEqualTo("malformed SampleFrame (v2): values: 400000000 items exceed the limit of 4096"));
      assertThat(rest.exceptionCount(job)).as("failures before the kill").isZero();
      assertThat(rest.restoredCheckpoint(job)).as("restored before the kill").isEmpty();
      System.out.printf("killing a TaskManager %.1f s into the 30 s replay%n", (System.nanoTime() - replayStart) / 1e9);
      assertThat(replay.isAlive()).as("the kill must come mid-stream").isTrue();
      long completedBeforeKill = rest.completedCheckpoints(job);
      long killedAt = System.nanoTime();
      cluster.killTaskManager(1);
      await("restore from a checkpoint", Duration.ofMinutes(3),
          () -> rest.restoredCheckpoint(job).isPresent() && rest.allTasksRunning(job));
      double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;
      OptionalLong restoredFrom = rest.restoredCheckpoint(job);
      replay.await();
      awaitScores(scores, BEATS_BEFORE_SAVEPOINT);

      cluster.startTaskManager(1);
      await("two TaskManagers", Duration.ofMinutes(2), () -> rest.registeredTaskManagers() == 2);
      String savepoint = cluster.stopWithSavepoint(job);
      long resubmittedAt = System.nanoTime();
      String resumed = cluster.submit(savepoint);
      await("resumed job running", Duration.ofMinutes(3), () -> rest.allTasksRunning(resumed));
      double resumeSeconds = (System.nanoTime() - resubmittedAt) / 1e9;
      // The same patients go on where they stopped: their windows and alert episodes are in the savepoint.
      cluster.replay("--data", archive.toString(), "--patients", String.valueOf(PATIENTS),
          "--from", String.valueOf(BEATS_BEFORE_SAVEPOINT), "--limit", String.valueOf(BEATS_AFTER_SAVEPOINT),
          "--pace", "max").await();
      awaitScores(scores, total);
      // A duplicate would arrive with or after the last expected score: keep reading a while.
      List<BeatScore> read = scores.drain(Duration.ofSeconds(5));
      List<Alert> alertsRead = alerts.drain(Duration.ofSeconds(2));
      List<DeadLetter> deadRead = deadLetters.drain(Duration.ofSeconds(1));
      String metrics = PrometheusScrape.of(cluster.metricsPorts());
      write(cluster.workDir().resolve("prometheus-scrape.txt"), metrics);

      Set<String> expected = new HashSet<>();
      for (int b = 0; b < total; b++) {
        expected.add(key("patient-" + (b % PATIENTS), (long) (b / PATIENTS) * LENGTH));
      }
      Map<String, Integer> seen = new HashMap<>();
      read.forEach(s -> seen.merge(key(s.getSourceId(), s.getFirstSequence()), 1, Integer::sum));
      long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();
      Set<String> missing = new HashSet<>(expected);
      missing.removeAll(seen.keySet());
      Set<String> unexpected = new HashSet<>(seen.keySet());
      unexpected.removeAll(expected);
      Map<String, List<Alert>> wantAlerts = ExpectedAlerts.of(read);
      long alertEvents = wantAlerts.values().stream().mapToLong(List::size).sum();
      String summary = String.format(Locale.ROOT,
          "beats sent %d, scores read %d, duplicates %d, missing %d, alert events %d (expected %d), dead letters %d%n"
              + "recovery after kill -9 of a TaskManager: %.1f s to all tasks running (restored checkpoint %s, "
              + "%d completed before the kill)%nsavepoint restart: %.1f s from submission to all tasks running%n",
          total, read.size(), duplicates, missing.size(), alertsRead.size(), alertEvents, deadRead.size(), recoverySeconds,
          restoredFrom.isPresent() ? "#" + restoredFrom.getAsLong() : "none", completedBeforeKill, resumeSeconds);
      System.out.print(summary);
      write(cluster.workDir().resolve("failover-summary.txt"), summary);

      assertThat(duplicates).as("duplicate scores").isZero();
      assertThat(missing).as("beats without a score").isEmpty();
      assertThat(unexpected).as("scores of beats never sent").isEmpty();
      assertThat(read).hasSize(total);
      assertThat(deadRead).as("dead letters: only the poison pill; the replay is clean and each patient's stream "
          + "continuous").extracting(DeadLetter::getSourceId).containsExactly("pill");
      assertThat(restoredFrom).as("the job restarted from a checkpoint after the kill").isPresent();
      // Every patient has an abnormal run before the savepoint; odd patients' second episode spans it.
      assertThat(wantAlerts).as("patients with alerts").hasSize(PATIENTS);
      assertThat(alertsRead).as("an episode closed after the savepoint restart")
          .anySatisfy(a -> assertThat(a.getKind()).isEqualTo(AlertKind.CLOSED));
      assertThat(ExpectedAlerts.bySource(alertsRead)).as("alerts, none lost or duplicated").isEqualTo(wantAlerts);
      if (!cluster.metricsPorts().isEmpty()) {
        System.out.printf("Prometheus /metrics: beatsScored %d over the TaskManagers%n",
            PrometheusScrape.sum(metrics, "flink_taskmanager_job_task_operator_beatsScored"));
        // The resumed job's own metrics, as Prometheus scrapes them from the TaskManagers: it
        // scored exactly the beats sent after the savepoint (counters start again with a job).
        assertThat(PrometheusScrape.sum(metrics, "flink_taskmanager_job_task_operator_beatsScored"))
            .as("beatsScored over the TaskManagers' /metrics").isEqualTo(BEATS_AFTER_SAVEPOINT);
        assertThat(metrics).contains("flink_taskmanager_job_task_operator_scoringLatencyMs")
            .contains("flink_taskmanager_job_task_operator_alertsOpened")
            .contains("flink_taskmanager_job_task_operator_framesIn");
        // Every query of the shipped Grafana dashboard names a metric the cluster really exports.
        assertThat(PrometheusScrape.missingFromDashboard(Path.of(System.getProperty("grafana.dashboard")), metrics))
            .as("metrics the dashboard queries but the cluster does not export").isEmpty();
      }
      return summary;
    }
  }

  /** 30-odd bytes whose values array claims 400 million floats: a heap-sized allocation for a naive decoder. */
  private static void sendPoisonPill(Properties kafka) throws Exception {
    SampleFrame empty = SampleFrame.newBuilder().setSourceId("pill").setSequence(0)
        .setEventTimeMillis(System.currentTimeMillis()).setSamplePeriodMicros(5714).setChannels(1).setValues(List.of())
        .build();
    byte[] wire = SampleFrameWire.encode(empty);
    // The last byte ends the empty array; a count of 400,000,000 (zig-zag varint) replaces it.
    ByteArrayOutputStream pill = new ByteArrayOutputStream();
    pill.write(wire, 0, wire.length - 1);
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(pill, null);
    enc.writeLong(400_000_000L);
    enc.flush();
    try (var producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("ecg.samples", "pill".getBytes(StandardCharsets.UTF_8), pill.toByteArray()))
          .get();
    }
  }

  private static void awaitScores(CommittedTopicReader<BeatScore> scores, int count) {
    await(count + " committed scores", Duration.ofMinutes(4), () -> {
      scores.poll(Duration.ofMillis(200), s -> { });
      return scores.records().size() >= count;
    });
  }

  private static String key(String source, long firstSequence) {
    return source + "@" + firstSequence;
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (IllegalStateException e) {
        // The REST API answers errors while a job restarts; ask again.
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}

package org.ecgstream.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.ecgstream.job.embedded.CommittedTopicReader;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job on a real multi-process cluster, started by {@code cluster.sh}: a Kafka broker process,
 * a JobManager and two TaskManagers as separate JVMs, the shaded job jar submitted over REST.
 * One TaskManager is killed with SIGKILL mid-stream, then the whole job is stopped with a
 * savepoint and resumed from it; downstream, with read_committed, every beat has exactly one
 * score and the alerts are exactly those of a failure-free run.
 */
class LocalClusterFailoverITCase {
  private static final int PATIENTS = 6;
  private static final int BEATS_BEFORE_SAVEPOINT = 240;
  private static final int BEATS_AFTER_SAVEPOINT = 120;
  private static final int LENGTH = 140;

  private static ClusterScript cluster;
  private static FlinkRest rest;

  @BeforeAll
  static void startCluster() throws IOException {
    Path home = Path.of(System.getProperty("cluster.home"));
    // A cluster home keeps Kafka's data between starts; the test needs empty topics.
    if (Files.exists(home)) {
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    cluster = new ClusterScript(Path.of(System.getProperty("local.cluster.script")), home);
    cluster.run(Duration.ofMinutes(4), "start");
    rest = new FlinkRest(cluster.restUrl());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.run(Duration.ofMinutes(2), "stop");
    }
  }

  @Test
  void shouldScoreEveryBeatExactlyOnceThroughATaskManagerKillAndASavepointRestart() throws Exception {
    String job = jobId(cluster.run(Duration.ofMinutes(3), "submit", "--parallelism", "2", "--",
        "--checkpoint.interval.ms", "1000"));
    await("job running", Duration.ofMinutes(3), () -> rest.allTasksRunning(job));

    Path archive = EpisodeArchive.write(Path.of(System.getProperty("shipped.test.file")),
        cluster.home.resolve("episodes.txt"), PATIENTS, (BEATS_BEFORE_SAVEPOINT + BEATS_AFTER_SAVEPOINT) / PATIENTS);
    Properties kafka = new Properties();
    kafka.setProperty("bootstrap.servers", cluster.bootstrapServers());
    try (var scores = new CommittedTopicReader<>(kafka, "ecg.beat-scores", BeatScore.class);
         var alerts = new CommittedTopicReader<>(kafka, "ecg.alerts", Alert.class);
         var deadLetters = new CommittedTopicReader<>(kafka, "ecg.dead-letters", DeadLetter.class)) {
      // Phase 1: 6 patients at 4 beats/s each (~10 s); one TaskManager dies once scores are committed.
      String[] replay1 = {"replay", "--data", archive.toString(), "--patients", String.valueOf(PATIENTS), "--limit", String.valueOf(BEATS_BEFORE_SAVEPOINT),
          "--pace", "realtime", "--beat-ms", "250"};
      Process replay = cluster.start(replay1);
      await("first committed scores", Duration.ofMinutes(3), () -> {
        scores.poll(Duration.ofMillis(200), s -> { });
        return scores.records().size() >= 30;
      });
      assertThat(replay.isAlive()).as("the kill must come mid-stream").isTrue();
      long completedBeforeKill = rest.completedCheckpoints(job);
      long killedAt = System.nanoTime();
      cluster.run(Duration.ofSeconds(30), "kill-taskmanager", "1");
      await("restore from a checkpoint", Duration.ofMinutes(3),
          () -> rest.restoredCheckpoint(job).isPresent() && rest.allTasksRunning(job));
      double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;
      OptionalLong restoredFrom = rest.restoredCheckpoint(job);
      cluster.finished(replay, replay1);
      awaitScores(scores, BEATS_BEFORE_SAVEPOINT);

      // Phase 2: the killed TaskManager comes back; the job stops with a savepoint and resumes from it.
      cluster.run(Duration.ofMinutes(2), "start-taskmanager", "1");
      await("two TaskManagers", Duration.ofMinutes(2), () -> rest.registeredTaskManagers() == 2);
      String savepoint = savepointPath(cluster.run(Duration.ofMinutes(3), "savepoint-stop", job));
      long resubmittedAt = System.nanoTime();
      String resumed = jobId(cluster.run(Duration.ofMinutes(3), "submit", "--parallelism", "2", "--savepoint", savepoint,
          "--", "--checkpoint.interval.ms", "1000"));
      await("resumed job running", Duration.ofMinutes(3), () -> rest.allTasksRunning(resumed));
      double resumeSeconds = (System.nanoTime() - resubmittedAt) / 1e9;
      // The same patients go on where they stopped: their windows and alert episodes live in the savepoint.
      cluster.run(Duration.ofMinutes(3), "replay", "--data", archive.toString(), "--patients", String.valueOf(PATIENTS),
          "--from", String.valueOf(BEATS_BEFORE_SAVEPOINT), "--limit", String.valueOf(BEATS_AFTER_SAVEPOINT), "--pace", "max");
      int total = BEATS_BEFORE_SAVEPOINT + BEATS_AFTER_SAVEPOINT;
      awaitScores(scores, total);
      // Anything duplicated would arrive with or after the last expected score.
      List<BeatScore> read = scores.drain(Duration.ofSeconds(5));
      List<Alert> alertsRead = alerts.drain(Duration.ofSeconds(2));
      List<DeadLetter> deadRead = deadLetters.drain(Duration.ofSeconds(1));

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
      Files.writeString(Path.of(System.getProperty("cluster.home")).resolve("e2e-summary.txt"), String.format(Locale.ROOT,
          "beats sent %d, scores read %d, duplicates %d, missing %d, alert events %d (expected %d), dead letters %d,%n"
              + "recovery after kill -9 of a TaskManager: %.1f s (restored checkpoint %s, %d completed before the kill),%n"
              + "savepoint restart: %.1f s from submission to all tasks running%n",
          total, read.size(), duplicates, missing.size(), alertsRead.size(), alertEvents, deadRead.size(), recoverySeconds,
          restoredFrom.isPresent() ? "#" + restoredFrom.getAsLong() : "none", completedBeforeKill, resumeSeconds));
      System.out.print(Files.readString(Path.of(System.getProperty("cluster.home")).resolve("e2e-summary.txt")));

      assertThat(duplicates).as("duplicate scores").isZero();
      assertThat(missing).as("beats without a score").isEmpty();
      assertThat(unexpected).as("scores of beats never sent").isEmpty();
      assertThat(read).hasSize(total);
      assertThat(deadRead).as("dead letters: the replay is clean and each patient's stream continuous").isEmpty();
      // Every patient has an abnormal run before the savepoint; odd patients' second episode spans it.
      assertThat(wantAlerts).as("patients with alerts").hasSize(PATIENTS);
      assertThat(alertsRead).as("episodes closed after the savepoint restart")
          .anySatisfy(al -> assertThat(al.getKind().toString()).isEqualTo("CLOSED"));
      assertThat(ExpectedAlerts.bySource(alertsRead)).as("alerts, none lost or duplicated").isEqualTo(wantAlerts);
      assertThat(restoredFrom).as("the job restarted from a checkpoint after the kill").isPresent();
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

  private static String jobId(String submitOutput) {
    var m = java.util.regex.Pattern.compile("job ([0-9a-f]{32}) submitted").matcher(submitOutput);
    assertThat(m.find()).as("submit output: " + submitOutput).isTrue();
    return m.group(1);
  }

  private static String savepointPath(String stopOutput) {
    var m = java.util.regex.Pattern.compile("stopped with savepoint (\\S+)").matcher(stopOutput);
    assertThat(m.find()).as("savepoint-stop output: " + stopOutput).isTrue();
    return m.group(1);
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) {
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

package org.ecgstream.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The failover scenario on a multi-process cluster started by {@code deploy/local/cluster.sh}: a
 * Kafka broker process, a JobManager and two TaskManagers as separate JVMs, the shaded job jar
 * submitted over REST, the TaskManager killed with SIGKILL. Every step goes through the script,
 * as an operator would run it.
 */
class LocalClusterFailoverITCase {
  private static ClusterScript script;

  @BeforeAll
  static void startCluster() throws IOException {
    Path home = Path.of(System.getProperty("cluster.home"));
    // A cluster home keeps Kafka's data between starts; the scenario needs empty topics.
    if (Files.exists(home)) {
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    script = new ClusterScript(Path.of(System.getProperty("local.cluster.script")), home);
    script.run(Duration.ofMinutes(4), "start");
  }

  @AfterAll
  static void stopCluster() {
    if (script != null) {
      // What an operator would look at: the processes, their memory, the cluster's jobs.
      script.run(Duration.ofMinutes(1), "status");
      script.run(Duration.ofMinutes(2), "stop");
    }
  }

  @Test
  void shouldScoreEveryBeatExactlyOnceThroughATaskManagerKillAndASavepointRestart() throws Exception {
    String summary = FailoverScenario.run(new ScriptedCluster(script), Path.of(System.getProperty("shipped.test.file")));
    assertThat(summary).contains("duplicates 0, missing 0");
  }

  /** The cluster as cluster.sh runs it. */
  private record ScriptedCluster(ClusterScript script) implements ClusterUnderTest {
    @Override
    public String bootstrapServers() {
      return script.bootstrapServers();
    }

    @Override
    public FlinkRest rest() {
      return new FlinkRest(script.restUrl());
    }

    @Override
    public Path workDir() {
      return script.home;
    }

    @Override
    public List<Integer> metricsPorts() {
      return java.util.stream.IntStream.rangeClosed(script.metricsPort, script.metricsPort + 9).boxed().toList();
    }

    @Override
    public String submit(String savepoint) {
      List<String> args = new ArrayList<>(List.of("submit", "--parallelism", "2"));
      if (savepoint != null) {
        args.addAll(List.of("--savepoint", savepoint));
      }
      args.addAll(List.of("--", "--checkpoint.interval.ms", "1000"));
      return find(script.run(Duration.ofMinutes(3), args.toArray(String[]::new)), "job ([0-9a-f]{32}) submitted");
    }

    @Override
    public Replay replay(String... args) {
      String[] command = Stream.concat(Stream.of("replay"), Stream.of(args)).toArray(String[]::new);
      Process p = script.start(command);
      return new Replay() {
        @Override
        public boolean isAlive() {
          return p.isAlive();
        }

        @Override
        public void await() {
          script.finished(p, command);
        }
      };
    }

    @Override
    public void killTaskManager(int n) {
      script.run(Duration.ofSeconds(30), "kill-taskmanager", String.valueOf(n));
    }

    @Override
    public void startTaskManager(int n) {
      script.run(Duration.ofMinutes(2), "start-taskmanager", String.valueOf(n));
    }

    @Override
    public String stopWithSavepoint(String jobId) {
      return find(script.run(Duration.ofMinutes(3), "savepoint-stop", jobId), "stopped with savepoint (\\S+)");
    }

    private static String find(String output, String regex) {
      Matcher m = Pattern.compile(regex).matcher(output);
      assertThat(m.find()).as("cluster.sh output: " + output).isTrue();
      return m.group(1);
    }
  }
}

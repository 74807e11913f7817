package org.ecgstream.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code deploy/local/cluster.sh} the way an operator would, on ports of its own, with the
 * cluster's files in one folder. Every command's output goes to a file there, so a failure shows it.
 */
final class ClusterScript {
  final Path script;
  final Path home;
  final int kafkaPort;
  final int restPort;
  /** First of the ten ports the Flink processes serve Prometheus metrics on. */
  final int metricsPort;
  private final Map<String, String> env;
  private final Map<Process, Path> outputs = new ConcurrentHashMap<>();
  private int calls;

  ClusterScript(Path script, Path home) {
    // The failover scenario's clients connect without credentials: plaintext Kafka, whatever the
    // shell that runs the build has in SECURED.
    this(script, home, Map.of("SECURED", "0"));
  }

  /** With {@code settings} added to (or replacing) the script's environment, e.g. SECURED=1. */
  ClusterScript(Path script, Path home, Map<String, String> settings) {
    this.script = script;
    this.home = home;
    this.kafkaPort = freePort();
    this.restPort = freePort();
    this.metricsPort = freePort();
    Map<String, String> e = new java.util.HashMap<>(Map.of("CLUSTER_HOME", home.toString(), "KAFKA_PORT", String.valueOf(kafkaPort),
        "METRICS_PORTS", metricsPort + "-" + (metricsPort + 9), "KAFKA_CONTROLLER_PORT", String.valueOf(freePort()), "FLINK_REST_PORT", String.valueOf(restPort),
        "FLINK_RPC_PORT", String.valueOf(freePort()), "TASKMANAGERS", "2", "SLOTS_PER_TASKMANAGER", "2"));
    e.putAll(settings);
    this.env = Map.copyOf(e);
  }

  String bootstrapServers() {
    return "localhost:" + kafkaPort;
  }

  String restUrl() {
    return "http://localhost:" + restPort;
  }

  /** Runs one command to its end; fails with the command's output if it exits non-zero. */
  String run(Duration timeout, String... args) {
    Process p = start(args);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("cluster.sh " + String.join(" ", args) + " still running after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return finished(p, args);
  }

  /** Starts a command in the background; {@link #finished} collects its output. */
  Process start(String... args) {
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
    cmd.addAll(List.of(args));
    try {
      Files.createDirectories(home);
      Path out = home.resolve("cmd-" + (++calls) + "-" + args[0] + ".out");
      ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
      b.environment().putAll(env);
      Process p = b.start();
      outputs.put(p, out);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String finished(Process p, String... args) {
    try {
      p.waitFor();
      String out = Files.readString(outputs.remove(p), StandardCharsets.UTF_8);
      System.out.print(out);
      if (p.exitValue() != 0) {
        throw new AssertionError("cluster.sh " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

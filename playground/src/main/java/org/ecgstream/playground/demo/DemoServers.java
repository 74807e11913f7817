package org.ecgstream.playground.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.ecgstream.playground.embedded.EmbeddedPipeline;

/**
 * Where the demo's Flink and broker listen, whether the broker is secured, and whether they stay
 * up after the summary so the topics can be read again with the tail tool before the JVM, and the
 * broker with it, goes away.
 */
record DemoServers(int webUiPort, int kafkaPort, Stay stay, boolean secured) {
  DemoServers(int webUiPort, int kafkaPort, Stay stay) {
    this(webUiPort, kafkaPort, stay, false);
  }

  /** The pipeline on a plaintext broker (with the host port when free) or on a secured one. */
  EmbeddedPipeline start(Map<String, String> settings) throws Exception {
    if (secured) {
      System.out.println("securing Kafka: TLS with a certificate authority made for this run, SCRAM-SHA-512 logins, "
          + "ACLs");
      return EmbeddedPipeline.startSecured(settings, webUiPort);
    }
    return EmbeddedPipeline.start(settings, webUiPort, usableKafkaPort());
  }

  /** Who may do what on the demo's secured broker, or where other processes reach a plaintext one. */
  static String access(EmbeddedPipeline pipeline) {
    return pipeline.hostBootstrap().map(b -> tailCommand(b, pipeline.config().alertsTopic())
        + " (in another terminal) shows the alerts as committed").orElse("Kafka is secured: the job logs in as "
        + EmbeddedPipeline.JOB + " (read samples, write results), the replay as " + EmbeddedPipeline.PRODUCER
        + " (write samples), this console as " + EmbeddedPipeline.CONSOLE + " (read results and dead letters, kept "
        + "without raw bytes); the broker's internal listeners on localhost stay open, so this is a demonstration, "
        + "not a place for real patient data");
  }

  /** AUTO stays when a person is at the console, and ends at once under scripts and CI. */
  enum Stay { AUTO, YES, NO }

  /**
   * The requested web-UI port if it is free, else a free one, saying so (0 stays 0: no web UI).
   * Flink would otherwise fail the whole demo with a bind error deep in its REST server's start.
   */
  static int usableWebUiPort(int requested) {
    if (requested <= 0 || free(requested)) {
      return Math.max(requested, 0);
    }
    try (ServerSocket any = new ServerSocket()) {
      any.bind(new InetSocketAddress("localhost", 0));
      int port = any.getLocalPort();
      System.out.printf("port %d is taken (another Flink?); the web UI goes on port %d%n", requested, port);
      return port;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot find a free port for the Flink web UI", e);
    }
  }

  private static boolean free(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("localhost", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The requested Kafka port if it is free, else 0 (the broker's own free port only), saying so. */
  int usableKafkaPort() {
    if (kafkaPort <= 0) {
      return 0;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("localhost", kafkaPort));
      return kafkaPort;
    } catch (IOException e) {
      System.out.printf("port %d is taken (another Kafka?); the demo's broker stays on a free port%n", kafkaPort);
      return 0;
    }
  }

  /** The tail command that reads this broker's alerts. */
  static String tailCommand(String bootstrap, String topic) {
    return "bin/ecg tail " + ("localhost:9092".equals(bootstrap) ? "" : "--bootstrap-servers " + bootstrap + " ") + topic;
  }

  /** Prints where the topics are, and with a person at the console waits for Enter. */
  void lingerAfterSummary(Optional<String> bootstrap, String alertsTopic) throws IOException {
    boolean wait = stay == Stay.YES || (stay == Stay.AUTO && System.console() != null);
    if (!wait) {
      return;
    }
    System.out.println(bootstrap.map(b -> String.format("Kafka and Flink stay up: in another terminal, %s shows the "
        + "alerts again from the topic. Press Enter to stop.", tailCommand(b, alertsTopic)))
        .orElse("Kafka and Flink stay up (the Flink web UI too). Press Enter to stop."));
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
  }
}

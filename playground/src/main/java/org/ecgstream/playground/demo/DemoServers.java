package org.ecgstream.playground.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

/**
 * Where the demo's Flink and broker listen, and whether they stay up after the summary so the
 * topics can be read again with the tail tool before the JVM, and the broker with it, goes away.
 */
record DemoServers(int webUiPort, int kafkaPort, Stay stay) {
  /** AUTO stays when a person is at the console, and ends at once under scripts and CI. */
  enum Stay { AUTO, YES, NO }

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
  void lingerAfterSummary(String bootstrap, String alertsTopic) throws IOException {
    boolean wait = stay == Stay.YES || (stay == Stay.AUTO && System.console() != null);
    if (!wait) {
      return;
    }
    System.out.printf("Kafka and Flink stay up: in another terminal, %s shows the alerts again from the topic. "
        + "Press Enter to stop.%n", tailCommand(bootstrap, alertsTopic));
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
  }
}

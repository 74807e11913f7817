package org.ecgstream.playground.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.ecgstream.playground.embedded.EmbeddedKafka;
import org.junit.jupiter.api.Test;

/**
 * The demo's broker also listens on a fixed port for tools in other processes, and a demo that
 * finds the port taken says so and goes without it; a taken web-UI port is replaced by a free one.
 */
class DemoKafkaPortITCase {
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aTakenWebUiPortIsReplacedByAFreeOneAndTheDemoSaysSo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.PrintStream old = System.out;
      System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      int chosen;
      try {
        chosen = DemoServers.usableWebUiPort(port);
      } finally {
        System.setOut(old);
      }
      assertThat(chosen).isPositive().isNotEqualTo(port);
      assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("port " + port + " is taken (another Flink?); the web UI goes on port " + chosen + System.lineSeparator());
      // The chosen port is free: Flink can bind it.
      try (ServerSocket probe = new ServerSocket(chosen)) {
        assertThat(probe.getLocalPort()).isEqualTo(chosen);
      }
    }
    int free = freePort();
    assertThat(DemoServers.usableWebUiPort(free)).isEqualTo(free);
    assertThat(DemoServers.usableWebUiPort(0)).isZero();
  }

  @Test
  void clientsOnTheHostPortReachTheBrokerAndATakenPortIsNotRequested() throws Exception {
    int port = freePort();
    assertThat(new DemoServers(0, port, DemoServers.Stay.NO).usableKafkaPort()).isEqualTo(port);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(port);
         Admin admin = Admin.create(Map.of("bootstrap.servers", "localhost:" + port))) {
      admin.createTopics(List.of(new NewTopic("via-host-port", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      // Clients that came in through the host port are sent back to it, not to the test kit's own.
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::port)
          .containsExactly(port);
      try (Admin own = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        assertThat(own.listTopics().names().get(30, TimeUnit.SECONDS)).contains("via-host-port");
      }
      // The broker holds the port now: a second demo would go without it.
      assertThat(new DemoServers(0, port, DemoServers.Stay.NO).usableKafkaPort()).isZero();
    }
  }
}

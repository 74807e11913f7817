package org.ecgstream.playground.embedded;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka (KRaft) broker inside this JVM, with transaction support: for the
 * embedded demo and the integration tests. Never part of the job jar.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** A broker on free local ports. */
  public static EmbeddedKafka start() {
    return start(0);
  }

  /**
   * A broker on free local ports that also listens on {@code hostPort} of localhost (0: not), so
   * tools in other processes find it where they look by default (the tail tool: 9092). Kafka's test
   * kit binds its own listeners to free ports; a listener of another name is bound as configured.
   */
  public static EmbeddedKafka start(int hostPort) {
    if (hostPort <= 0) {
      return start(Map.of());
    }
    return start(Map.of(
        "listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0,HOST://localhost:" + hostPort,
        "listener.security.protocol.map", "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:PLAINTEXT"));
  }

  /**
   * A broker with these server settings added: more listeners (beside the kit's EXTERNAL and
   * CONTROLLER, which stay plaintext on localhost), an authorizer, TLS stores.
   */
  public static EmbeddedKafka start(Map<String, String> serverProperties) {
    try {
      TestKitNodes.Builder nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
          .setNumControllerNodes(1);
      if (!serverProperties.isEmpty()) {
        // Node 0 is the combined broker and controller.
        nodes.setPerServerProperties(Map.of(0, serverProperties));
      }
      KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .build();
      formatQuietly(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(cluster);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  /**
   * Formats the broker's storage. Kafka's formatter prints its metadata records to standard
   * output, which would land between the demo's alerts; nothing else prints while it runs.
   */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      cluster.format();
    } finally {
      System.setOut(out);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** The port the broker bound for listener {@code name} (one configured with port 0). */
  public int boundPort(String name) {
    return cluster.brokers().get(0).boundPort(org.apache.kafka.common.network.ListenerName.normalised(name));
  }

  /**
   * Stops the broker as a crash would leave its clients (connections gone, nothing answers) while
   * its controller and data stay; {@link #restartBroker} brings it back on the same ports.
   */
  public void stopBroker() {
    cluster.brokers().get(0).shutdown();
    cluster.brokers().get(0).awaitShutdown();
  }

  public void restartBroker() {
    try {
      cluster.brokers().get(0).startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      throw new IllegalStateException("cannot restart the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  public Properties clientProperties() {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrapServers());
    return p;
  }

  /**
   * Creates the topics and waits until every partition has a leader: a producer that sends to a
   * partition still without one had its first batch retried behind later ones and refused with
   * OutOfOrderSequenceException (seen in the tests), losing the records.
   */
  public void createTopics(int partitions, String... names) {
    try (Admin admin = Admin.create(clientProperties())) {
      admin.createTopics(java.util.Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all().get(30, TimeUnit.SECONDS);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!allLed(admin, List.of(names), partitions)) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("partitions without a leader after 30 s");
        }
        Thread.sleep(50);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics " + List.of(names) + ": " + e.getMessage(), e);
    }
  }

  private static boolean allLed(Admin admin, List<String> topics, int partitions) throws Exception {
    Map<String, org.apache.kafka.clients.admin.TopicDescription> described;
    try {
      described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        // Created by the controller, not yet in the broker's metadata: 2 of 150 creations in a row
        // met this, and a test failed on it.
        return false;
      }
      throw e;
    }
    return described.values().stream().allMatch(t -> t.partitions().size() == partitions
        && t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the embedded Kafka broker", e);
    }
  }
}

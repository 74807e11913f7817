package org.ecgstream.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.ecgstream.job.config.JobConfig;
import org.junit.jupiter.api.Test;

/** What the job asks of Kafka, and that a broker it cannot reach or name is not a refusal. */
class KafkaAccessCheckTest {
  @Test
  void needsAreTheJobsTopicsGroupAndTransactionalIdsAndNothingMore() {
    JobConfig c = JobConfig.fromMap(Map.of("transactional.id.prefix", "tx-a", "group.id", "g-a"), k -> null);
    assertThat(KafkaAccessCheck.needs(c)).extracting(n -> n.resource().resourceType(), n -> n.resource().name(),
        n -> n.resource().patternType(), KafkaAccessCheck.Need::operation).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ResourceType.TOPIC, "ecg.samples", PatternType.LITERAL, AclOperation.READ),
        org.assertj.core.groups.Tuple.tuple(ResourceType.TOPIC, "ecg.beat-scores", PatternType.LITERAL, AclOperation.WRITE),
        org.assertj.core.groups.Tuple.tuple(ResourceType.TOPIC, "ecg.alerts", PatternType.LITERAL, AclOperation.WRITE),
        org.assertj.core.groups.Tuple.tuple(ResourceType.TOPIC, "ecg.dead-letters", PatternType.LITERAL, AclOperation.WRITE),
        org.assertj.core.groups.Tuple.tuple(ResourceType.GROUP, "g-a", PatternType.LITERAL, AclOperation.READ),
        org.assertj.core.groups.Tuple.tuple(ResourceType.TRANSACTIONAL_ID, "tx-a", PatternType.PREFIXED, AclOperation.WRITE));
    assertThat(KafkaAccessCheck.needs(c.with("delivery.guarantee", "at-least-once")))
        .noneMatch(n -> n.resource().resourceType() == ResourceType.TRANSACTIONAL_ID);
  }

  @Test
  void aBrokerThatDoesNotAnswerIsNotARefusal() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    JobConfig c = JobConfig.fromMap(Map.of("bootstrap.servers", "localhost:" + closed), k -> null);
    long start = System.nanoTime();
    KafkaAccessCheck.verify(c, Duration.ofSeconds(2));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aBrokerNameThatDoesNotResolveYetIsNotARefusal() {
    JobConfig c = JobConfig.fromMap(Map.of("bootstrap.servers", "kafka-not-up-yet.invalid:9092"), k -> null);
    KafkaAccessCheck.verify(c, Duration.ofSeconds(2));
  }

  @Test
  void otherConfigurationErrorsStopTheJobWithKafkasMessage() {
    JobConfig c = JobConfig.fromMap(Map.of("bootstrap.servers", "localhost:9", "kafka.security.protocol", "TELEPATHY"),
        k -> null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KafkaAccessCheck.verify(c, Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class).isNotInstanceOf(KafkaAccessCheck.AccessDenied.class)
        .hasMessageStartingWith("cannot check the job's Kafka rights: ");
  }
}

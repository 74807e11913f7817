package org.ecgstream.playground.it;

import org.ecgstream.playground.embedded.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-JVM Kafka broker for one test class, started before its first test and closed after its
 * last: {@code @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();}.
 */
final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedKafka kafka;

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka = EmbeddedKafka.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
  }

  EmbeddedKafka get() {
    if (kafka == null) {
      throw new IllegalStateException("the broker runs only while the test class does");
    }
    return kafka;
  }
}

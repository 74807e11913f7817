package org.ecgstream.job.io;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.ecgstream.job.io.TopicValues;

/**
 * Reads a topic from the beginning with {@code isolation.level=read_committed}: only what the
 * job's transactions committed, as a downstream consumer sees it.
 */
public final class CommittedTopicReader<T extends SpecificRecord> implements AutoCloseable {
  /** Its consumer groups' names start with this (random after it): what a reader's ACL grants. */
  public static final String GROUP_PREFIX = "reader-";
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Class<T> type;
  private final List<T> records = new ArrayList<>();

  public CommittedTopicReader(Properties kafka, String topic, Class<T> type) {
    this.consumer = committedConsumer(kafka, topic, GROUP_PREFIX, false);
    this.type = type;
  }

  /**
   * A consumer subscribed to {@code topic} that sees only what committed transactions wrote, in a
   * group of its own named {@code groupPrefix} and a random id (so it commits nothing and shares
   * nothing), from the beginning or the end.
   */
  public static KafkaConsumer<byte[], byte[]> committedConsumer(Properties kafka, String topic, String groupPrefix,
                                                                boolean fromEnd) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.setProperty("group.id", groupPrefix + UUID.randomUUID());
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("auto.offset.reset", fromEnd ? "latest" : "earliest");
    p.setProperty("enable.auto.commit", "false");
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }

  /** Polls once; decodes and keeps what arrived and hands each new record to {@code onRecord}. */
  public int poll(Duration timeout, Consumer<T> onRecord) {
    int n = 0;
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      try {
        T value = TopicValues.decode(r.value(), type);
        records.add(value);
        onRecord.accept(value);
        n++;
      } catch (IOException e) {
        throw new IllegalStateException("undecodable record on " + r.topic() + "@" + r.offset(), e);
      }
    }
    return n;
  }

  /** Polls until at least {@code count} records were read or {@code timeout} passed. */
  public List<T> readAtLeast(int count, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (records.size() < count && System.nanoTime() < end) {
      poll(Duration.ofMillis(200), r -> { });
    }
    return List.copyOf(records);
  }

  /** Keeps polling for {@code quiet} and returns everything read. */
  public List<T> drain(Duration quiet) {
    long end = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < end) {
      poll(Duration.ofMillis(200), r -> { });
    }
    return List.copyOf(records);
  }

  public List<T> records() {
    return List.copyOf(records);
  }

  @Override
  public void close() {
    consumer.close();
  }
}

package org.ecgstream.job.io;

import java.nio.charset.StandardCharsets;
import java.io.Serializable;
import java.util.function.Function;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ecgstream.schemas.AvroBytes;

/**
 * Writes a record as plain Avro, keyed by source id, with the record timestamp set explicitly from
 * the record's own event time (never the stream's, which may be Long.MAX_VALUE or absent). A time
 * the broker would refuse (negative, or further ahead than it accepts) is replaced by the wall
 * clock: a refused record would fail the whole transaction and every patient's scores with it.
 */
public class KeyedAvroSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
  /** A serializable accessor of a record's field (method references to getters). */
  public interface Field<T, R> extends Function<T, R>, Serializable {}

  /** Well inside the broker's default log.message.timestamp.after.max.ms of one hour. */
  static final long MAX_AHEAD_MS = 10 * 60_000;

  private final String topic;
  private final Field<T, String> key;
  private final Field<T, Long> timestamp;

  public KeyedAvroSerializer(String topic, Field<T, String> key, Field<T, Long> timestamp) {
    this.topic = topic;
    this.key = key;
    this.timestamp = timestamp;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long ignored) {
    String k = key.apply(element);
    return new ProducerRecord<>(topic, null, brokerSafe(timestamp.apply(element), System.currentTimeMillis()),
        k == null ? null : k.getBytes(StandardCharsets.UTF_8), AvroBytes.encode(element));
  }

  static long brokerSafe(Long time, long now) {
    return time == null || time < 0 || time > now + MAX_AHEAD_MS ? now : time;
  }
}

package org.ecgstream.job.io;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.records.RawRecord;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;

/** Builds the job's Kafka source and its three sinks from the configuration. */
public final class KafkaTopics {
  private KafkaTopics() {}

  public static KafkaSource<RawRecord> samplesSource(JobConfig c) {
    OffsetsInitializer start = switch (c.startingOffsets()) {
      case "earliest" -> OffsetsInitializer.earliest();
      case "latest" -> OffsetsInitializer.latest();
      default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    };
    return KafkaSource.<RawRecord>builder()
        .setProperties(c.kafkaProperties())
        .setTopics(c.samplesTopic())
        .setGroupId(c.groupId())
        .setStartingOffsets(start)
        .setDeserializer(new RawRecordDeserializer())
        .build();
  }

  public static KafkaSink<BeatScore> scoresSink(JobConfig c) {
    return sink(c, "scores", new KeyedAvroSerializer<BeatScore>(c.scoresTopic(), BeatScore::getSourceId,
        BeatScore::getEndTimeMillis));
  }

  public static KafkaSink<Alert> alertsSink(JobConfig c) {
    return sink(c, "alerts", new KeyedAvroSerializer<Alert>(c.alertsTopic(), Alert::getSourceId, Alert::getEventTimeMillis));
  }

  public static KafkaSink<DeadLetter> deadLetterSink(JobConfig c) {
    return sink(c, "dead-letters", new KeyedAvroSerializer<DeadLetter>(c.deadLettersTopic(), DeadLetter::getSourceId,
        DeadLetter::getDetectedAtMillis));
  }

  private static <T> KafkaSink<T> sink(JobConfig c, String name,
                                       org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer) {
    Properties p = c.kafkaProperties();
    p.setProperty("transaction.timeout.ms", String.valueOf(c.transactionTimeout().toMillis()));
    return KafkaSink.<T>builder()
        .setBootstrapServers(c.bootstrapServers())
        .setKafkaProducerConfig(p)
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(c.exactlyOnce() ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
        // One prefix per sink: transactional ids must be unique across all sinks of all jobs on the cluster.
        .setTransactionalIdPrefix(c.transactionalIdPrefix() + "-" + name)
        .build();
  }
}

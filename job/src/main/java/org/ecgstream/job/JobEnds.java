package org.ecgstream.job;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.KafkaTopics;
import org.ecgstream.job.records.RawRecord;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;

/**
 * Where the job reads its samples and writes its three outputs. Production reads and writes Kafka
 * ({@link #kafka}); a test can swap any end for its own source or sink and keep the rest of the job.
 * The samples source yields raw records (key, value bytes, broker time) so the job's own decoder
 * meets every byte, as it would from Kafka.
 */
public record JobEnds(Source<RawRecord, ?, ?> samples, Sink<BeatScore> scores, Sink<Alert> alerts,
                      Sink<DeadLetter> deadLetters) {

  /** The topics named in {@code c}, written with the delivery guarantee {@code c} asks for. */
  public static JobEnds kafka(JobConfig c) {
    return new JobEnds(KafkaTopics.samplesSource(c), KafkaTopics.scoresSink(c), KafkaTopics.alertsSink(c),
        KafkaTopics.deadLetterSink(c));
  }
}

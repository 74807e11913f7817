package org.ecgstream.job.records;

/**
 * A Kafka record as it arrived, before decoding, so that undecodable input can be dead-lettered
 * with its topic, partition and offset. A Flink POJO.
 */
public class RawRecord {
  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public RawRecord() {}

  public RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  @Override
  public String toString() {
    return "RawRecord[" + topic + "-" + partition + "@" + offset + "]";
  }
}

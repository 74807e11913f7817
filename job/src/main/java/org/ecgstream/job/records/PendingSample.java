package org.ecgstream.job.records;

/** A sample that arrived ahead of a missing one, held by the assembler until its turn. A Flink POJO. */
public class PendingSample {
  public long eventTimeMillis;
  public float[] values;

  public PendingSample() {}

  public PendingSample(long eventTimeMillis, float[] values) {
    this.eventTimeMillis = eventTimeMillis;
    this.values = values;
  }
}

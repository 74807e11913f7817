package org.ecgstream.job.records;

/**
 * One assembled window of a source, ready to score: {@code length} consecutive samples of
 * {@code channels} values each, time-major. A Flink POJO.
 */
public class Beat {
  public String sourceId;
  public long firstSequence;
  public long lastSequence;
  public long startTimeMillis;
  public long endTimeMillis;
  public int channels;
  public float[] values;
  /** Wall-clock time when the beat was complete, for the scoring latency. */
  public long assembledAtMillis;

  public Beat() {}

  public Beat(String sourceId, long firstSequence, long lastSequence, long startTimeMillis, long endTimeMillis,
              int channels, float[] values, long assembledAtMillis) {
    this.sourceId = sourceId;
    this.firstSequence = firstSequence;
    this.lastSequence = lastSequence;
    this.startTimeMillis = startTimeMillis;
    this.endTimeMillis = endTimeMillis;
    this.channels = channels;
    this.values = values;
    this.assembledAtMillis = assembledAtMillis;
  }

  @Override
  public String toString() {
    // No signal values: they are patient data.
    return "Beat[" + sourceId + " " + firstSequence + ".." + lastSequence + "]";
  }
}

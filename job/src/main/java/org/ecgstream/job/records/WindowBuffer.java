package org.ecgstream.job.records;

/**
 * The samples collected so far for a source's current window: {@code filled} consecutive samples
 * starting at {@code startSequence}. A Flink POJO kept in keyed state.
 */
public class WindowBuffer {
  public long startSequence;
  public int filled;
  public float[] values;
  public long[] times;

  public WindowBuffer() {}

  public WindowBuffer(long startSequence, int length, int channels) {
    this.startSequence = startSequence;
    this.values = new float[length * channels];
    this.times = new long[length];
  }
}

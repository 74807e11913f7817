package org.ecgstream.job.records;

/**
 * Where the assembly of one source stands, judged from that source's own samples and arrivals
 * only. A Flink POJO kept in keyed state.
 */
public class SourceProgress {
  /** The next sequence number the current window needs. */
  public long next;
  /** Latest event time among the source's samples (after any clock re-stamping). */
  public long newestEventMillis = Long.MIN_VALUE;
  /** Samples held ahead of a missing one. */
  public int held;
  /** The last range given up as a gap, [lostFrom, lostTo): samples arriving there later are late, not duplicates. */
  public long lostFrom;
  public long lostTo;
  /** Samples in a row that were all behind {@link #next}: a long run means the source started counting again. */
  public long behindRun;
  /** Sampling rate of the source's last frame (from its sample period), Hz; 0 when it gave none. */
  public double samplingHz;

  public SourceProgress() {}
}

package org.ecgstream.job.records;

import org.ecgstream.model.rpeak.RPeakDetector;

/**
 * A source's R-peak beat cutting: the detector, the last seconds of samples in a ring (to cut a
 * window around a peak once it is reported), and the last two peaks. Indices count the samples
 * since the stream (re)started; index k has sequence number {@code firstSequence + k}. Kept in
 * keyed state.
 */
public class RPeakState {
  public RPeakDetector detector;
  public long firstSequence;
  /** Samples taken since the (re)start. */
  public long count;
  public float[] values;
  public long[] times;
  /** Index of the last reported R peak whose beat is not cut yet, and of the one before it; -1 when none. */
  public long pendingPeak = -1;
  public long previousPeak = -1;
  /** The beat classifier's state; null when the job runs none (or restored from a savepoint taken before it). */
  public ClassifierState classifier;

  public RPeakState() {}
}

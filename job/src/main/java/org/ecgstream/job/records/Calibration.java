package org.ecgstream.job.records;

/** A source's learning period: when it began, the losses so far, and the threshold once set. A Flink POJO. */
public class Calibration {
  /** Event time of the source's first beat. */
  public long startMillis;
  public int count;
  public float[] losses;
  /** The source's own threshold; NaN while learning. */
  public double threshold = Double.NaN;

  public Calibration() {}
}

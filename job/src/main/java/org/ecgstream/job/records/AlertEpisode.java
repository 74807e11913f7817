package org.ecgstream.job.records;

/** The debouncer's memory of a source: recent verdicts and any open episode. A Flink POJO. */
public class AlertEpisode {
  /** Bit i set: the i-th most recent beat was anomalous. */
  public int recent;
  /** Beats recorded in {@code recent}, at most m. */
  public int seen;
  public boolean open;
  public String alertId;
  public long openedAtMillis;
  public long firstSequence;
  public int beats;
  public int anomalousBeats;
  public double peakLoss;
  public int normalRun;
  public int sinceUpdate;
  public long lastSequence;
  public double threshold;
  public String modelVersion;

  public AlertEpisode() {}
}

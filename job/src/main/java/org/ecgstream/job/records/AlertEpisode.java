package org.ecgstream.job.records;

/**
 * The debouncer's memory of a source: recent verdicts and any open episode. A Flink POJO (no
 * field falls back to Kryo); the fields after {@code modelVersion} were added later, so state
 * restored from before them has them null.
 */
public class AlertEpisode {
  /**
   * Most anomalous beats an episode lists, the most recent ones; alert.m is at most 31, so the
   * anomalous beats that open an episode are always all listed.
   */
  public static final int LISTED = 32;

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
  /**
   * Before an episode opens: the anomalous beats among the last m, oldest first, one per set bit
   * of {@code recent}, so it can open with its peak and its list. Null once open.
   */
  public AnomalousBeat[] window;
  /** Once open: the beat {@code peakLoss} is of. */
  public AnomalousBeat peak;
  /** Once open: first samples of its last {@link #LISTED} anomalous beats, oldest first. */
  public long[] anomalousSequences;
  /**
   * Once open, for multi-channel models: each channel's error summed over the episode's anomalous
   * beats, to say which channels the episode is about. Null otherwise and in older state.
   */
  public float[] channelErrors;
  /**
   * Bit i set: rhythm kind i ({@code AlertKinds.Kind}'s ordinal) was open at a beat of this
   * episode or of the window that is opening it; 0 in older state.
   */
  public int rhythms;

  /** Adds one beat's channel errors (null: nothing to add). */
  public void addChannelErrors(float[] beat) {
    if (beat == null) {
      return;
    }
    if (channelErrors == null || channelErrors.length != beat.length) {
      channelErrors = new float[beat.length];
    }
    for (int c = 0; c < beat.length; c++) {
      channelErrors[c] += beat[c];
    }
  }

  public AlertEpisode() {}
}

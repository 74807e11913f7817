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
  /** Beats cut around R peaks: the R peak's sequence number and time; -1 for fixed-grid windows. */
  public long rPeakSequence = -1;
  public long rPeakTimeMillis;
  /** Milliseconds from the previous and to the next R peak; -1 when unknown. */
  public int rrPreviousMillis = -1;
  public int rrNextMillis = -1;
  /** 1 − correlation with the source's learnt dominant beat, and that template's threshold; NaN before it is learnt. */
  public double templateMismatch = Double.NaN;
  public double templateThreshold = Double.NaN;
  /** The beat classifier's probability that this beat is ventricular, and its threshold; NaN without a classifier. */
  public double ventricularProbability = Double.NaN;
  public double ventricularThreshold = Double.NaN;
  /** The rhythm kinds open after this beat ({@code AlertKinds.Kind} names); null without a classifier. */
  public String[] rhythms;

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

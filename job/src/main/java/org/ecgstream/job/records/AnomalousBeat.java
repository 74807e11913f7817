package org.ecgstream.job.records;

import org.ecgstream.schemas.BeatScore;

/** What an alert tells of one anomalous beat: where and when it was, and its scores. A Flink POJO. */
public class AnomalousBeat {
  /** Sequence of the beat's first sample: with the source, the key of its score. */
  public long firstSequence;
  /** The beat's event time (its last sample's). */
  public long timeMillis;
  public double loss;
  /** Null when the beat has no template mismatch. */
  public Double templateMismatch;
  public Double templateThreshold;

  public AnomalousBeat() {}

  public static AnomalousBeat of(BeatScore s) {
    AnomalousBeat b = new AnomalousBeat();
    b.firstSequence = s.getFirstSequence();
    b.timeMillis = s.getEndTimeMillis();
    b.loss = s.getLoss();
    b.templateMismatch = s.getTemplateMismatch();
    b.templateThreshold = s.getTemplateThreshold();
    return b;
  }
}

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
  /** Per input channel, the beat's mean absolute error (multi-channel models); null otherwise. Added later: null in older state. */
  public float[] channelErrors;

  public AnomalousBeat() {}

  public static AnomalousBeat of(BeatScore s) {
    AnomalousBeat b = new AnomalousBeat();
    b.firstSequence = s.getFirstSequence();
    b.timeMillis = s.getEndTimeMillis();
    b.loss = s.getLoss();
    b.templateMismatch = s.getTemplateMismatch();
    b.templateThreshold = s.getTemplateThreshold();
    b.channelErrors = s.getChannelErrors() == null ? null : toArray(s.getChannelErrors());
    return b;
  }

  static float[] toArray(java.util.List<Float> values) {
    float[] a = new float[values.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = values.get(i);
    }
    return a;
  }
}

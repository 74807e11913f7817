package org.ecgstream.job.functions;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.job.records.Beat;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.schemas.BeatScore;

/** Turns one scored beat into its output record, with where in the beat the error lies. */
final class BeatScoreFactory {
  /** The beat is split into this many equal segments for {@code segmentErrors}. */
  static final int SEGMENTS = 7;
  static final int TOP_STEPS = 5;

  private BeatScoreFactory() {}

  static BeatScore of(Beat b, ScoreBatch r, int i, String modelVersion, long scoredAtMillis, long latencyMicros,
                      int batchSize) {
    float[] steps = r.stepErrors(i);
    float[] embedding = r.embedding(i);
    float[] channels = r.channelErrors(i);
    return BeatScore.newBuilder().setSourceId(b.sourceId).setFirstSequence(b.firstSequence)
        .setLastSequence(b.lastSequence).setStartTimeMillis(b.startTimeMillis).setEndTimeMillis(b.endTimeMillis)
        .setLoss(r.loss(i)).setLossMean(r.lossMean(i)).setThreshold(r.threshold()).setAnomalous(r.isAnomalous(i))
        .setModelVersion(modelVersion).setSegmentErrors(segments(steps)).setTopSteps(top(steps))
        .setScoringLatencyMicros(latencyMicros).setBatchSize(batchSize).setScoredAtMillis(scoredAtMillis)
        .setRPeakSequence(b.rPeakSequence < 0 ? null : b.rPeakSequence)
        .setRPeakTimeMillis(b.rPeakSequence < 0 ? null : b.rPeakTimeMillis)
        .setRrPreviousMillis(b.rrPreviousMillis < 0 ? null : b.rrPreviousMillis)
        .setRrNextMillis(b.rrNextMillis < 0 ? null : b.rrNextMillis)
        .setTemplateMismatch(Double.isNaN(b.templateMismatch) ? null : b.templateMismatch)
        .setTemplateThreshold(Double.isNaN(b.templateMismatch) ? null : b.templateThreshold)
        .setVentricularProbability(Double.isNaN(b.ventricularProbability) ? null : b.ventricularProbability)
        .setVentricularThreshold(Double.isNaN(b.ventricularProbability) ? null : b.ventricularThreshold)
        .setRhythms(b.rhythms == null ? List.of() : List.of(b.rhythms))
        .setThresholdKind("model").setEmbedding(embedding == null ? null : boxed(embedding))
        // One channel: its error is the loss; the field is for telling channels apart.
        .setChannelErrors(channels == null || channels.length < 2 ? null : boxed(channels)).build();
  }

  private static List<Float> boxed(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  static List<Float> segments(float[] steps) {
    List<Float> out = new ArrayList<>(SEGMENTS);
    for (int s = 0; s < SEGMENTS; s++) {
      int from = s * steps.length / SEGMENTS;
      int to = (s + 1) * steps.length / SEGMENTS;
      float sum = 0;
      for (int t = from; t < to; t++) {
        sum += steps[t];
      }
      out.add(to > from ? sum / (to - from) : 0f);
    }
    return out;
  }

  static List<Integer> top(float[] steps) {
    List<Integer> out = new ArrayList<>(TOP_STEPS);
    boolean[] taken = new boolean[steps.length];
    for (int k = 0; k < Math.min(TOP_STEPS, steps.length); k++) {
      int best = -1;
      for (int t = 0; t < steps.length; t++) {
        if (!taken[t] && (best < 0 || steps[t] > steps[best])) {
          best = t;
        }
      }
      taken[best] = true;
      out.add(best);
    }
    return out;
  }
}

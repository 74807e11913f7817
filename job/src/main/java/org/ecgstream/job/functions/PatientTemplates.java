package org.ecgstream.job.functions;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.util.FlinkRuntimeException;
import org.ecgstream.job.records.Beat;
import org.ecgstream.job.records.TemplateState;
import org.ecgstream.model.rpeak.BeatTemplate;

/**
 * Learns each source's dominant beat ({@link BeatTemplate}) from its beats of the learning period
 * (the same period, from the same first beat, as {@link PatientCalibrator}'s) and marks every
 * later beat with its mismatch and the template's threshold, for the calibrator to judge. Learning
 * beats sit in list state (appended, never rewritten) and are dropped once the template is learnt.
 */
final class PatientTemplates {
  /** Learning beats kept at most (about 7 minutes at 75 beats/min); later ones of the period are not used. */
  static final int MAX_LEARNING_BEATS = 512;

  private final long learningMs;
  private final double k;
  private final double minMismatch;
  private final ValueState<TemplateState> state;
  private final ListState<float[]> learning;

  PatientTemplates(RuntimeContext rc, long learningMs, double k, double minMismatch) {
    this.learningMs = learningMs;
    this.k = k;
    this.minMismatch = minMismatch;
    this.state = rc.getState(new ValueStateDescriptor<>("template", TemplateState.class));
    this.learning = rc.getListState(new ListStateDescriptor<>("templateLearning",
        PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
  }

  /** Learns from {@code b} during the learning period; after it, sets the beat's template fields. */
  void mark(Beat b) {
    try {
      TemplateState t = state.value();
      if (t == null) {
        t = new TemplateState();
        t.startMillis = b.endTimeMillis;
      }
      if (t.shape == null) {
        if (b.endTimeMillis - t.startMillis < learningMs) {
          if (t.kept < MAX_LEARNING_BEATS) {
            learning.add(b.values);
            t.kept++;
            state.update(t);
          }
          return;
        }
        List<float[]> beats = new ArrayList<>();
        learning.get().forEach(beats::add);
        BeatTemplate learnt = BeatTemplate.learn(beats, k, minMismatch);
        learning.clear();
        t.shape = learnt.shape();
        t.threshold = learnt.threshold();
        state.update(t);
      }
      b.templateMismatch = BeatTemplate.mismatch(t.shape, b.values);
      b.templateThreshold = t.threshold;
    } catch (Exception e) {
      throw new FlinkRuntimeException("template state of " + b.sourceId, e);
    }
  }

  /** The source went silent for the TTL: the next beats may be another patient. */
  void clear() {
    state.clear();
    learning.clear();
  }
}

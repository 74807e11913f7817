package org.ecgstream.job.functions;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.ecgstream.job.records.Calibration;
import org.ecgstream.model.threshold.RobustThreshold;
import org.ecgstream.schemas.BeatScore;

/**
 * Gives each source its own threshold, as bedside monitors learn a patient (the learning period
 * of ANSI/AAMI EC57): the source's beats during its first {@code learning} of event time are
 * scored but never flagged (threshold kind {@code learning}); then the threshold is set from their
 * losses by {@link RobustThreshold} and every later beat is judged against it (kind
 * {@code patient}). A model trained on other people reconstructs a new patient's normal beats
 * less well than its own training data, so the model file's threshold would flag most of them.
 * A source silent for one and a half state TTLs (wall clock) learns again: it may be a new patient.
 *
 * <p>Where the model file holds a beat classifier, beats cut around R peaks carry its probability
 * that they are ventricular, and after the learning period that alone decides (kind
 * {@code classifier}); the loss threshold is still learnt and published. Without one:
 * beats cut around R peaks also carry their mismatch with the source's dominant beat, learnt by
 * the assembler over the same period ({@link PatientTemplates}); a beat is flagged when either its
 * loss or its mismatch is above its threshold. The model judges whether a beat looks like any
 * normal ECG; the template whether it looks like this patient's own beats, which a model trained
 * on other people cannot know (on MIT-BIH record 208 the model's losses for normal beats and PVCs
 * are the same, the template separates them).
 */
public class PatientCalibrator extends KeyedProcessFunction<String, BeatScore, BeatScore> {
  /** Losses kept for the learning period at most (about 40 minutes at 75 beats/min). */
  static final int MAX_LEARNING_BEATS = 3000;

  private final long learningMs;
  private final double k;
  private final long ttlMs;

  private transient ValueState<Calibration> state;
  private transient SilenceTimer silence;
  private transient Counter calibrated;

  public PatientCalibrator(Duration learning, double k, Duration ttl) {
    this.learningMs = learning.toMillis();
    this.k = k;
    // Half a TTL longer than the assembler keeps the source's signal: when a source falls silent
    // the assembler cuts its last beat as it expires, and that beat must still meet this
    // patient's calibration, not start a new learning period.
    this.ttlMs = ttl.toMillis() + ttl.toMillis() / 2;
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("calibration", Calibration.class));
    silence = new SilenceTimer(getRuntimeContext(), "idleTimer", ttlMs);
    calibrated = getRuntimeContext().getMetricGroup().counter("sourcesCalibrated");
  }

  @Override
  public void processElement(BeatScore s, Context ctx, Collector<BeatScore> out) throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    Calibration c = state.value();
    if (c == null) {
      c = new Calibration();
      c.startMillis = s.getEndTimeMillis();
      c.losses = new float[64];
    }
    if (Double.isNaN(c.threshold)) {
      if (s.getEndTimeMillis() - c.startMillis < learningMs && c.count < MAX_LEARNING_BEATS) {
        if (c.count == c.losses.length) {
          c.losses = java.util.Arrays.copyOf(c.losses, c.losses.length * 2);
        }
        c.losses[c.count++] = (float) s.getLoss();
        s.setAnomalous(false);
        s.setThresholdKind("learning");
        out.collect(s);
        save(c, now, ctx);
        return;
      }
      c.threshold = RobustThreshold.of(c.losses, c.count, k);
      c.losses = null;
      calibrated.inc();
    }
    s.setThreshold(c.threshold);
    Double ventricular = s.getVentricularProbability();
    if (ventricular != null) {
      // The beat classifier, where the model file has one, decides alone: on patients it never saw
      // it raised a fraction of the false alarms of loss and template (model-training README, DS1).
      s.setAnomalous(ventricular > s.getVentricularThreshold());
      s.setThresholdKind("classifier");
    } else {
      Double mismatch = s.getTemplateMismatch();
      s.setAnomalous(s.getLoss() > c.threshold || mismatch != null && mismatch > s.getTemplateThreshold());
      s.setThresholdKind("patient");
    }
    out.collect(s);
    save(c, now, ctx);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<BeatScore> out) throws Exception {
    if (silence.silentAt(ctx.timerService(), timestamp)) {
      state.clear();
    }
  }

  private void save(Calibration c, long now, Context ctx) throws Exception {
    state.update(c);
    silence.touch(ctx.timerService(), now);
  }
}

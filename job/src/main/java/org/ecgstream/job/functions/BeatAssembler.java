package org.ecgstream.job.functions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.ecgstream.job.records.Beat;
import org.ecgstream.job.records.PendingSample;
import org.ecgstream.job.records.RPeakState;
import org.ecgstream.model.beats.BeatClassifier;
import org.ecgstream.job.records.SourceProgress;
import org.ecgstream.job.records.WindowBuffer;
import org.ecgstream.schemas.SampleFrame;

/**
 * Cuts each source's samples, by sequence number, into windows of the model's length: tumbling
 * by default, or every {@code stride} samples for overlapping windows. Window k covers sequence
 * numbers [k * stride, k * stride + length).
 *
 * <p>Every decision is taken from the source's own samples and the wall clock, never from a
 * watermark, so another source's clock cannot move it. Samples that arrive early are held until
 * the missing ones come. A missing sample is given up as a gap once the source's own event time
 * has moved on by more than the allowed lateness past the first held sample, or once that much
 * wall-clock time has passed since it was held (a source that stops sending), or when more than
 * a few windows are held. The partial window is then dropped and reported, never scored as a
 * corrupted beat. Exact duplicates are counted and ignored; samples that arrive after their gap
 * was given up are reported as late. A source whose sequence goes back while its time moves on
 * (a monitor that rebooted) is re-synchronised at its new sequence. A source silent for the state
 * TTL (wall clock) has its state cleared. Every sample that does not end up in a beat is counted
 * and reported in a dead letter with its reason.
 */
public class BeatAssembler extends KeyedProcessFunction<String, SampleFrame, Beat> {
  /** Held samples beyond this many windows are a gap whatever the clocks say: state stays bounded. */
  static final int MAX_HELD_WINDOWS = 8;

  private final int length;
  private final int channels;
  private final int stride;
  private final long allowedLatenessMs;
  private final long ttlMs;
  private final String topic;
  /** Null: windows on a fixed grid of sequence numbers; else beats cut around R peaks. */
  private final RPeakWindows rPeaks;
  /** Patient templates: off when 0. */
  private long templateLearningMs;
  private double templateK;
  private double templateMinMismatch;
  private transient PatientTemplates templates;

  private transient ValueState<SourceProgress> progress;
  private transient ValueState<RPeakState> rPeakState;
  /** The current key's R-peak state while an element or timer is handled. */
  private transient RPeakState rp;
  private transient Counter beatsIncomplete;
  private transient double samplingHz;
  private transient ValueState<WindowBuffer> window;
  private transient MapState<Long, PendingSample> pending;
  private transient KeyedTimer gapTimer;
  private transient SilenceTimer silence;
  private transient Counter beats;
  private transient Counter gaps;
  private transient Counter restarts;
  private transient Counter duplicateSamples;
  private transient Counter lateSamples;
  private transient Counter droppedSamples;

  public BeatAssembler(int length, int channels, int stride, Duration allowedLateness, Duration ttl, String topic) {
    this(length, channels, stride, allowedLateness, ttl, topic, null);
  }

  /** Beats around R peaks: a window of {@code beforeMs} + {@code afterMs} around each peak found in channel {@code lead}. */
  public static BeatAssembler aroundRPeaks(int length, int channels, int lead, long beforeMs, long afterMs,
                                           Duration allowedLateness, Duration ttl, String topic) {
    return aroundRPeaks(length, channels, lead, beforeMs, afterMs, allowedLateness, ttl, topic, null);
  }

  /** As above, each beat also given {@code classifier}'s probability that it is ventricular (null: none). */
  public static BeatAssembler aroundRPeaks(int length, int channels, int lead, long beforeMs, long afterMs,
                                           Duration allowedLateness, Duration ttl, String topic,
                                           BeatClassifier classifier) {
    return new BeatAssembler(length, channels, 0, allowedLateness, ttl, topic,
        new RPeakWindows(length, channels, lead, beforeMs, afterMs, classifier));
  }

  /**
   * Also learns each source's dominant beat over its first {@code learning} of beats and marks
   * later beats with their mismatch ({@link PatientTemplates}, rule {@code k} and {@code minMismatch}).
   */
  public BeatAssembler withPatientTemplates(Duration learning, double k, double minMismatch) {
    if (rPeaks == null) {
      throw new IllegalStateException("patient templates need beats cut around R peaks");
    }
    this.templateLearningMs = learning.toMillis();
    this.templateK = k;
    this.templateMinMismatch = minMismatch;
    return this;
  }

  private BeatAssembler(int length, int channels, int stride, Duration allowedLateness, Duration ttl, String topic,
                        RPeakWindows rPeaks) {
    if (stride < 0 || stride > length) {
      throw new IllegalArgumentException("window stride must be within 1.." + length + " (0 for tumbling), got " + stride);
    }
    this.length = length;
    this.channels = channels;
    this.stride = stride == 0 ? length : stride;
    this.allowedLatenessMs = allowedLateness.toMillis();
    this.ttlMs = ttl.toMillis();
    this.topic = topic;
    this.rPeaks = rPeaks;
  }

  @Override
  public void open(OpenContext ctx) {
    var rc = getRuntimeContext();
    progress = rc.getState(new ValueStateDescriptor<>("progress", SourceProgress.class));
    window = rc.getState(new ValueStateDescriptor<>("window", WindowBuffer.class));
    pending = rc.getMapState(new MapStateDescriptor<>("pending", Long.class, PendingSample.class));
    rPeakState = rc.getState(new ValueStateDescriptor<>("rPeaks", RPeakState.class));
    gapTimer = new KeyedTimer(rc, "gapTimer");
    silence = new SilenceTimer(rc, "idleTimer", ttlMs);
    templates = templateLearningMs > 0 ? new PatientTemplates(rc, templateLearningMs, templateK, templateMinMismatch)
        : null;
    var g = rc.getMetricGroup();
    beats = g.counter("beatsAssembled");
    gaps = g.counter("gaps");
    restarts = g.counter("sourceRestarts");
    duplicateSamples = g.counter("duplicateSamples");
    lateSamples = g.counter("lateSamples");
    droppedSamples = g.counter("droppedSamples");
    beatsIncomplete = g.counter("beatsIncomplete");
  }

  /**
   * The sampling rate a frame's whole-microsecond period stands for: the whole number of hertz
   * whose exact period lies within a microsecond of it, where there is one (360 Hz is sent as
   * 2777 or 2778 µs, rounded either way), since monitors sample at whole rates and the detector and
   * the beat classifier must see the rate the offline evaluation uses; otherwise the period's own.
   */
  static double samplingHz(long periodMicros) {
    double hz = 1e6 / periodMicros;
    double whole = Math.rint(hz);
    return whole > 0 && Math.abs(1e6 / whole - periodMicros) < 1 ? whole : hz;
  }

  @Override
  public void processElement(SampleFrame frame, Context ctx, Collector<Beat> out) throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    SourceProgress p = progress.value();
    WindowBuffer w = window.value();
    long first = frame.getSequence();
    if (rPeaks != null) {
      if (frame.getSamplePeriodMicros() <= 0) {
        ctx.output(DeadLetters.TAG, DeadLetters.ofSamples(String.format("frame from %d: beats around R peaks need "
            + "the sampling rate, and the frame has no samplePeriodMicros; %d samples not used", first,
            frame.getValues().size() / channels), ctx.getCurrentKey(), topic));
        droppedSamples.inc(frame.getValues().size() / channels);
        return;
      }
      rp = rPeakState.value();
      samplingHz = samplingHz(frame.getSamplePeriodMicros());
    }
    if (p == null) {
      // Windows sit on a fixed grid of sequence numbers (multiples of the stride), so a source
      // that starts mid-window, or whose state expired, lines up again by itself. Beats around
      // R peaks need no grid: the signal starts where it starts.
      p = new SourceProgress();
      p.next = rPeaks != null ? first : Math.floorDiv(first, stride) * stride;
      w = new WindowBuffer(p.next, length, channels);
    }
    List<Float> v = frame.getValues();
    int samples = v.size() / channels;
    long periodMicros = frame.getSamplePeriodMicros();
    long startTime = frame.getEventTimeMillis();
    boolean behind = first + samples <= p.next;
    if (behind && (startTime > p.newestEventMillis || p.behindRun >= length)) {
      w = restart(p, w, first, ctx);
      behind = false;
    }
    p.behindRun = behind ? p.behindRun + samples : 0;
    p.samplingHz = samplingHz;

    boolean inOrder = p.held == 0;
    int duplicates = 0;
    int late = 0;
    long lateFirst = -1;
    for (int k = 0; k < samples; k++) {
      long seq = first + k;
      long time = startTime + k * periodMicros / 1000;
      p.newestEventMillis = Math.max(p.newestEventMillis, time);
      if (seq < p.next) {
        if (seq >= p.lostFrom && seq < p.lostTo) {
          lateFirst = late++ == 0 ? seq : lateFirst;
        } else {
          duplicates++;
        }
      } else if (inOrder && seq == p.next) {
        // Fast path: the usual in-order sample goes straight into the window.
        append(w, seq, time, sample(v, k), ctx, out);
        p.next++;
      } else if (pending.contains(seq)) {
        duplicates++;
      } else {
        pending.put(seq, new PendingSample(time, sample(v, k)));
        p.held++;
        inOrder = false;
      }
    }
    duplicateSamples.inc(duplicates);
    if (late > 0) {
      lateSamples.inc(late);
      ctx.output(DeadLetters.TAG, DeadLetters.ofSamples(String.format(
          "late samples: %d samples from %d arrived after their window was given up as a gap", late, lateFirst),
          ctx.getCurrentKey(), topic));
    }
    w = drain(p, w, ctx, out);
    w = resolveGaps(p, w, now, false, ctx, out);
    progress.update(p);
    window.update(w);
    saveRPeaks();
    silence.touch(ctx.timerService(), now);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Beat> out) throws Exception {
    SourceProgress p = progress.value();
    if (silence.silentAt(ctx.timerService(), timestamp)) {
      expire(p, ctx, out);
      return;
    }
    if (gapTimer.firesAt(timestamp)) {
      gapTimer.fired();
      rp = rPeaks == null ? null : rPeakState.value();
      samplingHz = p.samplingHz;
      WindowBuffer w = resolveGaps(p, window.value(), timestamp, true, ctx, out);
      progress.update(p);
      window.update(w);
      saveRPeaks();
    }
  }

  private float[] sample(List<Float> v, int k) {
    float[] values = new float[channels];
    for (int c = 0; c < channels; c++) {
      values[c] = v.get(k * channels + c);
    }
    return values;
  }

  private WindowBuffer drain(SourceProgress p, WindowBuffer w, Context ctx, Collector<Beat> out) throws Exception {
    PendingSample s;
    while (p.held > 0 && (s = pending.get(p.next)) != null) {
      pending.remove(p.next);
      p.held--;
      append(w, p.next, s.eventTimeMillis, s.values, ctx, out);
      p.next++;
    }
    return w;
  }

  /**
   * Gives up missing samples whose wait is over: by the source's own event time, by the held
   * count, or (when {@code timerFired}) by the wall clock. Otherwise makes sure the wall-clock
   * timer is set while samples are held.
   */
  private WindowBuffer resolveGaps(SourceProgress p, WindowBuffer w, long now, boolean timerFired, Context ctx,
                                   Collector<Beat> out) throws Exception {
    boolean wallClockExpired = timerFired;
    while (p.held > 0) {
      long firstHeld = Long.MAX_VALUE;
      long earliestTime = Long.MAX_VALUE;
      for (var e : pending.entries()) {
        firstHeld = Math.min(firstHeld, e.getKey());
        earliestTime = Math.min(earliestTime, e.getValue().eventTimeMillis);
      }
      boolean waitedEnough = p.newestEventMillis - earliestTime > allowedLatenessMs || wallClockExpired
          || p.held > MAX_HELD_WINDOWS * length;
      if (!waitedEnough) {
        gapTimer.atMost(ctx.timerService(), now + allowedLatenessMs);
        return w;
      }
      w = gap(p, w, firstHeld, ctx, out);
      // A later gap among the rest waits its own turn (unless the source's clock already says so).
      wallClockExpired = false;
    }
    gapTimer.cancel(ctx.timerService());
    return w;
  }

  private WindowBuffer gap(SourceProgress p, WindowBuffer w, long firstHeld, Context ctx, Collector<Beat> out)
      throws Exception {
    // Resume at the first window start on the grid at or after the first sample we hold.
    long resume = Math.floorDiv(firstHeld + stride - 1, stride) * stride;
    int droppedHeld = 0;
    for (Long s : toList(pending.keys())) {
      if (s < resume) {
        pending.remove(s);
        droppedHeld++;
      }
    }
    p.held -= droppedHeld;
    long missing = firstHeld - p.next;
    gaps.inc();
    droppedSamples.inc(w.filled + droppedHeld);
    String what = missing > length
        ? String.format("sequence jumped forward from %d to %d (%d samples missing)", p.next, firstHeld, missing)
        : String.format("sequence gap: samples %d..%d missing", p.next, firstHeld - 1);
    ctx.output(DeadLetters.TAG, DeadLetters.ofSamples(String.format(
        "%s; dropped the partial window from %d (%d samples) and %d held samples before the next window at %d",
        what, w.startSequence, w.filled, droppedHeld, resume), ctx.getCurrentKey(), topic));
    p.lostFrom = p.next;
    p.lostTo = firstHeld;
    p.next = resume;
    discontinuity();
    return drain(p, new WindowBuffer(resume, length, channels), ctx, out);
  }

  /** The source counts from a new origin: report what is dropped and start a window at its new sequence. */
  private WindowBuffer restart(SourceProgress p, WindowBuffer w, long first, Context ctx) throws Exception {
    long stale = p.behindRun;
    restarts.inc();
    droppedSamples.inc(w.filled + p.held + stale);
    ctx.output(DeadLetters.TAG, DeadLetters.ofSamples(String.format(
        "source restarted: sequence went back from %d to %d %s; dropped the partial window from %d (%d samples), "
            + "%d held samples and %d samples before this frame; assembly resumes at %d",
        p.next, first, stale >= length ? "for " + stale + " samples in a row" : "while its event time moved on",
        w.startSequence, w.filled, p.held, stale, first), ctx.getCurrentKey(), topic));
    pending.clear();
    gapTimer.cancel(ctx.timerService());
    discontinuity();
    p.held = 0;
    p.behindRun = 0;
    p.lostFrom = 0;
    p.lostTo = 0;
    p.next = first;
    return new WindowBuffer(first, length, channels);
  }

  private void append(WindowBuffer w, long seq, long time, float[] values, Context ctx, Collector<Beat> out) {
    if (rPeaks != null) {
      if (rp == null) {
        rp = rPeaks.start(seq, samplingHz);
      }
      rPeaks.append(rp, time, values, ctx.getCurrentKey(), b -> emit(b, out), beatsIncomplete::inc);
      return;
    }
    if (w.filled == 0) {
      w.startSequence = seq;
    }
    System.arraycopy(values, 0, w.values, w.filled * channels, channels);
    w.times[w.filled] = time;
    w.filled++;
    if (w.filled < length) {
      return;
    }
    beats.inc();
    out.collect(new Beat(ctx.getCurrentKey(), w.startSequence, w.startSequence + length - 1, w.times[0],
        w.times[length - 1], channels, w.values.clone(), System.currentTimeMillis()));
    // Slide: keep the last length - stride samples as the start of the next window.
    int keep = length - stride;
    System.arraycopy(w.values, stride * channels, w.values, 0, keep * channels);
    System.arraycopy(w.times, stride, w.times, 0, keep);
    w.filled = keep;
    w.startSequence += stride;
  }

  /** The signal is broken (gap, restart): R-peak detection starts again; a beat awaiting its next peak is lost. */
  private void discontinuity() {
    if (rp != null && rp.pendingPeak >= 0) {
      beatsIncomplete.inc();
    }
    rp = null;
  }

  private void saveRPeaks() throws Exception {
    if (rPeaks != null) {
      if (rp == null) {
        rPeakState.clear();
      } else {
        rPeakState.update(rp);
      }
    }
  }

  private void expire(SourceProgress p, OnTimerContext ctx, Collector<Beat> out) throws Exception {
    RPeakState last = rPeaks == null ? null : rPeakState.value();
    if (last != null) {
      // The stream ended: decide about its last samples and cut the last beat without a next RR.
      rPeaks.finish(last, ctx.getCurrentKey(), b -> emit(b, out), beatsIncomplete::inc);
    }
    WindowBuffer w = window.value();
    int held = p == null ? 0 : p.held;
    int partial = w == null ? 0 : w.filled;
    if (partial + held > 0) {
      droppedSamples.inc(partial + held);
      ctx.output(DeadLetters.TAG, DeadLetters.ofSamples(String.format(
          "source silent for %d ms: dropped a partial window of %d samples and %d held samples", ttlMs, partial, held),
          ctx.getCurrentKey(), topic));
    }
    gapTimer.cancel(ctx.timerService());
    progress.clear();
    window.clear();
    pending.clear();
    rPeakState.clear();
    if (templates != null) {
      templates.clear();
    }
  }

  private void emit(Beat b, Collector<Beat> out) {
    if (templates != null) {
      templates.mark(b);
    }
    beats.inc();
    out.collect(b);
  }

  private static <T> List<T> toList(Iterable<T> it) {
    List<T> l = new ArrayList<>();
    it.forEach(l::add);
    return l;
  }
}

package org.ecgstream.job.functions;

import java.time.Duration;
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
import org.ecgstream.job.records.WindowBuffer;
import org.ecgstream.schemas.SampleFrame;

/**
 * Cuts each source's samples, by sequence number, into windows of the model's length: tumbling
 * by default, or every {@code stride} samples for overlapping windows. Window k covers sequence
 * numbers [k * stride, k * stride + length).
 *
 * <p>Samples that arrive early are held until the missing ones come, for as long as the allowed
 * lateness past their event time. When the watermark passes that and a sample is still missing,
 * the windows it belonged to cannot be built: the partial window is dropped and the gap reported
 * as a dead letter, never scored as a corrupted beat. Exact duplicates are ignored. A source with
 * no samples for the state TTL (event time) has its state cleared.
 */
public class BeatAssembler extends KeyedProcessFunction<String, SampleFrame, Beat> {
  private final int length;
  private final int channels;
  private final int stride;
  private final long allowedLatenessMs;
  private final long ttlMs;
  private final String topic;

  private transient ValueState<Long> next;
  private transient ValueState<WindowBuffer> window;
  private transient MapState<Long, PendingSample> pending;
  private transient EventTimer gapTimer;
  private transient EventTimer idleTimer;
  private transient Counter beats;
  private transient Counter gaps;
  private transient Counter ignored;
  private transient Counter droppedSamples;

  public BeatAssembler(int length, int channels, int stride, Duration allowedLateness, Duration ttl, String topic) {
    if (stride < 0 || stride > length) {
      throw new IllegalArgumentException("window stride must be within 1.." + length + " (0 for tumbling), got " + stride);
    }
    this.length = length;
    this.channels = channels;
    this.stride = stride == 0 ? length : stride;
    this.allowedLatenessMs = allowedLateness.toMillis();
    this.ttlMs = ttl.toMillis();
    this.topic = topic;
  }

  @Override
  public void open(OpenContext ctx) {
    var rc = getRuntimeContext();
    next = rc.getState(new ValueStateDescriptor<>("next", Long.class));
    window = rc.getState(new ValueStateDescriptor<>("window", WindowBuffer.class));
    pending = rc.getMapState(new MapStateDescriptor<>("pending", Long.class, PendingSample.class));
    gapTimer = new EventTimer(rc, "gapTimer");
    idleTimer = new EventTimer(rc, "idleTimer");
    var g = rc.getMetricGroup();
    beats = g.counter("beatsAssembled");
    gaps = g.counter("gaps");
    ignored = g.counter("duplicateOrLateSamples");
    droppedSamples = g.counter("droppedSamples");
  }

  @Override
  public void processElement(SampleFrame frame, Context ctx, Collector<Beat> out) throws Exception {
    List<Float> v = frame.getValues();
    int samples = v.size() / channels;
    long periodMicros = frame.getSamplePeriodMicros();
    if (next.value() == null) {
      // Windows sit on a fixed grid of sequence numbers (multiples of the stride), so a source
      // that starts mid-window, or whose state expired, lines up again by itself.
      long start = Math.floorDiv(frame.getSequence(), stride) * stride;
      next.update(start);
      window.update(new WindowBuffer(start, length, channels));
    }
    WindowBuffer w = window.value();
    long expected = next.value();
    boolean inOrder = pending.isEmpty();
    long lastTime = frame.getEventTimeMillis();
    for (int k = 0; k < samples; k++) {
      long seq = frame.getSequence() + k;
      long time = frame.getEventTimeMillis() + k * periodMicros / 1000;
      lastTime = Math.max(lastTime, time);
      float[] values = new float[channels];
      for (int c = 0; c < channels; c++) {
        values[c] = v.get(k * channels + c);
      }
      if (seq < expected || pending.contains(seq)) {
        ignored.inc();
      } else if (inOrder && seq == expected) {
        // Fast path: the usual in-order sample goes straight into the window.
        append(w, seq, time, values, ctx, out);
        expected++;
      } else {
        pending.put(seq, new PendingSample(time, values));
        inOrder = false;
      }
    }
    expected = drain(w, expected, ctx, out);
    next.update(expected);
    window.update(w);
    scheduleGapCheck(ctx);
    idleTimer.atLeast(ctx.timerService(), lastTime + ttlMs);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Beat> out) throws Exception {
    if (idleTimer.firesAt(timestamp)) {
      expire(ctx);
      return;
    }
    if (!gapTimer.firesAt(timestamp)) {
      return;
    }
    gapTimer.fired();
    WindowBuffer w = window.value();
    long expected = next.value();
    if (!pending.isEmpty() && !pending.contains(expected)) {
      long firstHeld = Long.MAX_VALUE;
      for (Long s : pending.keys()) {
        firstHeld = Math.min(firstHeld, s);
      }
      // Resume at the first window start on the grid at or after the first sample we hold.
      long resume = Math.floorDiv(firstHeld + stride - 1, stride) * stride;
      int droppedHeld = 0;
      for (Long s : toList(pending.keys())) {
        if (s < resume) {
          pending.remove(s);
          droppedHeld++;
        }
      }
      gaps.inc();
      droppedSamples.inc(w.filled + droppedHeld);
      ctx.output(DeadLetters.TAG, DeadLetters.ofSamples(String.format(
          "sequence gap: samples %d..%d missing; dropped the partial window from %d (%d samples) and %d held samples "
              + "before the next window at %d", expected, firstHeld - 1, w.startSequence, w.filled, droppedHeld, resume),
          ctx.getCurrentKey(), topic));
      w = new WindowBuffer(resume, length, channels);
      expected = drain(w, resume, ctx, out);
      next.update(expected);
      window.update(w);
    }
    scheduleGapCheck(ctx);
  }

  private long drain(WindowBuffer w, long expected, Context ctx, Collector<Beat> out) throws Exception {
    PendingSample s;
    while ((s = pending.get(expected)) != null) {
      pending.remove(expected);
      append(w, expected, s.eventTimeMillis, s.values, ctx, out);
      expected++;
    }
    return expected;
  }

  private void append(WindowBuffer w, long seq, long time, float[] values, Context ctx, Collector<Beat> out) {
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

  /** Makes sure a timer fires when the earliest held sample's lateness has run out. */
  private void scheduleGapCheck(Context ctx) throws Exception {
    if (pending.isEmpty()) {
      gapTimer.cancel(ctx.timerService());
      return;
    }
    long earliest = Long.MAX_VALUE;
    for (PendingSample p : pending.values()) {
      earliest = Math.min(earliest, p.eventTimeMillis);
    }
    gapTimer.atMost(ctx.timerService(), earliest + allowedLatenessMs);
  }

  private void expire(OnTimerContext ctx) throws Exception {
    WindowBuffer w = window.value();
    int held = toList(pending.keys()).size();
    int partial = w == null ? 0 : w.filled;
    if (partial + held > 0) {
      droppedSamples.inc(partial + held);
      ctx.output(DeadLetters.TAG, DeadLetters.ofSamples(String.format(
          "source idle for %d ms: dropped a partial window of %d samples and %d held samples", ttlMs, partial, held),
          ctx.getCurrentKey(), topic));
    }
    gapTimer.cancel(ctx.timerService());
    idleTimer.fired();
    next.clear();
    window.clear();
    pending.clear();
  }

  private static <T> List<T> toList(Iterable<T> it) {
    List<T> l = new java.util.ArrayList<>();
    it.forEach(l::add);
    return l;
  }
}

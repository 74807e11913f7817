package org.ecgstream.job.functions;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.ecgstream.job.records.RawRecord;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;

/**
 * Decodes raw Kafka values into sample frames (any released schema version, bounded: see
 * {@link SampleFrameWire}) and checks them against the model and the limits: channel count, finite
 * values, whole samples, sane sequence and period, event time within the accepted skew of arrival
 * (re-stamped otherwise). Anything unusable goes to the dead-letter output with a precise reason
 * and its offset; no input can make this operator fail.
 */
public class FrameDecoder extends ProcessFunction<RawRecord, SampleFrame> {
  private final FrameRules rules;
  private transient ClockCheck clock;
  private transient Counter framesIn;
  private transient Counter samplesIn;
  private transient Counter oldSchemaFrames;
  private transient Counter restampedFrames;
  private transient Counter deadLetters;

  public FrameDecoder(FrameRules rules) {
    this.rules = rules;
  }

  @Override
  public void open(OpenContext ctx) {
    clock = new ClockCheck(rules.maxAheadMs(), rules.maxBehindMs());
    var group = getRuntimeContext().getMetricGroup();
    framesIn = group.counter("framesIn");
    samplesIn = group.counter("samplesIn");
    oldSchemaFrames = group.counter("framesOfOlderSchema");
    restampedFrames = group.counter("framesRestamped");
    deadLetters = group.counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<SampleFrame> out) {
    try {
      decode(raw, ctx, out);
    } catch (RuntimeException e) {
      // Last line of defence: whatever slipped past the checks costs this record, never the task.
      reject(ctx, raw, keyAsSourceId(raw), "unexpected " + e.getClass().getSimpleName() + " while decoding"
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  private void decode(RawRecord raw, Context ctx, Collector<SampleFrame> out) {
    SampleFrameWire.Decoded decoded;
    try {
      decoded = SampleFrameWire.decode(raw.value, rules.avroLimits());
    } catch (SampleFrameWire.BadFrame e) {
      reject(ctx, raw, keyAsSourceId(raw), e.getMessage());
      return;
    }
    SampleFrame frame = decoded.frame();
    String problem = problem(frame);
    if (problem != null) {
      reject(ctx, raw, frame.getSourceId().isBlank() ? keyAsSourceId(raw) : frame.getSourceId(), problem);
      return;
    }
    if (decoded.olderVersion()) {
      oldSchemaFrames.inc();
    }
    long now = ctx.timerService().currentProcessingTime();
    // The broker's timestamp (LogAppendTime topics) or the producer's; never later than now.
    long arrival = raw.timestamp > 0 ? Math.min(raw.timestamp, now) : now;
    ClockCheck.Verdict v = clock.check(frame.getSourceId(), frame.getEventTimeMillis(), arrival);
    if (v.eventTimeMillis() != frame.getEventTimeMillis()) {
      restampedFrames.inc();
      frame.setEventTimeMillis(v.eventTimeMillis());
    }
    if (v.reportOrNull() != null) {
      deadLetters.inc();
      ctx.output(DeadLetters.TAG, DeadLetters.ofRecord(v.reportOrNull(), frame.getSourceId(), raw.topic, raw.partition,
          raw.offset, raw.value, rules.maxRawBytes()));
    }
    framesIn.inc();
    samplesIn.inc(frame.getValues().size() / rules.channels());
    out.collect(frame);
  }

  /** Why a decoded frame cannot be used, or null. */
  String problem(SampleFrame f) {
    if (f.getSourceId().isBlank()) {
      return "empty source id";
    }
    if (f.getSequence() < 0) {
      return "negative sequence number " + f.getSequence();
    }
    if (f.getSequence() > FrameRules.MAX_SEQUENCE) {
      return "sequence number " + f.getSequence() + " beyond 2^62 (would overflow)";
    }
    if (f.getSamplePeriodMicros() < 0 || f.getSamplePeriodMicros() > FrameRules.MAX_PERIOD_MICROS) {
      return "sample period " + f.getSamplePeriodMicros() + " µs outside 0.." + FrameRules.MAX_PERIOD_MICROS;
    }
    if (f.getChannels() != rules.channels()) {
      return "wrong channel count: " + f.getChannels() + ", the model expects " + rules.channels();
    }
    List<Float> v = f.getValues();
    if (v.isEmpty() || v.size() % rules.channels() != 0) {
      return "frame has " + v.size() + " values, not a whole number of samples of " + rules.channels() + " channel(s)";
    }
    for (int i = 0; i < v.size(); i++) {
      if (!Float.isFinite(v.get(i))) {
        return "non-finite value at sample " + (i / rules.channels()) + ", channel " + (i % rules.channels());
      }
    }
    return null;
  }

  /** The Kafka key as a source id for the dead letter of an undecodable value, when it is short UTF-8. */
  private String keyAsSourceId(RawRecord raw) {
    if (raw.key == null || raw.key.length == 0 || raw.key.length > rules.maxSourceIdBytes()) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw.key)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private void reject(Context ctx, RawRecord raw, String sourceId, String reason) {
    deadLetters.inc();
    ctx.output(DeadLetters.TAG, DeadLetters.ofRecord(reason, sourceId, raw.topic, raw.partition, raw.offset, raw.value,
        rules.maxRawBytes()));
  }
}

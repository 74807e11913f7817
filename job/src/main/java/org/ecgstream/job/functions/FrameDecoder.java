package org.ecgstream.job.functions;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.ecgstream.job.records.RawRecord;
import org.ecgstream.schemas.AvroBytes;
import org.ecgstream.schemas.SampleFrame;

/**
 * Decodes raw Kafka values into sample frames and checks them against the model (channel count,
 * finite values, whole samples). Anything unusable goes to the dead-letter output with the reason
 * and its offset; the job never fails on bad input.
 */
public class FrameDecoder extends ProcessFunction<RawRecord, SampleFrame> {
  private final int channels;
  private final int maxRawBytes;
  private transient Counter framesIn;
  private transient Counter samplesIn;
  private transient Counter deadLetters;

  public FrameDecoder(int channels, int maxRawBytes) {
    this.channels = channels;
    this.maxRawBytes = maxRawBytes;
  }

  @Override
  public void open(OpenContext ctx) {
    var group = getRuntimeContext().getMetricGroup();
    framesIn = group.counter("framesIn");
    samplesIn = group.counter("samplesIn");
    deadLetters = group.counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<SampleFrame> out) {
    SampleFrame frame;
    try {
      if (raw.value == null) {
        throw new java.io.IOException("empty value (tombstone)");
      }
      frame = AvroBytes.decode(raw.value, SampleFrame.class);
    } catch (Exception e) {
      reject(ctx, raw, null, "malformed Avro SampleFrame: " + e.getMessage());
      return;
    }
    String problem = problem(frame);
    if (problem != null) {
      reject(ctx, raw, frame.getSourceId(), problem);
      return;
    }
    framesIn.inc();
    samplesIn.inc(frame.getValues().size() / channels);
    out.collect(frame);
  }

  /** Why a decoded frame cannot be used, or null. */
  String problem(SampleFrame f) {
    if (f.getSourceId() == null || f.getSourceId().isBlank()) {
      return "empty source id";
    }
    if (f.getSequence() < 0) {
      return "negative sequence number " + f.getSequence();
    }
    if (f.getChannels() != channels) {
      return "wrong channel count: " + f.getChannels() + ", the model expects " + channels;
    }
    List<Float> v = f.getValues();
    if (v.isEmpty() || v.size() % channels != 0) {
      return "frame has " + v.size() + " values, not a whole number of samples of " + channels + " channel(s)";
    }
    for (int i = 0; i < v.size(); i++) {
      if (!Float.isFinite(v.get(i))) {
        return "non-finite value at sample " + (i / channels) + ", channel " + (i % channels);
      }
    }
    return null;
  }

  private void reject(Context ctx, RawRecord raw, String sourceId, String reason) {
    deadLetters.inc();
    ctx.output(DeadLetters.TAG, DeadLetters.ofRecord(reason, sourceId, raw.topic, raw.partition, raw.offset, raw.value,
        maxRawBytes));
  }
}

package org.ecgstream.job.functions;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ecgstream.schemas.AvroBytes;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;

/** Records crafted to break a decoder, each with the start of the dead-letter reason it must get. */
public final class MalformedFrames {
  private static final long PERIOD_MICROS = 5714;

  private MalformedFrames() {}

  /**
   * Seventeen malformed records, each with the start of the reason its dead letter must give
   * (null values are tombstones).
   */
  public static Map<String, byte[]> all(long now) {
    SampleFrame good = SampleFrame.newBuilder().setSourceId("bad").setSequence(0).setEventTimeMillis(now)
        .setSamplePeriodMicros(PERIOD_MICROS).setChannels(1).setValues(List.of(0.1f, 0.2f, 0.3f)).build();
    byte[] goodBytes = SampleFrameWire.encode(good);
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("empty value (0 bytes)", new byte[0]);
    m.put("empty value (tombstone)", null);
    m.put("malformed SampleFrame (current (plain binary)): ", "definitely not avro".getBytes(StandardCharsets.UTF_8));
    m.put("malformed SampleFrame (current (plain binary)): sourceId", "{\"sourceId\": \"bad\", \"sequence\": 0}"
        .getBytes(StandardCharsets.UTF_8));
    m.put("malformed SampleFrame (v2): values: claims 3 items", Arrays.copyOf(goodBytes, goodBytes.length - 3));
    m.put("malformed SampleFrame (v2): 2 trailing bytes", Arrays.copyOf(goodBytes, goodBytes.length + 2));
    m.put("non-finite value at sample 1, channel 0", frame(good, 1, List.of(0.1f, Float.NaN, 0.3f)));
    m.put("non-finite value at sample 0, channel 0", frame(good, 1, List.of(Float.POSITIVE_INFINITY)));
    m.put("wrong channel count: 0, the model expects 1", frame(good, 0, List.of(0.1f)));
    m.put("wrong channel count: -1, the model expects 1", frame(good, -1, List.of(0.1f)));
    m.put("wrong channel count: 3, the model expects 1", frame(good, 3, List.of(0.1f, 0.2f, 0.3f)));
    m.put("frame has 0 values", frame(good, 1, List.of()));
    m.put("empty source id", SampleFrameWire.encode(SampleFrame.newBuilder(good).setSourceId("").build()));
    m.put("negative sequence number -5", SampleFrameWire.encode(SampleFrame.newBuilder(good).setSequence(-5).build()));
    m.put("sequence number 9223372036854775800 beyond 2^62",
        SampleFrameWire.encode(SampleFrame.newBuilder(good).setSequence(Long.MAX_VALUE - 7).build()));
    byte[] score = AvroBytes.encode(BeatScore.newBuilder()
        .setSourceId("bad").setFirstSequence(0).setLastSequence(139).setStartTimeMillis(now).setEndTimeMillis(now + 800)
        .setLoss(27.5).setLossMean(0.2).setThreshold(44).setAnomalous(false).setModelVersion("m")
        .setSegmentErrors(List.of(0.1f)).setTopSteps(List.of(1)).setScoringLatencyMicros(5).build());
    // Read as a SampleFrame, a BeatScore's id and four longs pass for the frame's first fields and the
    // loss's first byte (0) for an empty values array; the rest of the score is left over.
    m.put("malformed SampleFrame (current (plain binary)): " + (score.length - frameLikePrefix(now))
        + " trailing bytes after the record", score);
    m.put("malformed SampleFrame (v2): sourceId: string of 900000 bytes exceeds the limit of 128",
        SampleFrameWire.encode(SampleFrame.newBuilder(good).setSourceId("x".repeat(900_000)).build()));
    return m;
  }

  private static int frameLikePrefix(long now) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      var enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
      enc.writeString("bad");
      enc.writeLong(0);
      enc.writeLong(139);
      enc.writeLong(now);
      enc.writeLong(now + 800);
      enc.writeLong(0);
      enc.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.size();
  }

  private static byte[] frame(SampleFrame like, int channels, List<Float> values) {
    return SampleFrameWire.encode(SampleFrame.newBuilder(like).setChannels(channels).setValues(values).build());
  }

}

package org.ecgstream.job.functions;

import java.io.Serializable;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.schemas.AvroBoundsCheck;

/**
 * What the decoder accepts from the samples topic: the model's channel count, the size limits and
 * the accepted skew between a frame's event time and its arrival (0 for behind: unlimited).
 */
public record FrameRules(int channels, int maxSamples, int maxSourceIdBytes, long maxAheadMs, long maxBehindMs,
                         int maxRawBytes) implements Serializable {
  /** Longest sample period accepted, in microseconds: slower than 0.1 Hz is no physiological stream. */
  public static final long MAX_PERIOD_MICROS = 10_000_000;
  /** Sequences stop here, far from overflow whatever the frame size. */
  public static final long MAX_SEQUENCE = 1L << 62;

  public static FrameRules of(JobConfig c, int channels) {
    return new FrameRules(channels, c.frameMaxSamples(), c.sourceIdMaxBytes(), c.clockMaxAhead().toMillis(),
        c.clockMaxBehind().toMillis(), c.deadLetterMaxRawBytes());
  }

  AvroBoundsCheck.Limits avroLimits() {
    return new AvroBoundsCheck.Limits(maxSourceIdBytes, (int) Math.min(Integer.MAX_VALUE, (long) maxSamples * channels));
  }
}

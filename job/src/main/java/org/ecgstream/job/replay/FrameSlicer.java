package org.ecgstream.job.replay;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.schemas.SampleFrame;

/** Cuts a planned beat into sample frames as a device would send them. */
public final class FrameSlicer {
  private FrameSlicer() {}

  /**
   * @param samplesPerFrame samples in each frame (the last frame of a beat may be shorter)
   * @param startMillis event time of sequence number 0 of the source
   * @param periodMicros time between samples
   */
  public static List<SampleFrame> frames(PlannedBeat beat, int channels, int samplesPerFrame, long startMillis,
                                         long periodMicros) {
    int samples = beat.values().length / channels;
    List<SampleFrame> out = new ArrayList<>((samples + samplesPerFrame - 1) / samplesPerFrame);
    for (int from = 0; from < samples; from += samplesPerFrame) {
      int n = Math.min(samplesPerFrame, samples - from);
      List<Float> values = new ArrayList<>(n * channels);
      for (int i = from * channels; i < (from + n) * channels; i++) {
        values.add(beat.values()[i]);
      }
      long seq = beat.firstSequence() + from;
      out.add(SampleFrame.newBuilder().setSourceId(beat.sourceId()).setSequence(seq)
          .setEventTimeMillis(startMillis + seq * periodMicros / 1000).setSamplePeriodMicros(periodMicros)
          .setChannels(channels).setValues(values).build());
    }
    return out;
  }
}

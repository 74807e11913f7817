package org.ecgstream.job.functions;

import java.io.Serializable;
import java.util.function.Consumer;
import org.ecgstream.job.records.Beat;
import org.ecgstream.job.records.RPeakState;
import org.ecgstream.model.rpeak.BeatWindow;
import org.ecgstream.model.rpeak.RPeakDetector;

/**
 * Cuts beats around R peaks found in a source's continuous signal, as {@link BeatWindow} defines
 * them, from the last seconds of samples kept in a ring. A beat is cut when the next peak is reported, so it carries both RR intervals; the
 * window is complete by then, as a peak is reported well after its window ends.
 */
final class RPeakWindows implements Serializable {
  /** Seconds of signal kept per source: the window plus the detector's longest delay (search back, learning). */
  private static final double RING_SECONDS = 8;

  private final int length;
  private final int channels;
  private final int lead;
  private final long beforeMs;
  private final long afterMs;

  RPeakWindows(int length, int channels, int lead, long beforeMs, long afterMs) {
    if (lead < 0 || lead >= channels) {
      throw new IllegalArgumentException("rpeak.lead must be a channel index within 0.." + (channels - 1) + ", got " + lead);
    }
    this.length = length;
    this.channels = channels;
    this.lead = lead;
    this.beforeMs = beforeMs;
    this.afterMs = afterMs;
  }

  RPeakState start(long sequence, double samplingHz) {
    RPeakState s = new RPeakState();
    s.detector = new RPeakDetector(samplingHz);
    s.firstSequence = sequence;
    int size = Integer.highestOneBit((int) (RING_SECONDS * samplingHz)) << 1;
    s.values = new float[size * channels];
    s.times = new long[size];
    return s;
  }

  /** Takes the next sample of the source; cuts the previous peak's beat when a new peak is reported. */
  void append(RPeakState s, long time, float[] sample, String source, Consumer<Beat> out, Runnable onIncomplete) {
    int size = s.times.length;
    int at = (int) (s.count & (size - 1));
    System.arraycopy(sample, 0, s.values, at * channels, channels);
    s.times[at] = time;
    s.count++;
    s.detector.push(sample[lead], peak -> peak(s, peak, source, out, onIncomplete));
  }

  /** The stream ended: the detector decides about its last samples, and the last beat is cut without a next RR. */
  void finish(RPeakState s, String source, Consumer<Beat> out, Runnable onIncomplete) {
    s.detector.finish(peak -> peak(s, peak, source, out, onIncomplete));
    if (s.pendingPeak >= 0) {
      cut(s, s.pendingPeak, -1, source, out, onIncomplete);
      s.pendingPeak = -1;
    }
  }

  /** A new peak was reported: the pending one's beat can be cut now that its next RR is known. */
  private void peak(RPeakState s, long peak, String source, Consumer<Beat> out, Runnable onIncomplete) {
    if (s.pendingPeak >= 0) {
      cut(s, s.pendingPeak, peak, source, out, onIncomplete);
    }
    s.previousPeak = s.pendingPeak;
    s.pendingPeak = peak;
  }

  private void cut(RPeakState s, long peak, long next, String source, Consumer<Beat> out, Runnable onIncomplete) {
    double fs = s.detector.samplingHz();
    long from = peak - BeatWindow.before(beforeMs, fs);
    long to = peak + BeatWindow.after(afterMs, fs); // exclusive
    int size = s.times.length;
    if (from < 0 || from < s.count - size || to > s.count) {
      onIncomplete.run();
      return;
    }
    float[] window = BeatWindow.cut((k, c) -> s.values[(int) (k & (size - 1)) * channels + c], from, to, length,
        channels);
    Beat b = new Beat(source, s.firstSequence + from, s.firstSequence + to - 1, time(s, from), time(s, to - 1), channels,
        window, System.currentTimeMillis());
    b.rPeakSequence = s.firstSequence + peak;
    b.rPeakTimeMillis = time(s, peak);
    b.rrPreviousMillis = s.previousPeak < 0 ? -1 : (int) Math.round((peak - s.previousPeak) * 1000 / fs);
    b.rrNextMillis = next < 0 ? -1 : (int) Math.round((next - peak) * 1000 / fs);
    out.accept(b);
  }

  private static long time(RPeakState s, long index) {
    return s.times[(int) (index & (s.times.length - 1))];
  }
}

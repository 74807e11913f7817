package org.ecgstream.model.rpeak;

/**
 * The window a beat is scored on: the signal from {@code before} to {@code after} an R peak,
 * resampled to the model's window length by linear interpolation and z-normalised per channel
 * (zero mean, unit variance, as the UCR archives' beats the models are trained on). Shared by the
 * streaming job and the offline evaluation, so both score the same numbers.
 */
public final class BeatWindow {
  /** A flat channel stays flat instead of being blown up by normalisation, in mV. */
  private static final float MIN_SD = 1e-3f;

  private BeatWindow() {}

  /** Sample {@code index} (counted in the source's stream), channel {@code channel}. */
  @FunctionalInterface
  public interface Signal {
    float value(long index, int channel);
  }

  /** Samples taken before and after the peak at {@code samplingHz}. */
  public static long before(long beforeMs, double samplingHz) {
    return Math.round(beforeMs * samplingHz / 1000);
  }

  public static long after(long afterMs, double samplingHz) {
    return Math.round(afterMs * samplingHz / 1000);
  }

  /** The window of samples [from, to), as {@code length} time-major values of {@code channels}. */
  public static float[] cut(Signal signal, long from, long to, int length, int channels) {
    int span = (int) (to - from);
    float[] w = new float[length * channels];
    for (int i = 0; i < length; i++) {
      double x = i * (span - 1) / (double) (length - 1);
      int k = (int) Math.floor(x);
      double f = x - k;
      long a = from + k;
      long b = from + Math.min(k + 1, span - 1);
      for (int c = 0; c < channels; c++) {
        w[i * channels + c] = (float) ((1 - f) * signal.value(a, c) + f * signal.value(b, c));
      }
    }
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      double sq = 0;
      for (int i = c; i < w.length; i += channels) {
        sum += w[i];
        sq += (double) w[i] * w[i];
      }
      double mean = sum / length;
      double sd = Math.max(MIN_SD, Math.sqrt(Math.max(0, sq / length - mean * mean)));
      for (int i = c; i < w.length; i += channels) {
        w[i] = (float) ((w[i] - mean) / sd);
      }
    }
    return w;
  }
}

package org.ecgstream.model.beats;

/**
 * One beat as the classifier sees it, per lead: the QRS complex (100 ms before the R peak to
 * 150 ms after, every 2.5 ms) and the whole beat (250 ms before to 450 ms after, every 10 ms), in
 * mV above the beat's own baseline (the mean of 110 to 70 ms before the peak, the PR segment).
 * Amplitudes are kept, not normalised: a beat twice the size of the patient's usual one is
 * information. Windows are resampled by time, so records at any sample rate give the same shapes.
 */
public record BeatShape(float[][] qrs, float[][] full) {
  public static final int QRS_BEFORE_MS = 100;
  public static final int QRS_AFTER_MS = 150;
  public static final double QRS_STEP_MS = 2.5;
  public static final int FULL_BEFORE_MS = 250;
  public static final int FULL_AFTER_MS = 450;
  public static final double FULL_STEP_MS = 10;
  /** Samples after the R peak a shape needs. */
  public static double afterSeconds() {
    return FULL_AFTER_MS / 1000.0;
  }

  /** Reads sample {@code index} of lead {@code lead} (filtered, mV). */
  @FunctionalInterface
  public interface Leads {
    double value(int lead, long index);
  }

  /** The shape of the beat whose R peak is at sample {@code peak}; every lead's window must lie inside the signal. */
  public static BeatShape cut(Leads signal, int leads, long peak, double fs) {
    float[][] qrs = new float[leads][];
    float[][] full = new float[leads][];
    for (int l = 0; l < leads; l++) {
      double base = 0;
      long from = peak - Math.round(0.110 * fs);
      long to = Math.max(from + 1, peak - Math.round(0.070 * fs));
      for (long k = from; k < to; k++) {
        base += signal.value(l, k);
      }
      base /= to - from;
      qrs[l] = resample(signal, l, peak, fs, -QRS_BEFORE_MS, QRS_AFTER_MS, QRS_STEP_MS, base);
      full[l] = resample(signal, l, peak, fs, -FULL_BEFORE_MS, FULL_AFTER_MS, FULL_STEP_MS, base);
    }
    return new BeatShape(qrs, full);
  }

  public int leads() {
    return qrs.length;
  }

  private static float[] resample(Leads signal, int lead, long peak, double fs, int fromMs, int toMs, double stepMs,
                                  double base) {
    int n = (int) Math.round((toMs - fromMs) / stepMs) + 1;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      double t = peak + (fromMs + i * stepMs) * fs / 1000;
      long k = (long) Math.floor(t);
      double f = t - k;
      out[i] = (float) ((1 - f) * signal.value(lead, k) + f * signal.value(lead, k + 1) - base);
    }
    return out;
  }
}

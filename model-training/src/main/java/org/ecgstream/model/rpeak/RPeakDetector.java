package org.ecgstream.model.rpeak;

import java.io.Serializable;
import java.util.function.LongConsumer;

/**
 * A streaming QRS (R-peak) detector for one ECG lead, after Pan and Tompkins (IEEE Trans. Biomed.
 * Eng. 32(3), 1985): band-pass 5–18 Hz, five-point derivative, squaring, 150 ms moving-window
 * integration, then adaptive signal and noise levels with two thresholds, a 200 ms refractory
 * period, a T-wave test on the slope within 360 ms of the previous beat, and a search back for a
 * missed beat when no beat came for 166 % of the mean RR interval. When even the search back
 * finds nothing above the lower threshold, both levels are halved (once per such interval): a
 * lead whose amplitude suddenly shrinks is found again within a few beats instead of never.
 *
 * <p>It is causal: it sees one sample at a time and reports the R peak of a beat once it has seen
 * at most {@link #delaySamples()} samples past it (search-back beats later, when the search is
 * made). The first two seconds only set the initial levels; beats in them are reported at the
 * two-second mark. The whole state is a few fixed arrays, so it can live in Flink keyed state.
 */
public final class RPeakDetector implements Serializable {
  /** Band edges of the QRS filter, Hz. */
  static final double LOW_HZ = 5;
  static final double HIGH_HZ = 18;
  /**
   * Where the first threshold sits between the noise and signal levels. Pan and Tompkins use 25 %;
   * 15 % keeps the small, wide ventricular beats of record 208 (see the README's detector table).
   */
  static final double THRESHOLD_SHARE = 0.15;
  private final double fs;
  private final int window;
  private final int refractory;
  private final int tWave;
  private final int lookahead;
  private final int learning;
  private final int size;

  private final Biquad highPass;
  private final Biquad lowPass;
  private final Biquad baseline;
  private final double[] band;
  private final double[] mwi;
  private final double[] level;
  private double mwiSum;

  private long n;
  private double spki;
  private double npki;
  private double learnMax;
  private double learnSum;
  private boolean learnt;
  private long lastQrs = Long.MIN_VALUE;
  private double lastSlope;
  private final long[] rr = new long[8];
  private int rrCount;
  private long candidate = -1;
  private double candidateValue;
  private long lastExamined = -1;
  private long lastDecay = Long.MIN_VALUE;

  public RPeakDetector(double samplingHz) {
    this.fs = samplingHz;
    this.window = (int) Math.round(0.150 * fs);
    this.refractory = (int) Math.round(0.200 * fs);
    this.tWave = (int) Math.round(0.360 * fs);
    this.lookahead = (int) Math.round(0.200 * fs);
    this.learning = (int) Math.round(2.0 * fs);
    // Enough history for a search back over 166 % of a slow RR interval (2 s) and the learning phase.
    this.size = Integer.highestOneBit((int) (4 * fs) + 1) << 1;
    this.highPass = Biquad.highPass(LOW_HZ, fs);
    this.lowPass = Biquad.lowPass(HIGH_HZ, fs);
    this.baseline = Biquad.highPass(0.5, fs);
    this.band = new double[size];
    this.mwi = new double[size];
    this.level = new double[size];
  }

  public double samplingHz() {
    return fs;
  }

  /** Samples taken so far; a peak reported now was decided with this many samples seen. */
  public long samplesSeen() {
    return n;
  }

  /** Samples after an R peak the detector may need before reporting it (search back aside). */
  public int delaySamples() {
    return window + lookahead + 4;
  }

  /** Takes the next sample (mV); reports the sample index of each R peak found to {@code onPeak}. */
  public void push(double x, LongConsumer onPeak) {
    int i = (int) (n & (size - 1));
    double b = lowPass.apply(highPass.apply(x));
    band[i] = b;
    level[i] = baseline.apply(x);
    double d = (2 * b + at(band, n - 1) - at(band, n - 3) - 2 * at(band, n - 4)) * fs / 8;
    double sq = d * d;
    mwiSum += sq - (n >= window ? squared(n - window) : 0);
    mwi[i] = mwiSum / window;
    n++;
    if (!learnt) {
      learnMax = Math.max(learnMax, mwi[i]);
      learnSum += mwi[i];
      if (n < learning) {
        return;
      }
      spki = learnMax / 3;
      npki = learnSum / n / 2;
      learnt = true;
      // Examine the learning phase's peaks now that the levels exist.
      for (long p = Math.max(1, n - size + 1); p < n - lookahead; p++) {
        examine(p, onPeak);
      }
      return;
    }
    examine(n - 1 - lookahead, onPeak);
  }

  /** The stream ended: decides about the last samples with whatever lookahead they have. */
  public void finish(LongConsumer onPeak) {
    if (!learnt) {
      return;
    }
    for (long p = lastExamined + 1; p < n; p++) {
      examine(p, onPeak);
    }
  }

  private double squared(long k) {
    double d = (2 * at(band, k) + at(band, k - 1) - at(band, k - 3) - 2 * at(band, k - 4)) * fs / 8;
    return d * d;
  }

  private double at(double[] ring, long k) {
    return k < 0 || k <= n - size ? 0 : ring[(int) (k & (size - 1))];
  }

  /** Decides about sample {@code p} of the integrated signal, whose next {@code lookahead} samples are known. */
  private void examine(long p, LongConsumer onPeak) {
    if (p <= lastExamined || p < 1) {
      return;
    }
    lastExamined = p;
    searchBack(p, onPeak);
    double v = at(mwi, p);
    // A peak of the integrated signal: the largest within 200 ms either side. Most samples lie on
    // a slope, so the neighbours rule them out before the window is scanned.
    if (at(mwi, p - 1) >= v || (p + 1 < n && at(mwi, p + 1) > v)) {
      return;
    }
    for (long k = Math.max(0, p - lookahead); k <= p + lookahead && k < n; k++) {
      if (k != p && (at(mwi, k) > v || (at(mwi, k) == v && k < p))) {
        return;
      }
    }
    double thr1 = npki + THRESHOLD_SHARE * (spki - npki);
    double thr2 = 0.5 * thr1;

    boolean afterBeat = lastQrs != Long.MIN_VALUE;
    if (afterBeat && p - lastQrs < refractory) {
      return;
    }
    double slope = maxSlope(p);
    if (v > thr1) {
      if (afterBeat && p - lastQrs < tWave && slope < 0.5 * lastSlope) {
        // Likely a T wave: its slope is less than half the previous QRS's.
        npki = 0.125 * v + 0.875 * npki;
        return;
      }
      spki = 0.125 * v + 0.875 * spki;
      beat(p, slope, onPeak);
    } else {
      npki = 0.125 * v + 0.875 * npki;
      if (v > candidateValue) {
        candidate = p;
        candidateValue = v;
      }
    }
  }

  private long meanRr() {
    long mean = 0;
    int k = Math.min(rrCount, rr.length);
    for (int j = 0; j < k; j++) {
      mean += rr[j];
    }
    return mean / k;
  }



  /** When no beat came for 166 % of the mean RR interval, takes the best peak above the lower threshold. */
  private void searchBack(long p, LongConsumer onPeak) {
    if (rrCount == 0) {
      return;
    }
    long mean = meanRr();
    long since = Math.max(lastQrs, lastDecay);
    if (p - since <= mean * 166 / 100) {
      return;
    }
    double thr2 = 0.5 * (npki + THRESHOLD_SHARE * (spki - npki));
    if (candidate >= 0 && candidateValue > thr2) {
      spki = 0.25 * candidateValue + 0.75 * spki;
      beat(candidate, maxSlope(candidate), onPeak);
    } else {
      // Nothing came close: the signal has shrunk (lead or gain change). Halve the levels each silent RR interval.
      spki *= 0.5;
      npki *= 0.5;
      lastDecay = p;
    }
  }

  private void beat(long p, double slope, LongConsumer onPeak) {
    if (lastQrs != Long.MIN_VALUE) {
      rr[rrCount++ % rr.length] = p - lastQrs;
    }
    lastQrs = p;
    lastSlope = slope;
    candidate = -1;
    candidateValue = 0;
    onPeak.accept(rPeak(p));
  }

  /** The largest slope of the band-passed signal over the integration window ending at {@code p}. */
  private double maxSlope(long p) {
    double m = 0;
    for (long k = p - window; k <= p; k++) {
      m = Math.max(m, Math.abs(at(band, k) - at(band, k - 1)));
    }
    return m;
  }

  /** Where the R peak lies: the largest deflection of the baseline-free signal in the window the integration covered. */
  private long rPeak(long p) {
    long best = p;
    double max = -1;
    for (long k = Math.max(0, p - window - 10); k <= p; k++) {
      double a = Math.abs(at(level, k));
      if (a > max) {
        max = a;
        best = k;
      }
    }
    return best;
  }
}

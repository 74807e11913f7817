package org.ecgstream.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Alerts that say what they are, from a patient's beat verdicts and RR intervals, as a monitor's
 * arrhythmia rules name them:
 * <ul>
 *   <li>{@code VENTRICULAR_RUN}: {@value #RUN} or more ventricular beats in a row (MIT-BIH calls
 *       such a run ventricular tachycardia, {@code (VT});</li>
 *   <li>{@code BIGEMINY}: {@value #BIGEMINY_CYCLES} ventricular beats in a row each after one
 *       other beat;</li>
 *   <li>{@code FREQUENT_PVC}: at least {@value #FREQUENT} ventricular beats in the last minute;</li>
 *   <li>{@code PAUSE}: an RR interval longer than {@value #PAUSE_S} s;</li>
 *   <li>{@code BRADYCARDIA} / {@code TACHYCARDIA}: the median of the last {@value #RATE_BEATS} RR
 *       intervals above {@value #BRADY_S} s (below 40 /min) or below {@value #TACHY_S} s (above 150 /min).</li>
 * </ul>
 * Each kind opens once and closes when its condition has been false for {@value #CLOSE_BEATS}
 * beats (a minute for FREQUENT_PVC), so a long run is one alert, not one per beat.
 */
public final class AlertKinds {
  public static final int RUN = 3;
  public static final int BIGEMINY_CYCLES = 4;
  public static final int FREQUENT = 10;
  public static final double PAUSE_S = 2.0;
  public static final int RATE_BEATS = 8;
  public static final double BRADY_S = 1.5;
  public static final double TACHY_S = 0.4;
  public static final int CLOSE_BEATS = 5;

  /** The kinds, in the order a beat is checked. */
  public enum Kind { VENTRICULAR_RUN, BIGEMINY, FREQUENT_PVC, PAUSE, BRADYCARDIA, TACHYCARDIA }

  /** One alert: its kind and the beats (indices) that opened and closed it. */
  public record Alert(Kind kind, int openedAt, int closedAt) {}

  private AlertKinds() {}

  /**
   * The alerts raised from beat {@code first} on, over beats at {@code peaks} (samples at
   * {@code fs}) with ventricular verdicts {@code ventricular}, beat by beat through a
   * {@link RhythmTracker} as the job runs it. An alert still open at the end closes there.
   */
  public static List<Alert> of(long[] peaks, boolean[] ventricular, double fs, int first) {
    List<Alert> out = new ArrayList<>();
    int n = peaks.length;
    int[] openedAt = new int[Kind.values().length];
    Arrays.fill(openedAt, -1);
    RhythmTracker tracker = new RhythmTracker();
    for (int i = first; i < n; i++) {
      RhythmTracker.Change c = tracker.next(peaks[i], i > 0 ? peaks[i - 1] : -1, ventricular[i], fs);
      for (Kind k : c.opened()) {
        openedAt[k.ordinal()] = i;
      }
      for (Kind k : c.closed()) {
        out.add(new Alert(k, openedAt[k.ordinal()], i));
        openedAt[k.ordinal()] = -1;
      }
    }
    for (Kind k : Kind.values()) {
      if (openedAt[k.ordinal()] >= 0) {
        out.add(new Alert(k, openedAt[k.ordinal()], n - 1));
      }
    }
    out.sort((a, b) -> Integer.compare(a.openedAt(), b.openedAt()));
    return out;
  }
}

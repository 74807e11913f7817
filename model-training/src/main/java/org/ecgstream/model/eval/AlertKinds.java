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
   * {@code fs}) with ventricular verdicts {@code ventricular}. An alert still open at the end closes there.
   */
  public static List<Alert> of(long[] peaks, boolean[] ventricular, double fs, int first) {
    List<Alert> out = new ArrayList<>();
    int n = peaks.length;
    int[] openedAt = new int[Kind.values().length];
    int[] quiet = new int[Kind.values().length];
    Arrays.fill(openedAt, -1);
    for (int i = Math.max(first, 1); i < n; i++) {
      boolean[] now = new boolean[Kind.values().length];
      now[Kind.VENTRICULAR_RUN.ordinal()] = run(ventricular, i, first);
      now[Kind.BIGEMINY.ordinal()] = bigeminy(ventricular, i, first);
      now[Kind.FREQUENT_PVC.ordinal()] = lastMinute(peaks, ventricular, i, fs, first) >= FREQUENT;
      double rr = (peaks[i] - peaks[i - 1]) / fs;
      now[Kind.PAUSE.ordinal()] = rr > PAUSE_S;
      double median = medianRr(peaks, i, fs, first);
      now[Kind.BRADYCARDIA.ordinal()] = median > BRADY_S;
      now[Kind.TACHYCARDIA.ordinal()] = median > 0 && median < TACHY_S;
      for (Kind k : Kind.values()) {
        int o = k.ordinal();
        if (openedAt[o] < 0 && now[o]) {
          openedAt[o] = i;
          quiet[o] = 0;
        } else if (openedAt[o] >= 0) {
          quiet[o] = now[o] ? 0 : quiet[o] + 1;
          int close = k == Kind.FREQUENT_PVC ? (int) Math.max(CLOSE_BEATS, 60 / Math.max(0.3, median)) : CLOSE_BEATS;
          if (quiet[o] >= close) {
            out.add(new Alert(k, openedAt[o], i));
            openedAt[o] = -1;
          }
        }
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

  private static boolean run(boolean[] v, int i, int first) {
    if (i - RUN + 1 < first) {
      return false;
    }
    for (int j = i - RUN + 1; j <= i; j++) {
      if (!v[j]) {
        return false;
      }
    }
    return true;
  }

  private static boolean bigeminy(boolean[] v, int i, int first) {
    int from = i - 2 * BIGEMINY_CYCLES + 1;
    if (from < first) {
      return false;
    }
    for (int j = from; j <= i; j++) {
      // Ending on a ventricular beat: V at i, i-2, ...; the others not.
      if (v[j] != ((i - j) % 2 == 0)) {
        return false;
      }
    }
    return true;
  }

  private static int lastMinute(long[] peaks, boolean[] v, int i, double fs, int first) {
    int count = 0;
    for (int j = i; j >= first && peaks[i] - peaks[j] < 60 * fs; j--) {
      count += v[j] ? 1 : 0;
    }
    return count;
  }

  private static double medianRr(long[] peaks, int i, double fs, int first) {
    int from = i - RATE_BEATS + 1;
    if (from < Math.max(first, 1)) {
      return 0;
    }
    double[] rr = new double[RATE_BEATS];
    for (int j = from; j <= i; j++) {
      rr[j - from] = (peaks[j] - peaks[j - 1]) / fs;
    }
    Arrays.sort(rr);
    return rr[RATE_BEATS / 2];
  }
}

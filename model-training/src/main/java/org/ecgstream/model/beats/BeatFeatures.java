package org.ecgstream.model.beats;

import java.util.List;

/**
 * The numbers the beat classifier reads, each relative to the patient's own beats so that they
 * mean the same for every patient: how the beat's QRS and whole window compare with the
 * dominant morphology in each lead (correlation, size, width, residual), how early it came and
 * how long the pause after it was, how the beat before it looked, and what its morphology cluster is like (its share of the
 * beats, its usual timing, how it compares with the dominant). Nothing absolute that tells one
 * patient from another (heart rate, rhythm irregularity) is used: with those the trees learnt
 * records, not beats, and missed more of 106's ventricular beats. A record with one lead repeats
 * the first lead's numbers for the second.
 */
public final class BeatFeatures {
  public static final List<String> NAMES = List.of(
      "qrs correlation 1", "qrs correlation 2", "beat correlation 1", "beat correlation 2",
      "log size 1", "log size 2", "qrs width ms", "width ratio 1", "width ratio 2",
      "residual 1", "residual 2", "rr before / recent", "rr after / recent", "rr after / before",
      "cluster share", "cluster rr ratio", "cluster is dominant", "cluster correlation",
      "own cluster correlation", "roughness ratio",
      "previous qrs correlation", "previous rr before / recent", "polarity agrees", "qrs width 2 ms");

  private BeatFeatures() {}

  /** +1 when the largest deflection of the window is upward, −1 when downward. */
  private static int sign(float[] a) {
    float hi = 0;
    float lo = 0;
    for (float x : a) {
      hi = Math.max(hi, x);
      lo = Math.min(lo, x);
    }
    return hi >= -lo ? 1 : -1;
  }

  static double[] describe(BeatShape s, PatientBeats.Cluster dominant, PatientBeats.Cluster matched,
                           boolean isDominant, double share, double ownCorrelation, double rrRatio, double rrAfterRatio,
                           double rrBefore, double rrAfter, double[] previous) {
    double[] f = new double[NAMES.size()];
    for (int l = 0; l < 2; l++) {
      int lead = Math.min(l, s.leads() - 1);
      float[] q = s.qrs()[lead];
      float[] dq = dominant.qrs[lead];
      f[l] = Shapes.correlation(dq, q, Shapes.MAX_SHIFT);
      f[2 + l] = Shapes.correlation(dominant.full[lead], s.full()[lead], 1);
      f[4 + l] = Math.log(Math.max(1e-3, Shapes.peakToPeak(q)) / Math.max(1e-3, Shapes.peakToPeak(dq)));
      double w = Shapes.width(q);
      f[7 + l] = w / Math.max(1, Shapes.width(dq));
      f[9 + l] = Shapes.residual(q, dq, Shapes.bestShift(dq, q, Shapes.MAX_SHIFT));
      if (l == 0) {
        f[6] = w * BeatShape.QRS_STEP_MS;
      }
    }
    f[11] = rrRatio;
    f[12] = rrAfterRatio;
    f[13] = rrBefore > 0 ? rrAfter / rrBefore : 1;
    f[14] = share;
    f[15] = matched.meanRrRatio;
    f[16] = isDominant ? 1 : 0;
    f[17] = Shapes.correlation(dominant.qrs[0], matched.qrs[0], Shapes.MAX_SHIFT);
    f[18] = ownCorrelation;
    f[19] = Math.log((1e-6 + Shapes.roughness(s.full()[0])) / (1e-6 + Shapes.roughness(dominant.full[0])));
    f[20] = previous == null ? 1 : previous[0];
    f[21] = previous == null ? 1 : previous[11];
    f[22] = sign(s.qrs()[0]) == sign(dominant.qrs[0]) ? 1 : 0;
    f[23] = Shapes.width(s.qrs()[Math.min(1, s.leads() - 1)]) * BeatShape.QRS_STEP_MS;
    return f;
  }
}

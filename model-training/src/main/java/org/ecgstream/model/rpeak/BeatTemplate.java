package org.ecgstream.model.rpeak;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.ecgstream.model.threshold.RobustThreshold;

/**
 * A patient's dominant beat, learnt from the beats of a learning period, and how far a beat's
 * shape may stray from it. The shape is the sample-wise median of the learning beats, rebuilt
 * twice from the half that matches it best, so it settles on the dominant (normal) morphology
 * even when a third of the learning beats are ectopic. A beat's mismatch is 1 − the Pearson
 * correlation of its window with the shape (0 identical, 1 unrelated, 2 inverted).
 *
 * <p>The threshold: the learning beats that match the shape (mismatch below {@code minMismatch})
 * give the patient's own spread, median + k × 1.4826 × lower-half MAD as {@link RobustThreshold};
 * the threshold is never below {@code minMismatch}. Only the matching beats count because the
 * ectopic beats of the learning period form a second cluster of high mismatches: in the first
 * five minutes of MIT-BIH record 208 they are 45 % of the beats, enough to drag a median-based
 * rule into them. The floor is a shape criterion, not a statistic: a beat that correlates below
 * 1 − minMismatch with the patient's own beat is a different morphology, however tight the
 * patient's normal beats are (on record 100 the learning spread alone would set 0.05 and flag
 * ordinary noise).
 */
public final class BeatTemplate implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Fewer matching learning beats than this: the spread is taken from all of them. */
  static final int MIN_MATCHED = 8;

  private final float[] shape;
  private final double threshold;

  private BeatTemplate(float[] shape, double threshold) {
    this.shape = shape;
    this.threshold = threshold;
  }

  /** Learns from {@code beats} (equal-length windows, any normalisation). */
  public static BeatTemplate learn(List<float[]> beats, double k, double minMismatch) {
    if (beats.isEmpty()) {
      throw new IllegalArgumentException("no beats to learn a template from");
    }
    int length = beats.get(0).length;
    if (beats.stream().anyMatch(b -> b.length != length)) {
      throw new IllegalArgumentException("template beats must all have " + length + " values");
    }
    if (!(minMismatch > 0 && minMismatch <= 2)) {
      throw new IllegalArgumentException("the minimum template mismatch must be within (0, 2], got " + minMismatch);
    }
    float[] shape = median(beats, length);
    for (int round = 0; round < 2; round++) {
      float[] s = shape;
      double[] m = beats.stream().mapToDouble(b -> correlationDistance(s, b)).toArray();
      List<float[]> best = IntStream.range(0, beats.size()).boxed().sorted(Comparator.comparingDouble(i -> m[i]))
          .limit(Math.max(1, beats.size() / 2)).map(beats::get).toList();
      shape = median(best, length);
    }
    float[] s = shape;
    double[] all = beats.stream().mapToDouble(b -> correlationDistance(s, b)).toArray();
    double[] matched = Arrays.stream(all).filter(x -> x < minMismatch).toArray();
    double[] spread = matched.length >= MIN_MATCHED ? matched : all;
    float[] f = new float[spread.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) spread[i];
    }
    return new BeatTemplate(shape, Math.max(minMismatch, RobustThreshold.of(f, f.length, k)));
  }

  /** 1 − Pearson correlation of {@code beat} with the dominant shape; 1 when either is flat. */
  public double mismatch(float[] beat) {
    return mismatch(shape, beat);
  }

  /** As {@link #mismatch(float[])} against a shape kept elsewhere (a job's state), without copying it. */
  public static double mismatch(float[] shape, float[] beat) {
    if (beat.length != shape.length) {
      throw new IllegalArgumentException("beat has " + beat.length + " values, the template " + shape.length);
    }
    return correlationDistance(shape, beat);
  }

  public double threshold() {
    return threshold;
  }

  public float[] shape() {
    return shape.clone();
  }

  private static double correlationDistance(float[] a, float[] b) {
    int n = a.length;
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < n; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= n;
    mb /= n;
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < n; i++) {
      double x = a[i] - ma;
      double y = b[i] - mb;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    return aa == 0 || bb == 0 ? 1 : 1 - ab / Math.sqrt(aa * bb);
  }

  private static float[] median(List<float[]> beats, int length) {
    float[] m = new float[length];
    float[] column = new float[beats.size()];
    for (int t = 0; t < length; t++) {
      for (int i = 0; i < column.length; i++) {
        column[i] = beats.get(i)[t];
      }
      Arrays.sort(column);
      m[t] = column[column.length / 2];
    }
    return m;
  }
}

package org.ecgstream.model.beats;

/**
 * What the classifier's second stage reads besides a beat's own features: the first stage's
 * probability for this beat and for the {@value #BEATS} beats before it. In a ventricular run each
 * beat is made likelier by the ones before it; an isolated odd beat in noise is not. Causal, so the
 * stream needs no more delay than the first stage's one beat.
 */
public final class BeatContext {
  /** Beats before the current one that the context reads. */
  public static final int BEATS = 4;
  /** Numbers the context adds to a beat's features. */
  public static final int FEATURES = 6;
  /** A first-stage probability above this counts as a beat the first stage leans to calling ventricular. */
  static final double LEANING = 0.35;

  private BeatContext() {}

  /**
   * The beat's features followed by its context: its first-stage probability {@code p}, the two
   * beats' before it, and over the {@value #BEATS} before it the largest, the mean and how many lean
   * ventricular. {@code recent} holds those beats' probabilities, oldest first (zeros before a
   * source's first beats).
   */
  public static double[] of(double[] features, double p, double[] recent) {
    double[] f = java.util.Arrays.copyOf(features, features.length + FEATURES);
    int n = features.length;
    double max = 0;
    double sum = 0;
    int leaning = 0;
    for (double q : recent) {
      max = Math.max(max, q);
      sum += q;
      leaning += q > LEANING ? 1 : 0;
    }
    f[n] = p;
    f[n + 1] = recent[BEATS - 1];
    f[n + 2] = recent[BEATS - 2];
    f[n + 3] = max;
    f[n + 4] = sum / BEATS;
    f[n + 5] = leaning;
    return f;
  }

  /** Moves the window on by one beat whose first-stage probability is {@code p}. */
  public static void push(double[] recent, double p) {
    System.arraycopy(recent, 1, recent, 0, BEATS - 1);
    recent[BEATS - 1] = p;
  }

  /** A record's beats in order with their context, from the first stage's probabilities {@code p}. */
  static double[][] ofRecord(double[][] features, double[] p) {
    double[] recent = new double[BEATS];
    double[][] out = new double[features.length][];
    for (int i = 0; i < features.length; i++) {
      out[i] = of(features[i], p[i], recent);
      push(recent, p[i]);
    }
    return out;
  }
}

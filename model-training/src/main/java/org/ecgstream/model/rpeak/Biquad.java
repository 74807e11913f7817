package org.ecgstream.model.rpeak;

import java.io.Serializable;

/** A second-order IIR section (Butterworth low- or high-pass by the bilinear transform), run sample by sample. */
public final class Biquad implements Serializable {
  private final double b0;
  private final double b1;
  private final double b2;
  private final double a1;
  private final double a2;
  private double x1;
  private double x2;
  private double y1;
  private double y2;

  private Biquad(double b0, double b1, double b2, double a0, double a1, double a2) {
    this.b0 = b0 / a0;
    this.b1 = b1 / a0;
    this.b2 = b2 / a0;
    this.a1 = a1 / a0;
    this.a2 = a2 / a0;
  }

  public static Biquad lowPass(double cutoffHz, double fs) {
    double w = 2 * Math.PI * cutoffHz / fs;
    double alpha = Math.sin(w) / Math.sqrt(2);
    double c = Math.cos(w);
    return new Biquad((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
  }

  public static Biquad highPass(double cutoffHz, double fs) {
    double w = 2 * Math.PI * cutoffHz / fs;
    double alpha = Math.sin(w) / Math.sqrt(2);
    double c = Math.cos(w);
    return new Biquad((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
  }

  /** Values of state one section needs when it is kept outside the object ({@link #apply(double, double[], int)}). */
  public static final int STATE = 4;

  /**
   * As {@link #apply(double)}, with the section's state in {@code state[at .. at + 3]} instead of
   * this object, so that keyed state can hold it as plain numbers; the same arithmetic.
   */
  public double apply(double x, double[] state, int at) {
    double y = b0 * x + b1 * state[at] + b2 * state[at + 1] - a1 * state[at + 2] - a2 * state[at + 3];
    state[at + 1] = state[at];
    state[at] = x;
    state[at + 3] = state[at + 2];
    state[at + 2] = y;
    return y;
  }

  public double apply(double x) {
    double y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    return y;
  }
}

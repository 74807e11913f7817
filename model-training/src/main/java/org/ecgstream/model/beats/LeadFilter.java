package org.ecgstream.model.beats;

import org.ecgstream.model.rpeak.Biquad;

/**
 * The classifier's view of a lead: baseline wander and mains hum out, causally as a stream must,
 * high-pass 0.5 Hz then low-pass 40 Hz (or 0.45 of the sample rate, below 89 Hz). Its state is
 * {@link #STATE} numbers per lead held by the caller, so the offline evaluation and the job's keyed
 * state run the very same arithmetic on the same samples.
 */
public final class LeadFilter {
  /** Numbers of state per lead. */
  public static final int STATE = 2 * Biquad.STATE;

  private final Biquad highPass;
  private final Biquad lowPass;

  public LeadFilter(double samplingHz) {
    this.highPass = Biquad.highPass(0.5, samplingHz);
    this.lowPass = Biquad.lowPass(Math.min(40, 0.45 * samplingHz), samplingHz);
  }

  /** Filters the next sample {@code x} (mV) of the lead whose state is at {@code state[lead * STATE ..]}. */
  public double apply(double x, double[] state, int lead) {
    int at = lead * STATE;
    return lowPass.apply(highPass.apply(x, state, at), state, at + Biquad.STATE);
  }

  /** A whole lead filtered from its first sample. */
  public static float[] filter(float[] x, double samplingHz) {
    LeadFilter f = new LeadFilter(samplingHz);
    double[] state = new double[STATE];
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) f.apply(x[i], state, 0);
    }
    return out;
  }
}

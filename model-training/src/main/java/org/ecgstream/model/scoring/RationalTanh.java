package org.ecgstream.model.scoring;

/**
 * tanh in float arithmetic as x·p(x²)/q(x²), p and q of degree 4, on x clamped to ±9 (where tanh
 * is 1 to float precision). The coefficients are our own fit: linear least squares on x·p − tanh·q,
 * reweighted towards the smallest largest error (2e-8 in exact arithmetic; within 4e-7 of
 * {@link Math#tanh} once evaluated in float). It uses only multiplications, additions, one
 * division and min/max, so the JIT compiles loops over it to SIMD code, which it does not do for
 * loops calling {@link Math#exp} or {@link Math#tanh}.
 */
public final class RationalTanh {
  static final float CLAMP = 9f;
  static final float P0 = 0.99999988f;
  static final float P1 = 0.13373196f;
  static final float P2 = 3.4865774e-3f;
  static final float P3 = 2.0471673e-5f;
  static final float P4 = 1.3183874e-8f;
  static final float Q1 = 0.46706492f;
  static final float Q2 = 2.5841968e-2f;
  static final float Q3 = 3.2713742e-4f;
  static final float Q4 = 7.7025459e-7f;

  private RationalTanh() {}

  public static float tanh(float x) {
    float v = Math.max(-CLAMP, Math.min(CLAMP, x));
    float u = v * v;
    float p = P0 + u * (P1 + u * (P2 + u * (P3 + u * P4)));
    float q = 1f + u * (Q1 + u * (Q2 + u * (Q3 + u * Q4)));
    return v * p / q;
  }
}

package org.ecgstream.model.scoring;

import static org.ecgstream.model.scoring.RationalTanh.CLAMP;
import static org.ecgstream.model.scoring.RationalTanh.P0;
import static org.ecgstream.model.scoring.RationalTanh.P1;
import static org.ecgstream.model.scoring.RationalTanh.P2;
import static org.ecgstream.model.scoring.RationalTanh.P3;
import static org.ecgstream.model.scoring.RationalTanh.P4;
import static org.ecgstream.model.scoring.RationalTanh.Q1;
import static org.ecgstream.model.scoring.RationalTanh.Q2;
import static org.ecgstream.model.scoring.RationalTanh.Q3;
import static org.ecgstream.model.scoring.RationalTanh.Q4;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RationalTanh} on whole vectors: the same fit, with fused multiply-adds (so it may differ
 * from the scalar form in the last bits).
 */
final class VectorTanh {
  private VectorTanh() {}

  /**
   * tanh of {@code a[from .. from + len)} as a fraction: {@code num} = x·p(x²) and {@code den} =
   * q(x²), from index 0; len a multiple of the vector length. The caller divides, and can
   * put several fractions over one division (the LSTM cell needs five tanh and two divisions).
   * Arrays in and out, never vectors: a vector passed to or returned from a method C2 does not
   * inline is boxed, and with the Vector API's deep inlining C2 runs out of its node budget often
   * enough that small helpers are left as calls.
   */
  static void fractions(float[] a, int from, int len, float[] num, float[] den) {
    VectorSpecies<Float> s = VectorLstmLayer.S;
    for (int k = from; k < from + len; k += s.length()) {
      FloatVector v = FloatVector.fromArray(s, a, k).max(-CLAMP).min(CLAMP);
      FloatVector u = v.mul(v);
      FloatVector p = u.fma(P4, P3).fma(u, FloatVector.broadcast(s, P2)).fma(u, FloatVector.broadcast(s, P1))
          .fma(u, FloatVector.broadcast(s, P0));
      FloatVector q = u.fma(Q4, Q3).fma(u, FloatVector.broadcast(s, Q2)).fma(u, FloatVector.broadcast(s, Q1))
          .fma(u, FloatVector.broadcast(s, 1f));
      v.mul(p).intoArray(num, k - from);
      q.intoArray(den, k - from);
    }
  }
}

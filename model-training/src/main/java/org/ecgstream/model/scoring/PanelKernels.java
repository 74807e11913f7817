package org.ecgstream.model.scoring;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of {@link VectorLstmLayer} and {@link VectorDense}: rows of inputs times one panel
 * of packed weights (four vectors per weight row, [row][vector][lane]), plus base rows, into rows
 * of four vectors. Every kernel adds a result's weight rows in the same order, one after another,
 * so a row's result does not depend on which kernel computed it (nor on the batch it came in).
 */
final class PanelKernels {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  /**
   * Rows per tile: a tile's sums, a weight row's four vectors and a broadcast must fit in the
   * vector registers, or C2 spills them on every step. AVX-512 has 32 registers: four rows, 16
   * sums. AVX2 (the 256-bit species) has 16: two rows, 8 sums.
   */
  static final int TILE = L >= 16 ? 4 : 2;

  private PanelKernels() {}

  /**
   * {@code rows} rows × one panel: {@code z[zo + r * zs ...]} = {@code base[bo + r * bs ...]} +
   * {@code x[xo + r * xs ...]} ({@code k} values) times the panel at {@code wts[from]}; in tiles,
   * then a pair, then one row.
   */
  static void rows(float[] wts, int from, int k, float[] x, int xo, int xs, float[] base, int bo, int bs,
                   float[] z, int zo, int zs, int rows) {
    int r = 0;
    for (; r + TILE <= rows; r += TILE) {
      tile(wts, from, k, x, xo + r * xs, xs, base, bo + r * bs, bs, z, zo + r * zs, zs);
    }
    if (rows - r >= 2) {
      tile2(wts, from, k, x, xo + r * xs, xs, base, bo + r * bs, bs, z, zo + r * zs, zs);
      r += 2;
    }
    if (r < rows) {
      tile1(wts, from, k, x, xo + r * xs, base, bo + r * bs, z, zo + r * zs);
    }
  }

  /** A tile of {@link #TILE} rows: {@link #tile4} or {@link #tile2}. */
  static void tile(float[] wts, int from, int k, float[] v, int vo, int vs, float[] base, int bo, int bs,
                    float[] z, int zo, int zs) {
    if (TILE == 4) {
      tile4(wts, from, k, v, vo, vs, base, bo, bs, z, zo, zs);
    } else {
      tile2(wts, from, k, v, vo, vs, base, bo, bs, z, zo, zs);
    }
  }

  /**
   * Four rows × one panel into {@code z[zo + r * zs ...]} ([gate][lane] each): base rows
   * {@code base[bo + r * bs]} plus rows {@code v[vo + r * vs ...]} ({@code k} values each) times
   * the panel's {@code k} weight rows at {@code wts[from]}. Sixteen sums in registers (of 32 with
   * AVX-512); per weight row four loads and four broadcasts feed sixteen fused multiply-adds.
   */
  static void tile4(float[] wts, int from, int k, float[] v, int vo, int vs, float[] base, int bo, int bs,
                     float[] z, int zo, int zs) {
    FloatVector a0 = FloatVector.fromArray(S, base, bo);
    FloatVector a1 = FloatVector.fromArray(S, base, bo + L);
    FloatVector a2 = FloatVector.fromArray(S, base, bo + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, base, bo + 3 * L);
    FloatVector b0 = FloatVector.fromArray(S, base, bo + bs);
    FloatVector b1 = FloatVector.fromArray(S, base, bo + bs + L);
    FloatVector b2 = FloatVector.fromArray(S, base, bo + bs + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, base, bo + bs + 3 * L);
    FloatVector c0 = FloatVector.fromArray(S, base, bo + 2 * bs);
    FloatVector c1 = FloatVector.fromArray(S, base, bo + 2 * bs + L);
    FloatVector c2 = FloatVector.fromArray(S, base, bo + 2 * bs + 2 * L);
    FloatVector c3 = FloatVector.fromArray(S, base, bo + 2 * bs + 3 * L);
    FloatVector d0 = FloatVector.fromArray(S, base, bo + 3 * bs);
    FloatVector d1 = FloatVector.fromArray(S, base, bo + 3 * bs + L);
    FloatVector d2 = FloatVector.fromArray(S, base, bo + 3 * bs + 2 * L);
    FloatVector d3 = FloatVector.fromArray(S, base, bo + 3 * bs + 3 * L);
    for (int j = 0, w = from; j < k; j++, w += 4 * L) {
      FloatVector w0 = FloatVector.fromArray(S, wts, w);
      FloatVector w1 = FloatVector.fromArray(S, wts, w + L);
      FloatVector w2 = FloatVector.fromArray(S, wts, w + 2 * L);
      FloatVector w3 = FloatVector.fromArray(S, wts, w + 3 * L);
      FloatVector s = FloatVector.broadcast(S, v[vo + j]);
      a0 = w0.fma(s, a0);
      a1 = w1.fma(s, a1);
      a2 = w2.fma(s, a2);
      a3 = w3.fma(s, a3);
      s = FloatVector.broadcast(S, v[vo + vs + j]);
      b0 = w0.fma(s, b0);
      b1 = w1.fma(s, b1);
      b2 = w2.fma(s, b2);
      b3 = w3.fma(s, b3);
      s = FloatVector.broadcast(S, v[vo + 2 * vs + j]);
      c0 = w0.fma(s, c0);
      c1 = w1.fma(s, c1);
      c2 = w2.fma(s, c2);
      c3 = w3.fma(s, c3);
      s = FloatVector.broadcast(S, v[vo + 3 * vs + j]);
      d0 = w0.fma(s, d0);
      d1 = w1.fma(s, d1);
      d2 = w2.fma(s, d2);
      d3 = w3.fma(s, d3);
    }
    a0.intoArray(z, zo);
    a1.intoArray(z, zo + L);
    a2.intoArray(z, zo + 2 * L);
    a3.intoArray(z, zo + 3 * L);
    b0.intoArray(z, zo + zs);
    b1.intoArray(z, zo + zs + L);
    b2.intoArray(z, zo + zs + 2 * L);
    b3.intoArray(z, zo + zs + 3 * L);
    c0.intoArray(z, zo + 2 * zs);
    c1.intoArray(z, zo + 2 * zs + L);
    c2.intoArray(z, zo + 2 * zs + 2 * L);
    c3.intoArray(z, zo + 2 * zs + 3 * L);
    d0.intoArray(z, zo + 3 * zs);
    d1.intoArray(z, zo + 3 * zs + L);
    d2.intoArray(z, zo + 3 * zs + 2 * L);
    d3.intoArray(z, zo + 3 * zs + 3 * L);
  }

  /**
   * {@link #tile4} for two rows: eight sums, so that with AVX2's 16 registers nothing spills, and
   * a pair of windows reads the weights once, not twice.
   */
  static void tile2(float[] wts, int from, int k, float[] v, int vo, int vs, float[] base, int bo, int bs,
                     float[] z, int zo, int zs) {
    FloatVector a0 = FloatVector.fromArray(S, base, bo);
    FloatVector a1 = FloatVector.fromArray(S, base, bo + L);
    FloatVector a2 = FloatVector.fromArray(S, base, bo + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, base, bo + 3 * L);
    FloatVector b0 = FloatVector.fromArray(S, base, bo + bs);
    FloatVector b1 = FloatVector.fromArray(S, base, bo + bs + L);
    FloatVector b2 = FloatVector.fromArray(S, base, bo + bs + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, base, bo + bs + 3 * L);
    for (int j = 0, w = from; j < k; j++, w += 4 * L) {
      FloatVector w0 = FloatVector.fromArray(S, wts, w);
      FloatVector w1 = FloatVector.fromArray(S, wts, w + L);
      FloatVector w2 = FloatVector.fromArray(S, wts, w + 2 * L);
      FloatVector w3 = FloatVector.fromArray(S, wts, w + 3 * L);
      FloatVector s = FloatVector.broadcast(S, v[vo + j]);
      a0 = w0.fma(s, a0);
      a1 = w1.fma(s, a1);
      a2 = w2.fma(s, a2);
      a3 = w3.fma(s, a3);
      s = FloatVector.broadcast(S, v[vo + vs + j]);
      b0 = w0.fma(s, b0);
      b1 = w1.fma(s, b1);
      b2 = w2.fma(s, b2);
      b3 = w3.fma(s, b3);
    }
    a0.intoArray(z, zo);
    a1.intoArray(z, zo + L);
    a2.intoArray(z, zo + 2 * L);
    a3.intoArray(z, zo + 3 * L);
    b0.intoArray(z, zo + zs);
    b1.intoArray(z, zo + zs + L);
    b2.intoArray(z, zo + zs + 2 * L);
    b3.intoArray(z, zo + zs + 3 * L);
  }

  /**
   * {@link #tile4} for one row. Its four sums take the weight rows in the same order as a tile's
   * do, so a window's result does not depend on the batch it came in.
   */
  static void tile1(float[] wts, int from, int k, float[] v, int vo, float[] base, int bo, float[] z, int zo) {
    FloatVector a0 = FloatVector.fromArray(S, base, bo);
    FloatVector a1 = FloatVector.fromArray(S, base, bo + L);
    FloatVector a2 = FloatVector.fromArray(S, base, bo + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, base, bo + 3 * L);
    for (int j = 0, w = from; j < k; j++, w += 4 * L) {
      FloatVector s = FloatVector.broadcast(S, v[vo + j]);
      a0 = FloatVector.fromArray(S, wts, w).fma(s, a0);
      a1 = FloatVector.fromArray(S, wts, w + L).fma(s, a1);
      a2 = FloatVector.fromArray(S, wts, w + 2 * L).fma(s, a2);
      a3 = FloatVector.fromArray(S, wts, w + 3 * L).fma(s, a3);
    }
    a0.intoArray(z, zo);
    a1.intoArray(z, zo + L);
    a2.intoArray(z, zo + 2 * L);
    a3.intoArray(z, zo + 3 * L);
  }

  /**
   * {@link #tile1} for two panels at once (into {@code z[0 ..]} and {@code z[4 * L ..]}): eight
   * independent sums instead of four, each still taking the weight rows in a tile's order.
   */
  static void tile1Twice(float[] wts, int from, int from2, int k, float[] v, int vo, float[] base, int bo, int bo2,
                          float[] z) {
    FloatVector a0 = FloatVector.fromArray(S, base, bo);
    FloatVector a1 = FloatVector.fromArray(S, base, bo + L);
    FloatVector a2 = FloatVector.fromArray(S, base, bo + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, base, bo + 3 * L);
    FloatVector b0 = FloatVector.fromArray(S, base, bo2);
    FloatVector b1 = FloatVector.fromArray(S, base, bo2 + L);
    FloatVector b2 = FloatVector.fromArray(S, base, bo2 + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, base, bo2 + 3 * L);
    for (int j = 0, w = from, u = from2; j < k; j++, w += 4 * L, u += 4 * L) {
      FloatVector s = FloatVector.broadcast(S, v[vo + j]);
      a0 = FloatVector.fromArray(S, wts, w).fma(s, a0);
      a1 = FloatVector.fromArray(S, wts, w + L).fma(s, a1);
      a2 = FloatVector.fromArray(S, wts, w + 2 * L).fma(s, a2);
      a3 = FloatVector.fromArray(S, wts, w + 3 * L).fma(s, a3);
      b0 = FloatVector.fromArray(S, wts, u).fma(s, b0);
      b1 = FloatVector.fromArray(S, wts, u + L).fma(s, b1);
      b2 = FloatVector.fromArray(S, wts, u + 2 * L).fma(s, b2);
      b3 = FloatVector.fromArray(S, wts, u + 3 * L).fma(s, b3);
    }
    a0.intoArray(z, 0);
    a1.intoArray(z, L);
    a2.intoArray(z, 2 * L);
    a3.intoArray(z, 3 * L);
    b0.intoArray(z, 4 * L);
    b1.intoArray(z, 5 * L);
    b2.intoArray(z, 6 * L);
    b3.intoArray(z, 7 * L);
  }
}

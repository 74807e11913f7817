package org.ecgstream.model.scoring;

import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * Where a float array's elements lie relative to the CPU's 64-byte cache lines.
 *
 * <p>Why: a 512-bit load that straddles two lines costs two cache accesses. The Java heap aligns
 * arrays to 8 bytes only, so a weight array's vectors usually all straddle. In a throwaway probe,
 * a matrix-vector product over 256 KB of LSTM weights in L2 read them at 114 GB/s that way, against
 * 168 GB/s from a line start (BENCHMARKS.md, run O4). Java 17 has no aligned heap arrays, so this
 * reads where an array is: the reference the JVM stores for it, through {@code sun.misc.Unsafe}
 * (module jdk.unsupported), never dereferenced. It checks its reading of references first (two
 * arrays allocated one after the other must lie one array's size apart). On a JVM where that
 * check fails, or without Unsafe, {@link #known()} is false and every offset is 0: correct, only
 * slower. The collector may move an array later, so users check again ({@link LineAlignedFloats}).
 */
final class CacheLineAlignment {
  static final int LINE_BYTES = 64;
  /** Bits a compressed reference is shifted by to give an address; -1 when references cannot be read. */
  private static final int SHIFT = shiftOrUnknown();

  private CacheLineAlignment() {}

  /** Whether this JVM's array addresses can be read. */
  static boolean known() {
    return SHIFT >= 0;
  }

  /**
   * Elements from {@code a[0]} to the first that starts a cache line (0 to 15), as {@code a} lies
   * now; 0 when not {@link #known()}. {@code holder} is a one-element scratch array of the
   * caller's (one per thread), so no allocation is needed.
   */
  static int floatsToLineStart(float[] a, Object[] holder) {
    if (SHIFT < 0) {
      return 0;
    }
    long address = (References.read(a, holder) << SHIFT) + References.FLOAT_BASE;
    return (int) ((LINE_BYTES - (address & (LINE_BYTES - 1))) & (LINE_BYTES - 1)) / Float.BYTES;
  }

  private static int shiftOrUnknown() {
    try {
      return References.shift();
    } catch (LinkageError | RuntimeException e) {
      // No jdk.unsupported, or an Unsafe that refuses: unaligned, as before.
      return -1;
    }
  }

  /** Everything that touches Unsafe, so that a runtime without it fails here and nowhere else. */
  private static final class References {
    private static final Unsafe UNSAFE = unsafe();
    static final long FLOAT_BASE = Unsafe.ARRAY_FLOAT_BASE_OFFSET;

    /** The reference stored for {@code o}, unshifted (compressed or full). */
    static long read(Object o, Object[] holder) {
      holder[0] = o;
      long reference = Unsafe.ARRAY_OBJECT_INDEX_SCALE == 8
          ? UNSAFE.getLong(holder, (long) Unsafe.ARRAY_OBJECT_BASE_OFFSET)
          : UNSAFE.getInt(holder, (long) Unsafe.ARRAY_OBJECT_BASE_OFFSET) & 0xFFFF_FFFFL;
      holder[0] = null;
      return reference;
    }

    /**
     * The shift that makes two arrays allocated back to back (in the same thread-local allocation
     * buffer) lie exactly one array's size apart, in most of 16 tries; -1 if none does. Full
     * references (no compression) must do so unshifted.
     */
    static int shift() {
      if (UNSAFE == null) {
        return -1;
      }
      long size = FLOAT_BASE + 4L * Float.BYTES;
      int[] votes = new int[7];
      Object[] holder = new Object[1];
      for (int trial = 0; trial < 16; trial++) {
        float[] first = new float[4];
        float[] second = new float[4];
        long a = read(first, holder);
        long b = read(second, holder);
        for (int s = 0; s < votes.length; s++) {
          long apart = (b - a) << s;
          // The arrays' size rounded up to the object alignment: 8 bytes, or 1 << s when
          // references are shifted. (Unshifted references with a larger alignment fail this
          // check unless the size is a multiple of it, as 32 is of 16; then nothing is aligned.)
          long alignment = Math.max(8, 1L << s);
          if (apart == (size + alignment - 1) / alignment * alignment) {
            votes[s]++;
          }
        }
      }
      for (int s = 0; s < votes.length; s++) {
        if (votes[s] >= 8 && (s == 0 || Unsafe.ARRAY_OBJECT_INDEX_SCALE == 4)) {
          return s;
        }
      }
      return -1;
    }

    private static Unsafe unsafe() {
      try {
        Field f = Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (Unsafe) f.get(null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }
}

package org.ecgstream.model.scoring;

/**
 * Values in an array with a line's worth of slack, kept starting at a cache-line boundary
 * ({@link CacheLineAlignment}): {@link #realign} moves them within the array when the garbage
 * collector has moved the array since. Not thread-safe, like the layer that owns it.
 */
final class LineAlignedFloats {
  /** The values are {@code data[from .. from + length)}. */
  final float[] data;
  private final int length;
  private final Object[] holder = new Object[1];
  private int from;

  LineAlignedFloats(float[] values) {
    length = values.length;
    data = new float[length + CacheLineAlignment.LINE_BYTES / Float.BYTES - 1];
    from = CacheLineAlignment.floatsToLineStart(data, holder);
    System.arraycopy(values, 0, data, from, length);
  }

  /** Where the values start in {@link #data}, after moving them to a line start if needed. */
  int realign() {
    int start = CacheLineAlignment.floatsToLineStart(data, holder);
    if (start != from) {
      System.arraycopy(data, from, data, start, length);
      from = start;
    }
    return from;
  }
}

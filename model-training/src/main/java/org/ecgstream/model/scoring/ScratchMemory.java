package org.ecgstream.model.scoring;

import java.util.function.IntFunction;

/**
 * Scratch memory for batches of windows, sized for the largest batch so far and kept between
 * calls: the streaming job's batches vary in size, and allocating native memory on every call made
 * JavaCPP force garbage collections once the process held a lot of it. Not thread-safe: it
 * belongs to the one engine or layer that owns it.
 *
 * @param <T> the memory for one batch size, made by the constructor's function
 */
final class ScratchMemory<T> {
  private final IntFunction<T> forWindows;
  private T memory;
  private int capacity;

  /** {@code forWindows} makes the memory for a batch of that many windows. */
  ScratchMemory(IntFunction<T> forWindows) {
    this.forWindows = forWindows;
  }

  /** Memory for at least {@code n} windows: the last one made, or a larger one made now. */
  T atLeast(int n) {
    if (memory == null || capacity < n) {
      memory = forWindows.apply(n);
      capacity = n;
    }
    return memory;
  }

  /** The memory made last, or null before the first {@link #atLeast}. */
  T last() {
    return memory;
  }
}

package org.ecgstream.playground.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuTraceTest {
  @Test
  void aBusyThreadShowsAsAboutOneCoreAndAnEmptySpanAsNaN() {
    long start;
    long end;
    try (CpuTrace trace = CpuTrace.start()) {
      start = System.currentTimeMillis();
      // Spin one thread for 600 ms: the process uses at least that one core meanwhile.
      double sink = 0;
      while (System.currentTimeMillis() - start < 600) {
        sink += Math.sqrt(sink + 1);
      }
      end = System.currentTimeMillis();
      assertThat(sink).isPositive();
      trace.close();
      assertThat(trace.cores(start, end)).isGreaterThan(0.5).isLessThan(Runtime.getRuntime().availableProcessors() + 0.5);
      assertThat(trace.cores(end + 60_000, end + 120_000)).isNaN();
    }
  }
}

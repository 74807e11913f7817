package org.ecgstream.playground.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuTraceTest {
  @Test
  void aBusyThreadShowsAsAtLeastItsOwnCpuAndAnEmptySpanAsNaN() {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long start;
    long end;
    try (CpuTrace trace = CpuTrace.start()) {
      start = System.currentTimeMillis();
      long cpuStart = threads.getCurrentThreadCpuTime();
      // Spin until this thread itself has used 600 ms of CPU, however busy the machine is.
      double sink = 0;
      while (threads.getCurrentThreadCpuTime() - cpuStart < 600_000_000L) {
        sink += Math.sqrt(sink + 1);
      }
      end = System.currentTimeMillis();
      assertThat(sink).isPositive();
      trace.close();
      // The trace reads between the samples nearest inside the span: one sampling period (20 ms)
      // at each end on an idle machine, more when its sampler waits for a core on a loaded one;
      // allowing it to miss half the span still fails a trace that does not see this thread.
      double atLeast = 0.5 * 600.0 / (end - start);
      assertThat(trace.cores(start, end)).isGreaterThanOrEqualTo(atLeast)
          .isLessThan(Runtime.getRuntime().availableProcessors() + 0.5);
      assertThat(trace.cores(end + 60_000, end + 120_000)).isNaN();
    }
  }
}

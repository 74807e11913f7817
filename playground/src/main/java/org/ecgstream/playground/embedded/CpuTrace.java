package org.ecgstream.playground.embedded;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The process's CPU time sampled every {@link #PERIOD_MS} ms on a thread of its own, so that the
 * CPU use of any span of a run can be read afterwards (the span's ends are known only later, e.g.
 * from the scores' timestamps).
 */
public final class CpuTrace implements AutoCloseable {
  static final int PERIOD_MS = 20;

  /** One sample: wall-clock epoch milliseconds and the process's CPU nanoseconds so far. */
  record Sample(long wallMillis, long cpuNanos) {}

  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cpu-trace");
    t.setDaemon(true);
    return t;
  });

  private CpuTrace() {}

  public static CpuTrace start() {
    CpuTrace trace = new CpuTrace();
    trace.timer.scheduleAtFixedRate(trace::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    return trace;
  }

  private void sample() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Sample s = new Sample(System.currentTimeMillis(), os.getProcessCpuTime());
    synchronized (samples) {
      samples.add(s);
    }
  }

  /** Stops sampling and keeps what was taken; {@link #cores} works on it afterwards. */
  @Override
  public void close() {
    timer.shutdownNow();
    sample();
  }

  /**
   * CPU cores the process used between {@code fromMillis} and {@code toMillis}, from the samples
   * nearest inside that span; NaN where the span holds fewer than two samples.
   */
  public double cores(long fromMillis, long toMillis) {
    Sample first = null;
    Sample last = null;
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.wallMillis() >= fromMillis && s.wallMillis() <= toMillis) {
          first = first == null ? s : first;
          last = s;
        }
      }
    }
    if (first == null || last.wallMillis() <= first.wallMillis()) {
      return Double.NaN;
    }
    return (last.cpuNanos() - first.cpuNanos()) / 1e6 / (last.wallMillis() - first.wallMillis());
  }
}

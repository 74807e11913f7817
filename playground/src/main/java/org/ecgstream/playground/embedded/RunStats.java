package org.ecgstream.playground.embedded;

import java.util.Map;

/** Latency and throughput figures of an embedded run, shared by the demo and the benchmark. */
public final class RunStats {
  private RunStats() {}

  /** Milliseconds from each beat's last sample leaving the replayer to its committed score, sorted. */
  public static double[] latencies(Map<String, Long> sentAt, Map<String, Long> seenAt) {
    return seenAt.entrySet().stream().filter(e -> sentAt.containsKey(e.getKey()))
        .mapToDouble(e -> e.getValue() - sentAt.get(e.getKey())).sorted().toArray();
  }

  /**
   * Committed scores per second, from the first beat leaving the replayer to the last score
   * committed (not between first and last score: with exactly-once they arrive in bursts).
   */
  public static double throughput(Map<String, Long> sentAt, Map<String, Long> seenAt) {
    long first = sentAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
    long last = seenAt.values().stream().mapToLong(Long::longValue).max().orElse(0);
    return last > first ? seenAt.size() * 1000.0 / (last - first) : 0;
  }

  /**
   * Scores per second made after {@code fromMillis} (for a flat-out run: after the replayer sent
   * its last beat, when the job drains the backlog with no load generator running), timed by when
   * the scores were made. Commit times would not do: with exactly-once they come in bursts whose
   * spacing follows the checkpoints, not the work.
   */
  public static double rateAfter(long[] scoredAtMillis, long fromMillis) {
    long last = java.util.Arrays.stream(scoredAtMillis).max().orElse(fromMillis);
    long after = java.util.Arrays.stream(scoredAtMillis).filter(t -> t > fromMillis).count();
    return last > fromMillis ? after * 1000.0 / (last - fromMillis) : 0;
  }

  /** The nearest-rank percentile of sorted values; NaN when there are none. */
  public static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1))];
  }
}

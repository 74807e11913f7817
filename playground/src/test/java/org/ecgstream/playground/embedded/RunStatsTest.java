package org.ecgstream.playground.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunStatsTest {
  @Test
  void rateAfterCountsTheBeatsScoredAfterTheMomentOverTheTimeSinceIt() {
    // Batches of 3 at 1000, 1500 and 2000 ms; from 1000: 6 beats in 1000 ms.
    long[] scoredAt = {1000, 1000, 1000, 1500, 1500, 1500, 2000, 2000, 2000};
    assertThat(RunStats.rateAfter(scoredAt, 1000)).isCloseTo(6.0, within(1e-9));
    // From 1200: the same 6 beats in 800 ms; order does not matter.
    assertThat(RunStats.rateAfter(new long[] {2000, 1500, 1000, 1500, 2000, 1500, 2000}, 1200)).isCloseTo(7.5, within(1e-9));
  }

  @Test
  void rateAfterIsZeroWhenNothingWasScoredAfterTheMoment() {
    assertThat(RunStats.rateAfter(new long[] {5, 5, 5}, 5)).isZero();
    assertThat(RunStats.rateAfter(new long[] {5, 6}, 9)).isZero();
    assertThat(RunStats.rateAfter(new long[0], 0)).isZero();
  }

  @Test
  void throughputRunsFromTheFirstBeatSentToTheLastScoreSeen() {
    Map<String, Long> sent = Map.of("a", 1000L, "b", 1100L);
    Map<String, Long> seen = Map.of("a", 1500L, "b", 3000L);
    assertThat(RunStats.throughput(sent, seen)).isCloseTo(1.0, within(1e-9));
    assertThat(RunStats.latencies(sent, seen)).containsExactly(500.0, 1900.0);
  }

  @Test
  void percentileIsNearestRank() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(RunStats.percentile(sorted, 50)).isEqualTo(5);
    assertThat(RunStats.percentile(sorted, 99)).isEqualTo(10);
    assertThat(RunStats.percentile(sorted, 10)).isEqualTo(1);
    assertThat(RunStats.percentile(new double[0], 50)).isNaN();
  }
}

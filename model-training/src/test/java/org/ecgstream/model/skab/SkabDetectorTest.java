package org.ecgstream.model.skab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.ecgstream.model.skab.SkabDetector.Episode;
import org.ecgstream.model.skab.SkabDetector.PointRule;
import org.ecgstream.model.skab.SkabDetector.Rule;
import org.junit.jupiter.api.Test;

class SkabDetectorTest {
  @Test
  void thresholdIsFactorTimesTheLinearlyInterpolatedQuantile() {
    // pandas: Series([1, 2, 3, 4, 5]).quantile(0.99) = 4 + 0.96 * (5 - 4) = 4.96
    assertThat(SkabDetector.threshold(new double[] {5, 1, 4, 2, 3}, 0.99, 1.5)).isCloseTo(1.5 * 4.96, within(1e-12));
    assertThat(SkabDetector.threshold(new double[] {7}, 0.99, 2)).isEqualTo(14);
  }

  /** Window scores by end row for a file of 400 training rows and {@code testRows} more. */
  private static SkabAutoencoder.Scores scores(int window, int testRows, double training, double test) {
    double[] byEnd = new double[SkabFile.TRAIN_ROWS + testRows];
    Arrays.fill(byEnd, Double.NaN);
    for (int row = window - 1; row < byEnd.length; row++) {
      byEnd[row] = row < SkabFile.TRAIN_ROWS ? training : test;
    }
    return new SkabAutoencoder.Scores(window, byEnd, 1);
  }

  @Test
  void protocolPointRuleNeverFlagsTheFirstNMinus1OrTheLast2NMinus2TestRows() {
    int n = 10;
    int[] p = SkabDetector.predict(scores(n, 100, 1, 5), new Rule(0.99, 1.5, PointRule.PROTOCOL));
    assertThat(p).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(p[i]).as("test row %d", i).isEqualTo(i >= n - 1 && i <= 100 - 2 * n + 1 ? 1 : 0);
    }
  }

  @Test
  void causalRuleFlagsTheRowAWindowEndsAtAndEpisodesHoldUntilCalm() {
    int n = 10;
    SkabAutoencoder.Scores s = scores(n, 50, 1, 1);
    // Test rows 10..12 anomalous (scores 5), everything else at the training level.
    for (int row = SkabFile.TRAIN_ROWS + 10; row <= SkabFile.TRAIN_ROWS + 12; row++) {
      s.byEndRow()[row] = 5;
    }
    int[] each = SkabDetector.predict(s, new Rule(0.99, 1.5, PointRule.CAUSAL));
    assertThat(indices(each)).containsExactly(10, 11, 12);
    // 3 of 5 opens on the third anomalous window (row 12), 5 calm windows close it after row 17.
    int[] episodes = SkabDetector.predict(s, new Rule(0.99, 1.5, PointRule.CAUSAL, 1, new Episode(3, 5, 5)));
    assertThat(indices(episodes)).containsExactly(12, 13, 14, 15, 16);
  }

  @Test
  void smoothingAveragesTheLastWindowsAndNeedsThatManyBeforeItSpeaks() {
    double[] byEnd = {Double.NaN, 1, 2, 3, 4};
    assertThat(SkabDetector.smoothed(byEnd, 2, 2)).containsExactly(Double.NaN, Double.NaN, 1.5, 2.5, 3.5);
  }

  private static int[] indices(int[] p) {
    return java.util.stream.IntStream.range(0, p.length).filter(i -> p[i] == 1).toArray();
  }
}

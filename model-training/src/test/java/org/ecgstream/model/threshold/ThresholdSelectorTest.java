package org.ecgstream.model.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.ecgstream.model.training.ThresholdChoice;
import org.junit.jupiter.api.Test;

class ThresholdSelectorTest {
  @Test
  void percentileInterpolatesBetweenRanksLikeNumpy() {
    double[] losses = {5, 1, 4, 2, 3};
    assertThat(ThresholdSelector.percentile(losses, 50).value()).isEqualTo(3.0);
    assertThat(ThresholdSelector.percentile(losses, 90).value()).isCloseTo(4.6, within(1e-12));
    assertThat(ThresholdSelector.percentile(losses, 100).value()).isEqualTo(5.0);
    assertThat(ThresholdSelector.percentile(losses, 0).value()).isEqualTo(1.0);
    Threshold t = ThresholdSelector.percentile(losses, 99);
    assertThat(t.rule()).isEqualTo(ThresholdRule.PERCENTILE);
    assertThat(t.parameter()).isEqualTo(99);
  }

  @Test
  void f1OptimalPicksTheCutBetweenTheClassesAndRecordsTheF1() {
    double[] losses = {1, 2, 3, 10, 11, 2.5};
    boolean[] abnormal = {false, false, false, true, true, true};
    Threshold t = ThresholdSelector.f1Optimal(losses, abnormal);
    // Flagging {10, 11} gives F1 = 0.8; flagging {3, 10, 11, 2.5}: tp 3, fp 1 → F1 = 6/7 ≈ 0.857, the best.
    assertThat(t.parameter()).isCloseTo(6.0 / 7.0, within(1e-12));
    assertThat(t.value()).isCloseTo(2.25, within(1e-12));
    assertThat(t.isAnomalous(2.5)).isTrue();
    assertThat(t.isAnomalous(2.0)).isFalse();
  }

  @Test
  void f1OptimalNeedsBothClasses() {
    assertThatThrownBy(() -> ThresholdSelector.f1Optimal(new double[] {1, 2}, new boolean[] {false, false}))
        .hasMessageContaining("both normal and abnormal");
  }

  @Test
  void aWindowIsAnomalousOnlyAboveTheThreshold() {
    Threshold t = ThresholdSelector.fixed(26);
    assertThat(t.isAnomalous(26)).isFalse();
    assertThat(t.isAnomalous(26.0001)).isTrue();
  }

  @Test
  void parsesTheUsersRule() {
    assertThat(ThresholdChoice.parse("p99")).isEqualTo(new ThresholdChoice(ThresholdRule.PERCENTILE, 99));
    assertThat(ThresholdChoice.parse("P97.5").parameter()).isEqualTo(97.5);
    assertThat(ThresholdChoice.parse("fixed=26")).isEqualTo(new ThresholdChoice(ThresholdRule.FIXED, 26));
    assertThat(ThresholdChoice.parse("f1").rule()).isEqualTo(ThresholdRule.F1_OPTIMAL);
    assertThatThrownBy(() -> ThresholdChoice.parse("p120")).hasMessageContaining("0..100");
    assertThatThrownBy(() -> ThresholdChoice.parse("median")).hasMessageContaining("pNN");
    assertThat(ThresholdChoice.parse("ln99")).isEqualTo(new ThresholdChoice(ThresholdRule.LOG_NORMAL, 99));
    assertThatThrownBy(() -> ThresholdChoice.parse("ln100")).hasMessageContaining("(0, 100)");
  }

  @Test
  void standardNormalQuantilesAreTheTablesOnes() {
    assertThat(StandardNormal.quantile(0.5)).isCloseTo(0, within(1e-9));
    assertThat(StandardNormal.quantile(0.99)).isCloseTo(2.3263479, within(1e-6));
    assertThat(StandardNormal.quantile(0.975)).isCloseTo(1.9599640, within(1e-6));
    assertThat(StandardNormal.quantile(0.001)).isCloseTo(-3.0902323, within(1e-6));
  }

  @Test
  void logNormalFindsTheFittedPercentileOfLogNormalLosses() {
    java.util.Random r = new java.util.Random(5);
    double[] losses = new double[100_000];
    for (int i = 0; i < losses.length; i++) {
      losses[i] = Math.exp(3 + 0.3 * r.nextGaussian());
    }
    Threshold t = ThresholdSelector.logNormal(losses, 99);
    assertThat(t.rule()).isEqualTo(ThresholdRule.LOG_NORMAL);
    assertThat(t.value()).isCloseTo(Math.exp(3 + 0.3 * 2.3263479), within(0.01 * t.value()));
    assertThat(t.describe()).contains("p99 of a log-normal");
  }

  @Test
  void aFewOutlyingNormalsMoveTheLogNormalRuleLittleAndThePercentileMuch() {
    java.util.Random r = new java.util.Random(8);
    double[] clean = new double[291];
    for (int i = 0; i < clean.length; i++) {
      clean[i] = Math.exp(3 + 0.3 * r.nextGaussian());
    }
    double[] withOutliers = java.util.Arrays.copyOf(clean, clean.length + 3);
    for (int i = clean.length; i < withOutliers.length; i++) {
      withOutliers[i] = 200 + i;
    }
    double pClean = ThresholdSelector.percentile(clean, 99).value();
    double pDirty = ThresholdSelector.percentile(withOutliers, 99).value();
    double lnClean = ThresholdSelector.logNormal(clean, 99).value();
    double lnDirty = ThresholdSelector.logNormal(withOutliers, 99).value();
    assertThat(pDirty / pClean).as("p99 carried by three outliers").isGreaterThan(1.5);
    assertThat(lnDirty / lnClean).as("the log-normal fit barely moves").isBetween(1.0, 1.03);
  }

  @Test
  void logNormalRefusesWhatItCannotFit() {
    assertThatThrownBy(() -> ThresholdSelector.logNormal(new double[] {1, 2}, 99)).hasMessageContaining("at least 3");
    assertThatThrownBy(() -> ThresholdSelector.logNormal(new double[] {1, 0, 2}, 99)).hasMessageContaining("positive");
    assertThatThrownBy(() -> ThresholdSelector.logNormal(new double[] {1, 2, 3}, 100)).hasMessageContaining("(0, 100)");
    assertThatThrownBy(() -> ThresholdSelector.logNormal(new double[] {5, 5, 5, 7}, 99)).hasMessageContaining("no spread");
  }
}

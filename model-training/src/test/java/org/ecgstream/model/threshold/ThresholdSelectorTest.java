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
  }
}

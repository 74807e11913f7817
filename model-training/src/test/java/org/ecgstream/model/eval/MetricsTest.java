package org.ecgstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  // Hand-worked example: abnormal losses {4, 3, 1.5}, normal losses {2, 1, 0.5, 1.5}.
  private static final double[] LOSSES = {4, 3, 1.5, 2, 1, 0.5, 1.5};
  private static final boolean[] ABNORMAL = {true, true, true, false, false, false, false};

  @Test
  void confusionMatrixAndRatesAtAThreshold() {
    ConfusionMatrix c = ConfusionMatrix.at(LOSSES, ABNORMAL, 1.75);
    assertThat(c).isEqualTo(new ConfusionMatrix(2, 1, 3, 1));
    assertThat(c.precision()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(c.recall()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(c.f1()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(c.accuracy()).isCloseTo(5.0 / 7, within(1e-12));
    assertThat(c.specificity()).isCloseTo(3.0 / 4, within(1e-12));
  }

  @Test
  void rocAucCountsPairsAndTiesAsHalf() {
    // 12 abnormal/normal pairs: 4 → beats all 4; 3 → all 4; 1.5 → beats 1 and 0.5, ties 1.5 → 2.5. Total 10.5/12.
    assertThat(RankingMetrics.rocAuc(LOSSES, ABNORMAL)).isCloseTo(10.5 / 12, within(1e-12));
    assertThat(RankingMetrics.rocAuc(new double[] {1, 2}, new boolean[] {false, true})).isEqualTo(1.0);
    assertThat(RankingMetrics.rocAuc(new double[] {2, 1}, new boolean[] {false, true})).isEqualTo(0.0);
  }

  @Test
  void averagePrecisionIsPrecisionWeightedByRecallSteps() {
    // Descending: 4(A) → P 1, R 1/3; 3(A) → P 1, R 2/3; 2(N); {1.5 A, 1.5 N} tie → P 3/5, R 1.
    double expected = 1.0 / 3 * 1 + 1.0 / 3 * 1 + 1.0 / 3 * (3.0 / 5);
    assertThat(RankingMetrics.averagePrecision(LOSSES, ABNORMAL)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void rocCurveRunsFromOriginToOneOne() {
    List<RankingMetrics.RocPoint> curve = RankingMetrics.rocCurve(LOSSES, ABNORMAL);
    assertThat(curve.get(0)).isEqualTo(new RankingMetrics.RocPoint(0, 0));
    assertThat(curve.get(curve.size() - 1)).isEqualTo(new RankingMetrics.RocPoint(1, 1));
    assertThat(curve.get(2)).isEqualTo(new RankingMetrics.RocPoint(0, 2.0 / 3));
  }

  @Test
  void evaluatorReportsPerClassDetectionAndTheBalancedProtocol() {
    double[] normal = {1, 2, 3, 10};
    double[] abnormal = {20, 4, 2, 30, 40};
    int[] labels = {2, 2, 3, 4, 4};
    EvaluationMetrics m = Evaluator.evaluate(normal, abnormal, labels, 3.5, 1);
    assertThat(m.confusion()).isEqualTo(new ConfusionMatrix(4, 1, 3, 1));
    assertThat(m.perClass()).containsEntry(2, new EvaluationMetrics.ClassDetection(2, 2))
        .containsEntry(3, new EvaluationMetrics.ClassDetection(0, 1))
        .containsEntry(4, new EvaluationMetrics.ClassDetection(2, 2));
    assertThat(m.recall()).isCloseTo(0.8, within(1e-12));
    assertThat(m.balanced().size()).isEqualTo(4);
    assertThat(m.balanced().normalCorrect()).isEqualTo(3);
    // 4 of the 5 abnormal losses are drawn; only the 2 can be missed, so 3 or 4 are correct.
    assertThat(m.balanced().abnormalCorrect()).isBetween(3, 4);
    assertThat(Evaluator.evaluate(normal, abnormal, labels, 3.5, 1).balanced()).isEqualTo(m.balanced());
  }

  @Test
  void hindsightThresholdMaximisesTheWorseSideThenTheTotal() {
    // As many abnormal as normal windows, so every one is drawn whatever the shuffle.
    // t = 3: normals 1, 2, 3 correct, abnormal 4, 5, 6 correct; no threshold does better on both.
    var best = Evaluator.bestBalancedInHindsight(new double[] {1, 2, 3, 10}, new double[] {2.5, 4, 5, 6}, 7);
    assertThat(best.threshold()).isEqualTo(3.0);
    assertThat(best.balanced()).isEqualTo(new EvaluationMetrics.BalancedProtocol(4, 3, 3));
    // t = 1 gives 1 + 2, t = 3 gives 1 + 1, t = 5 gives 2 + 1: the lowest of the best is kept.
    var tie = Evaluator.bestBalancedInHindsight(new double[] {1, 5}, new double[] {3, 6}, 7);
    assertThat(tie.threshold()).isEqualTo(1.0);
    assertThat(tie.balanced()).isEqualTo(new EvaluationMetrics.BalancedProtocol(2, 1, 2));
  }

  @Test
  void balancedDrawNamesTheWindowsTheProtocolCounts() {
    double[] normal = {1, 2, 3};
    double[] abnormal = {0.5, 4, 5, 6, 7, 8, 9};
    var draw = Evaluator.balancedDraw(normal.length, abnormal.length, 11);
    assertThat(draw.normal()).containsExactly(true, true, true);
    int drawn = 0;
    int drawnCorrect = 0;
    for (int i = 0; i < abnormal.length; i++) {
      drawn += draw.abnormal()[i] ? 1 : 0;
      drawnCorrect += draw.abnormal()[i] && abnormal[i] > 2.5 ? 1 : 0;
    }
    assertThat(drawn).isEqualTo(3);
    // The draw is the one the protocol scores: counting it by hand gives the protocol's figure.
    var m = Evaluator.evaluate(normal, abnormal, new int[] {2, 2, 2, 2, 2, 2, 2}, 2.5, 11);
    assertThat(m.balanced().abnormalCorrect()).isEqualTo(drawnCorrect);
    assertThat(m.balanced().normalCorrect()).isEqualTo(2);
    // More normals than abnormal windows: only the first ones are compared.
    assertThat(Evaluator.balancedDraw(4, 2, 11).normal()).containsExactly(true, true, false, false);
    assertThat(Evaluator.balancedDraw(4, 2, 11).abnormal()).containsExactly(true, true);
  }
}

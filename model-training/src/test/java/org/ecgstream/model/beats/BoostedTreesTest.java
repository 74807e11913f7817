package org.ecgstream.model.beats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BoostedTreesTest {
  /** Yes when x0 > 0.3 and x1 < 0 (an interaction no single split can learn), x2 is noise. */
  private static boolean rule(double[] x) {
    return x[0] > 0.3 && x[1] < 0;
  }

  private static double[][] rows(int n, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][3];
    for (double[] row : x) {
      row[0] = r.nextDouble() * 2 - 1;
      row[1] = r.nextGaussian();
      row[2] = r.nextGaussian();
    }
    return x;
  }

  @Test
  void learnsAnInteractionAndJudgesNewRowsByIt() {
    double[][] x = rows(4000, 1);
    boolean[] y = new boolean[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = rule(x[i]);
    }
    BoostedTrees model = BoostedTrees.fit(x, y, new BoostedTrees.Settings(60, 3, 0.2, 20, 1.0, 64));
    double[][] fresh = rows(2000, 2);
    int wrong = 0;
    for (double[] row : fresh) {
      wrong += (model.probability(row) > 0.5) != rule(row) ? 1 : 0;
    }
    // Only rows within a bin's width of the two edges can be misjudged: about 1/64 of each range.
    assertThat(wrong).isLessThan(60);
    assertThat(model.probability(new double[] {0.9, -2, 0})).isGreaterThan(0.95);
    assertThat(model.probability(new double[] {-0.9, -2, 0})).isLessThan(0.05);
    assertThat(model.features()).isEqualTo(3);
  }

  @Test
  void aBiasAloneWhenNothingCanBeLearnt() {
    double[][] x = rows(500, 3);
    boolean[] y = new boolean[x.length];
    for (int i = 0; i < y.length; i += 4) {
      y[i] = true;
    }
    // Labels unrelated to the rows: the trees find little, the probability stays near the base rate.
    BoostedTrees model = BoostedTrees.fit(x, y, new BoostedTrees.Settings(20, 2, 0.1, 100, 1.0, 16));
    assertThat(model.probability(x[0])).isBetween(0.15, 0.35);
  }

  @Test
  void refusesARowOfTheWrongWidth() {
    double[][] x = rows(200, 4);
    boolean[] y = new boolean[x.length];
    y[0] = true;
    BoostedTrees model = BoostedTrees.fit(x, y, BoostedTrees.Settings.defaults());
    assertThatThrownBy(() -> model.probability(new double[2])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 3 features, got 2");
  }
}

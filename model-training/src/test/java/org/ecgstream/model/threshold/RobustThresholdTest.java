package org.ecgstream.model.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RobustThresholdTest {
  @Test
  void shouldBeMedianPlusScaledMad() {
    // Median 3, absolute deviations 2,1,0,1,2 -> MAD 1.
    assertThat(RobustThreshold.of(new float[] {1, 2, 3, 4, 5}, 5, 2)).isCloseTo(3 + 2 * 1.4826, within(1e-9));
  }

  @Test
  void shouldHardlyMoveWhenAThirdOfTheLearningBeatsAreAbnormal() {
    float[] normal = new float[90];
    float[] mixed = new float[90];
    for (int i = 0; i < 90; i++) {
      normal[i] = 10 + (i % 10) * 0.2f;
      mixed[i] = i % 3 == 0 ? 60 + i : normal[i];
    }
    double clean = RobustThreshold.of(normal, 90, 5);
    assertThat(RobustThreshold.of(mixed, 90, 5)).isBetween(clean - 2, clean + 6).isLessThan(60);
  }
}

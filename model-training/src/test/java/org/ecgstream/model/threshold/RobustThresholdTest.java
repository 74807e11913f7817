package org.ecgstream.model.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RobustThresholdTest {
  @Test
  void shouldBeMedianPlusScaledLowerHalfMad() {
    // Median 3; distances below it 2, 1, 0 -> lower-half MAD 1, whatever lies above.
    assertThat(RobustThreshold.of(new float[] {1, 2, 3, 4, 5}, 5, 2)).isCloseTo(3 + 2 * 1.4826, within(1e-9));
    assertThat(RobustThreshold.of(new float[] {1, 2, 3, 400, 500}, 5, 2)).isCloseTo(3 + 2 * 1.4826, within(1e-9));
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
    assertThat(RobustThreshold.of(mixed, 90, 5)).isBetween(clean - 2, clean + 3).isLessThan(60);
  }
}

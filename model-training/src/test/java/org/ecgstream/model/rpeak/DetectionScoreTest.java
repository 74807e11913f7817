package org.ecgstream.model.rpeak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionScoreTest {
  @Test
  void shouldMatchEachBeatOnceWithinTheWindowNearestFirst() {
    // 100 and 300 found (one 10 late); 500 missed; 700 found twice (the nearer counts, the other is false); 900 extra.
    DetectionScore s = DetectionScore.of(List.of(100L, 300L, 500L, 700L), List.of(100L, 310L, 690L, 702L, 900L), 54);
    assertThat(s.truePositives()).isEqualTo(3);
    assertThat(s.falseNegatives()).isEqualTo(1);
    assertThat(s.falsePositives()).isEqualTo(2);
    assertThat(s.sensitivity()).isEqualTo(0.75);
    assertThat(s.positivePredictivity()).isEqualTo(0.6);
    assertThat(s.meanOffsetSamples()).isEqualTo(4.0);
  }

  @Test
  void shouldNotMatchBeyondTheWindow() {
    DetectionScore s = DetectionScore.of(List.of(100L), List.of(155L), 54);
    assertThat(s.truePositives()).isZero();
    assertThat(s.falseNegatives()).isEqualTo(1);
    assertThat(s.falsePositives()).isEqualTo(1);
  }
}

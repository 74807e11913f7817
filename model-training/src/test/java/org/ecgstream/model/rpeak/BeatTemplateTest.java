package org.ecgstream.model.rpeak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ecgstream.model.testing.SyntheticBeats;
import org.junit.jupiter.api.Test;

class BeatTemplateTest {
  @Test
  void shouldSettleOnTheDominantShapeWhenAThirdOfTheLearningBeatsAreEctopic() {
    Random r = new Random(7);
    List<float[]> learning = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      learning.add(i % 3 == 2 ? SyntheticBeats.abnormal(r) : SyntheticBeats.normal(r));
    }
    BeatTemplate t = BeatTemplate.learn(learning, 5, 0.4);

    float[] sine = new float[SyntheticBeats.LENGTH];
    for (int i = 0; i < sine.length; i++) {
      sine[i] = (float) Math.sin(2 * Math.PI * i / sine.length);
    }
    assertThat(t.mismatch(sine)).as("the clean normal shape").isLessThan(0.01);
    // The ectopic beats' own spread would put the threshold far above 0.4; the matching beats
    // are tight, so the floor applies.
    assertThat(t.threshold()).isEqualTo(0.4);
    int normalFlagged = 0;
    int abnormalFlagged = 0;
    for (int i = 0; i < 1000; i++) {
      normalFlagged += t.mismatch(SyntheticBeats.normal(r)) > t.threshold() ? 1 : 0;
      abnormalFlagged += t.mismatch(SyntheticBeats.abnormal(r)) > t.threshold() ? 1 : 0;
    }
    assertThat(normalFlagged).isZero();
    assertThat(abnormalFlagged).isEqualTo(1000);
  }

  @Test
  void shouldMeasureMismatchAsOneMinusCorrelationWhateverTheScale() {
    float[] a = {0, 1, 0, -1, 0, 1, 0, -1};
    BeatTemplate t = BeatTemplate.learn(List.of(a, a, a), 5, 0.4);
    float[] scaled = new float[a.length];
    float[] inverted = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      scaled[i] = 3 * a[i] + 2;
      inverted[i] = -a[i];
    }
    assertThat(t.mismatch(scaled)).isCloseTo(0, within(1e-9));
    assertThat(t.mismatch(inverted)).isCloseTo(2, within(1e-9));
    assertThat(t.mismatch(new float[8])).as("a flat line has no correlation").isEqualTo(1);
  }

  @Test
  void shouldWidenTheThresholdForAPatientWhoseOwnBeatsVaryMore() {
    Random r = new Random(3);
    List<float[]> noisy = new ArrayList<>();
    List<float[]> clean = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      clean.add(SyntheticBeats.normal(r));
      float[] b = SyntheticBeats.normal(r);
      for (int k = 0; k < b.length; k++) {
        b[k] += (float) (r.nextGaussian() * 0.45);
      }
      noisy.add(b);
    }
    assertThat(BeatTemplate.learn(clean, 5, 0.1).threshold()).as("a tight patient gets the floor").isEqualTo(0.1);
    assertThat(BeatTemplate.learn(noisy, 5, 0.1).threshold()).as("the noisy patient's own spread sets it")
        .isGreaterThan(0.12);
  }

  @Test
  void shouldRefuseBeatsOfAnotherLength() {
    BeatTemplate t = BeatTemplate.learn(List.of(new float[] {0, 1, 0}), 5, 0.4);
    assertThatThrownBy(() -> t.mismatch(new float[4])).hasMessageContaining("4 values, the template 3");
    assertThatThrownBy(() -> BeatTemplate.learn(List.of(new float[3], new float[4]), 5, 0.4))
        .hasMessageContaining("must all have 3 values");
    assertThatThrownBy(() -> BeatTemplate.learn(List.of(), 5, 0.4)).hasMessageContaining("no beats");
    assertThatThrownBy(() -> BeatTemplate.learn(List.of(new float[3]), 5, 0)).hasMessageContaining("within (0, 2]");
  }
}

package org.ecgstream.model.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.LabelledWindow;
import org.junit.jupiter.api.Test;

class NormalSplitTest {
  /** ECG5000's class sizes: 2919 normal beats and 2081 abnormal ones. */
  private static Dataset ecg5000Shaped() {
    List<LabelledWindow> w = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      int label = i < 2919 ? 1 : 2 + i % 4;
      w.add(LabelledWindow.univariate("w" + i, label, new float[] {i, 0}));
    }
    return new Dataset(w, 2, 1, "x");
  }

  @Test
  void splitsNormalsLikeTheReferenceAndHoldsOutAllAbnormals() {
    NormalSplit s = NormalSplit.of(ecg5000Shaped(), 1, 0.10, 0.05, 42);
    assertThat(s.train()).hasSize(2483);
    assertThat(s.validation()).hasSize(291);
    assertThat(s.testNormal()).hasSize(145);
    assertThat(s.abnormal()).hasSize(2081).allMatch(w -> w.label() != 1);
    assertThat(s.train()).allMatch(w -> w.label() == 1);
    Set<String> seen = new HashSet<>();
    for (List<LabelledWindow> part : List.of(s.train(), s.validation(), s.testNormal(), s.abnormal())) {
      part.forEach(w -> assertThat(seen.add(w.id())).as("window %s in two parts", w.id()).isTrue());
    }
    assertThat(seen).hasSize(5000);
  }

  @Test
  void sameSeedGivesTheSameSplitAndAnotherSeedAnother() {
    Dataset d = ecg5000Shaped();
    NormalSplit a = NormalSplit.of(d, 1, 0.10, 0.05, 42);
    NormalSplit b = NormalSplit.of(d, 1, 0.10, 0.05, 42);
    NormalSplit c = NormalSplit.of(d, 1, 0.10, 0.05, 7);
    assertThat(b.testNormal()).isEqualTo(a.testNormal());
    assertThat(b.validation()).isEqualTo(a.validation());
    assertThat(b.train()).isEqualTo(a.train());
    assertThat(c.testNormal()).isNotEqualTo(a.testNormal());
  }

  @Test
  void rejectsFractionsThatLeaveNothingToTrainOn() {
    assertThatThrownBy(() -> NormalSplit.of(ecg5000Shaped(), 1, 0.6, 0.4, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fractions");
    assertThatThrownBy(() -> NormalSplit.of(ecg5000Shaped(), 9, 0.1, 0.05, 1))
        .hasMessageContaining("too few normal windows (label 9)");
  }
}

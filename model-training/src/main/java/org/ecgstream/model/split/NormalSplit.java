package org.ecgstream.model.split;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.LabelledWindow;

/**
 * The training protocol's split: normal windows are shuffled with a seed and cut into train,
 * validation and test; every abnormal window is held out for testing only.
 *
 * @param abnormal every window whose label is not the normal label, in dataset order
 */
public record NormalSplit(List<LabelledWindow> train, List<LabelledWindow> validation,
                          List<LabelledWindow> testNormal, List<LabelledWindow> abnormal) {

  /**
   * Splits with {@code floor(n * testFraction)} test and {@code floor(n * validationFraction)}
   * validation normals; the rest train. With ECG5000's 2919 normals and 0.10/0.05 that is
   * 2483 / 291 / 145, the reference's 145 held-out normals.
   */
  public static NormalSplit of(Dataset data, int normalLabel, double validationFraction, double testFraction, long seed) {
    if (validationFraction <= 0 || testFraction <= 0 || validationFraction + testFraction >= 1) {
      throw new IllegalArgumentException("fractions must be positive and leave windows to train on: validation="
          + validationFraction + ", test=" + testFraction);
    }
    List<LabelledWindow> normal = new ArrayList<>(data.where(w -> w.label() == normalLabel));
    List<LabelledWindow> abnormal = data.where(w -> w.label() != normalLabel);
    int n = normal.size();
    int nTest = (int) Math.floor(n * testFraction);
    int nVal = (int) Math.floor(n * validationFraction);
    if (nTest < 1 || nVal < 1 || n - nTest - nVal < 1) {
      throw new IllegalArgumentException("too few normal windows (label " + normalLabel + ") to split: " + n);
    }
    Collections.shuffle(normal, new Random(seed));
    return new NormalSplit(
        List.copyOf(normal.subList(0, n - nVal - nTest)),
        List.copyOf(normal.subList(n - nVal - nTest, n - nTest)),
        List.copyOf(normal.subList(n - nTest, n)),
        abnormal);
  }
}

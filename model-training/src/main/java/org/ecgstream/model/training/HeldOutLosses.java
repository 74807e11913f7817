package org.ecgstream.model.training;

import java.util.List;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.split.NormalSplit;

/** Losses of the split's validation and test windows under one model. */
public record HeldOutLosses(double[] validation, double[] testNormal, double[] abnormal, int[] abnormalLabels) {
  static final int BATCH = 256;

  public static HeldOutLosses of(Scorer scorer, NormalSplit split) {
    List<LabelledWindow> abnormal = split.abnormal();
    int[] labels = abnormal.stream().mapToInt(LabelledWindow::label).toArray();
    return new HeldOutLosses(scorer.losses(split.validation(), BATCH), scorer.losses(split.testNormal(), BATCH),
        scorer.losses(abnormal, BATCH), labels);
  }
}

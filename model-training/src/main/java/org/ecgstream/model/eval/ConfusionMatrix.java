package org.ecgstream.model.eval;

/** Counts at one threshold, abnormal being the positive class. */
public record ConfusionMatrix(long tp, long fp, long tn, long fn) {

  public static ConfusionMatrix at(double[] losses, boolean[] abnormal, double threshold) {
    long tp = 0, fp = 0, tn = 0, fn = 0;
    for (int i = 0; i < losses.length; i++) {
      boolean flagged = losses[i] > threshold;
      if (abnormal[i]) {
        if (flagged) tp++; else fn++;
      } else {
        if (flagged) fp++; else tn++;
      }
    }
    return new ConfusionMatrix(tp, fp, tn, fn);
  }

  public double precision() {
    return ratio(tp, tp + fp);
  }

  public double recall() {
    return ratio(tp, tp + fn);
  }

  public double f1() {
    return ratio(2 * tp, 2 * tp + fp + fn);
  }

  public double accuracy() {
    return ratio(tp + tn, tp + tn + fp + fn);
  }

  /** Normal windows correctly left unflagged. */
  public double specificity() {
    return ratio(tn, tn + fp);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0.0 : (double) a / b;
  }
}

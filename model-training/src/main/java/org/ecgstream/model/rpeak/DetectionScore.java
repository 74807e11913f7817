package org.ecgstream.model.rpeak;

import java.util.List;

/**
 * Beat-by-beat comparison of detections with reference beats, as in ANSI/AAMI EC57: a reference
 * beat and a detection match when they are at most the tolerance apart (150 ms), each used once,
 * nearest first in time order.
 */
public record DetectionScore(int truePositives, int falseNegatives, int falsePositives, double meanOffsetSamples) {
  public double sensitivity() {
    return truePositives / (double) (truePositives + falseNegatives);
  }

  public double positivePredictivity() {
    return truePositives / (double) (truePositives + falsePositives);
  }

  /** Both lists in increasing order of sample index. */
  public static DetectionScore of(List<Long> reference, List<Long> detected, long tolerance) {
    int i = 0;
    int j = 0;
    int tp = 0;
    int fn = 0;
    int fp = 0;
    long offset = 0;
    while (i < reference.size() && j < detected.size()) {
      long r = reference.get(i);
      long d = detected.get(j);
      if (Math.abs(d - r) <= tolerance) {
        // Match with the nearer of this detection and the next one.
        if (j + 1 < detected.size() && Math.abs(detected.get(j + 1) - r) < Math.abs(d - r)) {
          fp++;
          j++;
          continue;
        }
        tp++;
        offset += d - r;
        i++;
        j++;
      } else if (d < r) {
        fp++;
        j++;
      } else {
        fn++;
        i++;
      }
    }
    fn += reference.size() - i;
    fp += detected.size() - j;
    return new DetectionScore(tp, fn, fp, tp == 0 ? 0 : offset / (double) tp);
  }
}

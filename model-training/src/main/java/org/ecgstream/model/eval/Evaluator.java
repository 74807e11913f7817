package org.ecgstream.model.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Computes {@link EvaluationMetrics} from test losses at a given threshold. */
public final class Evaluator {
  private Evaluator() {}

  /**
   * @param normalLosses losses of held-out normal windows
   * @param abnormalLosses losses of abnormal windows
   * @param abnormalLabels class label of each abnormal window
   * @param balancedSeed seed choosing which abnormal windows enter the balanced protocol
   */
  public static EvaluationMetrics evaluate(double[] normalLosses, double[] abnormalLosses, int[] abnormalLabels,
                                           double threshold, long balancedSeed) {
    if (abnormalLosses.length != abnormalLabels.length) {
      throw new IllegalArgumentException("one label per abnormal loss");
    }
    int n = normalLosses.length + abnormalLosses.length;
    double[] losses = new double[n];
    boolean[] abnormal = new boolean[n];
    System.arraycopy(normalLosses, 0, losses, 0, normalLosses.length);
    System.arraycopy(abnormalLosses, 0, losses, normalLosses.length, abnormalLosses.length);
    for (int i = normalLosses.length; i < n; i++) {
      abnormal[i] = true;
    }
    ConfusionMatrix cm = ConfusionMatrix.at(losses, abnormal, threshold);

    Map<Integer, int[]> counts = new TreeMap<>();
    for (int i = 0; i < abnormalLosses.length; i++) {
      int[] c = counts.computeIfAbsent(abnormalLabels[i], k -> new int[2]);
      c[0] += abnormalLosses[i] > threshold ? 1 : 0;
      c[1]++;
    }
    Map<Integer, EvaluationMetrics.ClassDetection> perClass = new TreeMap<>();
    counts.forEach((label, c) -> perClass.put(label, new EvaluationMetrics.ClassDetection(c[0], c[1])));

    return new EvaluationMetrics(normalLosses.length, abnormalLosses.length, threshold, cm,
        cm.precision(), cm.recall(), cm.f1(), cm.accuracy(),
        RankingMetrics.rocAuc(losses, abnormal), RankingMetrics.averagePrecision(losses, abnormal),
        perClass, balanced(normalLosses, abnormalLosses, threshold, balancedSeed));
  }

  /** All held-out normals against as many abnormal windows drawn at random with the seed. */
  static EvaluationMetrics.BalancedProtocol balanced(double[] normal, double[] abnormal, double threshold, long seed) {
    int size = Math.min(normal.length, abnormal.length);
    List<Integer> pick = new ArrayList<>(abnormal.length);
    for (int i = 0; i < abnormal.length; i++) {
      pick.add(i);
    }
    Collections.shuffle(pick, new Random(seed));
    int normalOk = 0;
    int abnormalOk = 0;
    for (int i = 0; i < size; i++) {
      normalOk += normal[i] <= threshold ? 1 : 0;
      abnormalOk += abnormal[pick.get(i)] > threshold ? 1 : 0;
    }
    return new EvaluationMetrics.BalancedProtocol(size, normalOk, abnormalOk);
  }
}

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
    return count(normal, abnormal, balancedDraw(normal.length, abnormal.length, seed), threshold);
  }

  /** The balanced outcome at a threshold, counting only the windows in the draw. */
  private static EvaluationMetrics.BalancedProtocol count(double[] normal, double[] abnormal, BalancedDraw draw,
                                                          double threshold) {
    int size = 0;
    int normalOk = 0;
    int abnormalOk = 0;
    for (int i = 0; i < normal.length; i++) {
      if (draw.normal()[i]) {
        size++;
        normalOk += normal[i] <= threshold ? 1 : 0;
      }
    }
    for (int i = 0; i < abnormal.length; i++) {
      abnormalOk += draw.abnormal()[i] && abnormal[i] > threshold ? 1 : 0;
    }
    return new EvaluationMetrics.BalancedProtocol(size, normalOk, abnormalOk);
  }

  /**
   * Which windows the balanced protocol compares: the first {@code min(normal, abnormal)} normals
   * and as many abnormal windows drawn with the seed. Index {@code i} of each array says whether
   * the {@code i}-th normal or abnormal window is among them.
   */
  public static BalancedDraw balancedDraw(int normalCount, int abnormalCount, long seed) {
    int size = Math.min(normalCount, abnormalCount);
    boolean[] normal = new boolean[normalCount];
    boolean[] abnormal = new boolean[abnormalCount];
    List<Integer> pick = balancedPick(abnormalCount, seed);
    for (int i = 0; i < size; i++) {
      normal[i] = true;
      abnormal[pick.get(i)] = true;
    }
    return new BalancedDraw(normal, abnormal);
  }

  /** Membership of each held-out window in the balanced protocol; see {@link #balancedDraw}. */
  public record BalancedDraw(boolean[] normal, boolean[] abnormal) {}

  /** The abnormal windows the balanced protocol draws, in order: a shuffle of all of them. */
  private static List<Integer> balancedPick(int abnormal, long seed) {
    List<Integer> pick = new ArrayList<>(abnormal);
    for (int i = 0; i < abnormal; i++) {
      pick.add(i);
    }
    Collections.shuffle(pick, new Random(seed));
    return pick;
  }

  /**
   * The balanced protocol's best outcome at any threshold, picked in hindsight on the test losses
   * themselves: the one that maximises the smaller of the two counts, then their sum (the lowest
   * such threshold). A diagnosis, never a threshold to ship: it tells whether a miss of the
   * balanced target comes from the threshold rule or from the losses themselves.
   */
  public static HindsightBalanced bestBalancedInHindsight(double[] normal, double[] abnormal, long seed) {
    // One draw for every candidate: the windows compared do not depend on the threshold.
    BalancedDraw draw = balancedDraw(normal.length, abnormal.length, seed);
    double[] candidates = new double[normal.length + abnormal.length + 1];
    int n = 0;
    for (int i = 0; i < normal.length; i++) {
      if (draw.normal()[i]) {
        candidates[n++] = normal[i];
      }
    }
    for (int i = 0; i < abnormal.length; i++) {
      if (draw.abnormal()[i]) {
        candidates[n++] = abnormal[i];
      }
    }
    candidates[n++] = Double.NEGATIVE_INFINITY;
    candidates = java.util.Arrays.copyOf(candidates, n);
    java.util.Arrays.sort(candidates);
    HindsightBalanced best = null;
    for (double t : candidates) {
      var b = count(normal, abnormal, draw, t);
      int low = Math.min(b.normalCorrect(), b.abnormalCorrect());
      int sum = b.normalCorrect() + b.abnormalCorrect();
      if (best == null || low > best.worseSide() || (low == best.worseSide() && sum > best.total())) {
        best = new HindsightBalanced(t, b);
      }
    }
    return best;
  }

  /** A threshold (a window with a loss equal to it counts as normal) and its balanced outcome. */
  public record HindsightBalanced(double threshold, EvaluationMetrics.BalancedProtocol balanced) {
    int worseSide() {
      return Math.min(balanced.normalCorrect(), balanced.abnormalCorrect());
    }

    int total() {
      return balanced.normalCorrect() + balanced.abnormalCorrect();
    }
  }
}

package org.ecgstream.model.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ecgstream.model.training.HeldOutLosses;
import org.ecgstream.model.training.ThresholdChoice;
import org.ecgstream.model.training.TrainingProtocol;

/**
 * How threshold rules fare across split seeds: each rule sets its threshold from a seed's
 * validation-normal losses; the table gives, per seed and as mean ± sd, the threshold, the
 * recall over all abnormal windows and the share of held-out test normals above it.
 */
final class ThresholdComparison {
  private ThresholdComparison() {}

  static String table(List<Long> seeds, List<HeldOutLosses> losses, List<ThresholdChoice> rules) {
    if (rules.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder(String.format("%n| rule | split seed | threshold | recall (all abnormal) "
        + "| test normals above |%n|---|---:|---:|---:|---:|%n"));
    for (ThresholdChoice rule : rules) {
      List<double[]> rows = new ArrayList<>();
      for (int i = 0; i < seeds.size(); i++) {
        HeldOutLosses l = losses.get(i);
        double t = TrainingProtocol.threshold(rule, l.validation()).value();
        double[] row = {t, above(l.abnormal(), t), above(l.testNormal(), t)};
        rows.add(row);
        s.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.4f | %.2f %% |%n", name(rule), seeds.get(i), row[0],
            row[1], 100 * row[2]));
      }
      s.append(String.format(Locale.ROOT, "| %s | mean ± sd | %s | %s | %s |%n", name(rule), stat(rows, 0, 1, "%.3f"),
          stat(rows, 1, 1, "%.4f"), stat(rows, 2, 100, "%.2f %%")));
    }
    return s.toString();
  }

  private static String name(ThresholdChoice c) {
    String p = c.parameter() == Math.rint(c.parameter()) ? String.valueOf((long) c.parameter())
        : String.valueOf(c.parameter());
    return switch (c.rule()) {
      case PERCENTILE -> "p" + p;
      case LOG_NORMAL -> "ln" + p;
      case FIXED -> "fixed=" + c.parameter();
      case F1_OPTIMAL -> "f1";
    };
  }

  private static double above(double[] losses, double threshold) {
    int n = 0;
    for (double x : losses) {
      n += x > threshold ? 1 : 0;
    }
    return n / (double) losses.length;
  }

  private static String stat(List<double[]> rows, int column, double scale, String fmt) {
    return SeedsCommand.meanSd(rows.stream().mapToDouble(r -> r[column] * scale).toArray(), fmt);
  }
}

package org.ecgstream.model.skab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The leaderboard methods' own 0/1 outlier predictions on the test parts, as SKAB's
 * {@code reference_predictions.tsv} holds them: method, file, test length, and the ranges of
 * test rows predicted anomalous. With {@link SkabMetrics} they give the leaderboard's numbers.
 */
public final class ReferencePredictions {
  private ReferencePredictions() {}

  /** method -> file name -> one 0/1 prediction per test row. */
  public static Map<String, Map<String, int[]>> read(Path tsv) {
    Map<String, Map<String, int[]>> byMethod = new LinkedHashMap<>();
    try {
      int lineNo = 0;
      for (String line : Files.readAllLines(tsv)) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length < 3) {
          throw new IllegalArgumentException(tsv + " line " + lineNo + ": expected method, file, test length, ranges");
        }
        int[] p = new int[Integer.parseInt(f[2])];
        if (f.length > 3 && !f[3].isBlank()) {
          for (String range : f[3].split(",")) {
            String[] ends = range.split("-");
            int from = Integer.parseInt(ends[0]);
            int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
            for (int i = from; i <= to; i++) {
              p[i] = 1;
            }
          }
        }
        byMethod.computeIfAbsent(f[0], m -> new LinkedHashMap<>()).put(f[1], p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tsv, e);
    }
    return byMethod;
  }
}

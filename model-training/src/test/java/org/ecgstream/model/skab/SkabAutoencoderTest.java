package org.ecgstream.model.skab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Random;
import org.ecgstream.model.skab.SkabDetector.Episode;
import org.ecgstream.model.skab.SkabDetector.PointRule;
import org.ecgstream.model.skab.SkabDetector.Rule;
import org.junit.jupiter.api.Test;

/**
 * A real (small) autoencoder on a synthetic pump: eight sensors driven by one 40-second cycle with
 * a little noise, 600 rows a second apart; from row 500 to 559 one sensor's level is shifted by
 * four of its standard deviations.
 */
class SkabAutoencoderTest {
  static SkabFile pump(long seed) {
    Random r = new Random(seed);
    int rows = 600;
    long[] times = new long[rows];
    float[][] values = new float[rows][8];
    int[] anomaly = new int[rows];
    int[] changepoint = new int[rows];
    for (int t = 0; t < rows; t++) {
      times[t] = 1_600_000_000L + t;
      for (int c = 0; c < 8; c++) {
        // One pump cycle drives every sensor, each with its own gain and offset.
        values[t][c] = (float) (c + (0.5 + 0.1 * c) * Math.sin(2 * Math.PI * t / 40) + 0.05 * r.nextGaussian());
      }
      if (t >= 500 && t < 560) {
        values[t][3] += 4 * 0.8 * (float) Math.sqrt(0.5);
        anomaly[t] = 1;
      }
    }
    changepoint[500] = 1;
    changepoint[560] = 1;
    return new SkabFile("synthetic/1", List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"), times, values, anomaly,
        changepoint);
  }

  @Test
  void aShiftedSensorIsFoundAndTheNormalRowsStayQuiet() {
    SkabFile f = pump(7);
    SkabAutoencoder.Scores s = SkabAutoencoder.trainAndScore(f, new SkabAutoencoder.Settings(10, 8, 1e-2, 40, 10, 1),
        new PrintStream(OutputStream.nullOutputStream()));
    assertThat(s.byEndRow()).hasSize(600);
    assertThat(s.training()).hasSize(391);
    assertThat(java.util.Arrays.stream(s.training()).allMatch(Double::isFinite)).isTrue();
    int[] p = SkabDetector.predict(s, new Rule(0.99, 1.5, PointRule.CAUSAL, 1, new Episode(3, 5, 5)));
    SkabMetrics.Outliers o = SkabMetrics.outliers(List.of(SkabMetrics.testPart(f, p)));
    // 60 shifted rows, 140 normal ones in the test part.
    assertThat(o.tp() + o.fn()).isEqualTo(60);
    assertThat(o.tp()).as("shifted rows flagged").isGreaterThanOrEqualTo(50);
    // After the shift the next N-1 = 9 windows still hold shifted rows, and the episode closes on the
    // 5th calm window after those: at most 9 + 5 - 1 = 13 normal rows flagged, and none elsewhere.
    assertThat(o.fp()).as("normal rows flagged").isLessThanOrEqualTo(13);
    assertThat(java.util.stream.IntStream.range(0, p.length).filter(i -> p[i] == 1).min().orElse(-1))
        .as("first flagged test row (the shift starts at test row 100)").isBetween(100, 104);
  }
}

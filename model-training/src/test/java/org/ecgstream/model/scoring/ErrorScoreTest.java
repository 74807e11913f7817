package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;

class ErrorScoreTest {
  private static final int STEPS = 4;
  private static final int FEATURES = 2;
  private static final int D = STEPS * FEATURES;
  private static final float[] UNIT_STD = {1f, 1f};

  /** Correlated error vectors: a random mixing of independent normals, shifted and folded to |·|. */
  private static List<float[]> correlated(int n, long seed) {
    Random r = new Random(seed);
    double[][] mix = new double[D][D];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        mix[i][j] = (i == j ? 1 : 0) + 0.4 * r.nextGaussian();
      }
    }
    List<float[]> out = new ArrayList<>();
    for (int w = 0; w < n; w++) {
      double[] g = new double[D];
      for (int j = 0; j < D; j++) {
        g[j] = r.nextGaussian();
      }
      float[] e = new float[D];
      for (int i = 0; i < D; i++) {
        double v = 3 + i * 0.1;
        for (int j = 0; j < D; j++) {
          v += mix[i][j] * g[j];
        }
        e[i] = (float) Math.abs(v);
      }
      out.add(e);
    }
    return out;
  }

  /** (x - m)ᵀ C⁻¹ (x - m) with the sample mean and the covariance shrunk as documented, inverted by ND4J. */
  private static double reference(List<float[]> fit, float[] x, double shrinkage) {
    int n = fit.size();
    INDArray data = Nd4j.create(DataType.DOUBLE, n, D);
    for (int w = 0; w < n; w++) {
      for (int j = 0; j < D; j++) {
        data.putScalar(w, j, fit.get(w)[j]);
      }
    }
    INDArray mean = data.mean(0);
    INDArray centred = data.subRowVector(mean);
    INDArray cov = centred.transpose().mmul(centred).divi(n - 1);
    double scale = 0;
    for (int j = 0; j < D; j++) {
      scale += cov.getDouble(j, j) / D;
    }
    INDArray shrunk = cov.mul(1 - shrinkage).addi(Nd4j.eye(D).castTo(DataType.DOUBLE).muli(shrinkage * scale));
    INDArray inv = InvertMatrix.invert(shrunk, false);
    INDArray diff = Nd4j.create(DataType.DOUBLE, 1, D);
    for (int j = 0; j < D; j++) {
      diff.putScalar(0, j, x[j] - mean.getDouble(j));
    }
    return diff.mmul(inv).mmul(diff.transpose()).getDouble(0);
  }

  @Test
  void isTheMahalanobisDistanceUnderTheShrunkCovariance() {
    List<float[]> fit = correlated(3000, 1);
    List<float[]> fresh = correlated(20, 2);
    for (double shrinkage : new double[] {0, 0.3, 1}) {
      ErrorScore s = ErrorScore.fitMahalanobis(fit, FEATURES, UNIT_STD, shrinkage);
      assertThat(s.windows()).isEqualTo(3000);
      for (float[] x : fresh) {
        double expected = reference(fit, x, shrinkage);
        assertThat(s.score(x, 0, STEPS, FEATURES, UNIT_STD, Double.NaN)).isCloseTo(expected, within(1e-4 * expected));
      }
    }
    // Shrinkage 1: the squared distance from the mean error over the mean variance, nothing else.
    ErrorScore iso = ErrorScore.fitMahalanobis(fit, FEATURES, UNIT_STD, 1);
    ErrorScore full = ErrorScore.fitMahalanobis(fit, FEATURES, UNIT_STD, 0);
    float[] x = fresh.get(0);
    assertThat(iso.score(x, 0, STEPS, FEATURES, UNIT_STD, 0)).isNotCloseTo(full.score(x, 0, STEPS, FEATURES, UNIT_STD, 0),
        within(0.05 * iso.score(x, 0, STEPS, FEATURES, UNIT_STD, 0)));
  }

  @Test
  void readsTheWindowAtItsOffsetAndMeasuresEachFeatureInItsOwnUnits() {
    List<float[]> fit = correlated(2000, 3);
    float[] std = {1f, 50f};
    List<float[]> scaled = new ArrayList<>();
    for (float[] e : fit) {
      scaled.add(inUnits(e, std));
    }
    ErrorScore plain = ErrorScore.fitMahalanobis(fit, FEATURES, UNIT_STD, 0.5);
    ErrorScore inMillivolts = ErrorScore.fitMahalanobis(scaled, FEATURES, std, 0.5);
    float[] x = correlated(1, 4).get(0);
    float[] batch = new float[3 * D];
    System.arraycopy(inUnits(x, std), 0, batch, 2 * D, D);
    double expected = plain.score(x, 0, STEPS, FEATURES, UNIT_STD, 0);
    assertThat(inMillivolts.score(batch, 2, STEPS, FEATURES, std, 0)).isCloseTo(expected, within(1e-3 * expected));
  }

  private static float[] inUnits(float[] e, float[] std) {
    float[] out = e.clone();
    for (int j = 0; j < out.length; j++) {
      out[j] *= std[j % FEATURES];
    }
    return out;
  }

  /** Fitted from a later value, the score leaves the values before it out, as if they were not there. */
  @Test
  void aScoreFromALaterValueIgnoresTheValuesBeforeIt() {
    List<float[]> fit = correlated(2000, 6);
    int from = 3;
    List<float[]> tails = new ArrayList<>();
    List<float[]> padded = new ArrayList<>();
    for (float[] e : fit) {
      float[] tail = java.util.Arrays.copyOfRange(e, from, D);
      tails.add(tail);
      float[] p = new float[D + from];
      System.arraycopy(e, 0, p, from, D);
      padded.add(p);
    }
    ErrorScore s = ErrorScore.fitMahalanobis(padded, 1, new float[] {1f}, 0.5, from);
    assertThat(s.from()).isEqualTo(from);
    assertThat(s.mean()).hasSize(D);
    ErrorScore whole = ErrorScore.fitMahalanobis(fit, 1, new float[] {1f}, 0.5);
    float[] x = correlated(1, 7).get(0);
    float[] px = new float[D + from];
    System.arraycopy(x, 0, px, from, D);
    java.util.Arrays.fill(px, 0, from, 99f);
    assertThat(s.score(px, 0, D + from, 1, new float[] {1f}, 0))
        .isCloseTo(whole.score(x, 0, D, 1, new float[] {1f}, 0), within(1e-6));
    assertThat(s.describe()).contains("8 values from value 3");
  }

  @Test
  void theSumScoreIsTheLossItIsGiven() {
    assertThat(ErrorScore.SUM.score(new float[D], 0, STEPS, FEATURES, UNIT_STD, 42.5)).isEqualTo(42.5);
  }

  @Test
  void badFitsAndBadStoredScoresAreClearErrors() {
    List<float[]> fit = correlated(50, 5);
    assertThatThrownBy(() -> ErrorScore.fitMahalanobis(fit, FEATURES, UNIT_STD, 1.5))
        .hasMessageContaining("shrinkage must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> ErrorScore.fitMahalanobis(fit.subList(0, 1), FEATURES, UNIT_STD, 0.5))
        .hasMessageContaining("at least 2 normal windows, got 1");
    // Fewer windows than values: the sample covariance alone is singular. Five centred windows span
    // four dimensions, so the factor breaks at the fifth value: step 2 (of 2 features), feature 1.
    assertThatThrownBy(() -> ErrorScore.fitMahalanobis(fit.subList(0, 5), FEATURES, UNIT_STD, 0))
        .hasMessageContaining("singular at step 2, feature 1").hasMessageContaining("raise the shrinkage above 0");
    List<float[]> constant = List.of(new float[D], new float[D]);
    assertThatThrownBy(() -> ErrorScore.fitMahalanobis(constant, FEATURES, UNIT_STD, 0.5))
        .hasMessageContaining("do not vary");
    List<float[]> ragged = List.of(new float[D], new float[D - 1]);
    assertThatThrownBy(() -> ErrorScore.fitMahalanobis(ragged, FEATURES, UNIT_STD, 0.5))
        .hasMessageContaining("window 1 has 7 error values, the first 8");

    ErrorScore s = ErrorScore.fitMahalanobis(fit, FEATURES, UNIT_STD, 0.5);
    assertThatThrownBy(() -> s.score(new float[D + 2], 0, STEPS + 1, FEATURES, UNIT_STD, 0))
        .hasMessageContaining("fitted on windows of 8 values, got 10");
    assertThatThrownBy(() -> new ErrorScore(ErrorScore.Kind.MAHALANOBIS, 0.5, 2, new float[3], new float[5]))
        .hasMessageContaining("a Cholesky factor of 5 values does not fit a mean of 3 (expected 6)");
    assertThatThrownBy(() -> new ErrorScore(ErrorScore.Kind.MAHALANOBIS, 0.5, 2, new float[2], new float[] {1, 0, 0}))
        .hasMessageContaining("non-finite diagonal at 1");
  }
}

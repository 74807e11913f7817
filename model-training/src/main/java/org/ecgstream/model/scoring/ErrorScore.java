package org.ecgstream.model.scoring;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a window's reconstruction errors become the one number that is thresholded.
 *
 * <p>{@link Kind#SUM}: the loss (L1 or L2) summed over the window in original units, as the model
 * was trained. {@link Kind#MAHALANOBIS}: the squared Mahalanobis distance of the window's vector of
 * absolute errors (every step and feature, each feature's errors in its normalised units) from the
 * errors of normal training windows (Malhotra et al. 2016). Steps whose errors vary a lot between
 * normal beats (the R peak) count for less than steps that are normally well rebuilt, and errors
 * that normally move together count once. The covariance is shrunk towards a multiple of the
 * identity: {@code (1 - shrinkage) S + shrinkage (trace(S) / d) I}; 140 steps from a few thousand
 * windows give a sample covariance too noisy to invert as it is, and shrinkage 1 is a plain squared
 * distance from the mean error. Stored with its Cholesky factor, so scoring is one triangular solve
 * per window.
 *
 * @param shrinkage in [0, 1]; 0 for {@code SUM}
 * @param windows how many normal windows the mean and covariance were fitted on
 * @param mean mean error vector over the values the score covers, time-major; null for {@code SUM}
 * @param cholesky lower-triangular factor L of the shrunk covariance (L Lᵀ), packed by rows; null for {@code SUM}
 * @param from the first of the window's time-major values the score covers: 0, or for a model that
 *     does not produce the window's first steps (the prediction variant) the first it produces,
 *     since the others never have an error
 */
public record ErrorScore(Kind kind, double shrinkage, int windows, float[] mean, float[] cholesky, int from) {
  public enum Kind { SUM, MAHALANOBIS }

  public static final ErrorScore SUM = new ErrorScore(Kind.SUM, 0, 0, null, null, 0);

  public ErrorScore {
    if (kind == null) {
      throw new IllegalArgumentException("error score kind missing");
    }
    if (kind == Kind.MAHALANOBIS) {
      if (mean == null || cholesky == null || mean.length == 0) {
        throw new IllegalArgumentException("a Mahalanobis error score needs its mean and Cholesky factor");
      }
      int d = mean.length;
      if (cholesky.length != d * (d + 1) / 2) {
        throw new IllegalArgumentException("Mahalanobis error score: a Cholesky factor of " + cholesky.length
            + " values does not fit a mean of " + d + " (expected " + d * (d + 1) / 2 + ")");
      }
      for (int i = 0; i < d; i++) {
        float diagonal = cholesky[i * (i + 1) / 2 + i];
        if (!(diagonal > 0) || !Float.isFinite(diagonal)) {
          throw new IllegalArgumentException("Mahalanobis error score: Cholesky factor has a non-positive or "
              + "non-finite diagonal at " + i);
        }
      }
      if (!(shrinkage >= 0 && shrinkage <= 1)) {
        throw new IllegalArgumentException("shrinkage must be in [0, 1], got " + shrinkage);
      }
      if (from < 0) {
        throw new IllegalArgumentException("Mahalanobis error score: negative first value " + from);
      }
    }
  }

  /** A score over the whole window. */
  public ErrorScore(Kind kind, double shrinkage, int windows, float[] mean, float[] cholesky) {
    this(kind, shrinkage, windows, mean, cholesky, 0);
  }

  /** The thresholded score of window {@code i}'s errors ({@code absErrors} time-major, original units). */
  public double score(float[] absErrors, int i, int length, int features, float[] featureStd, double lossSum) {
    if (kind == Kind.SUM) {
      return lossSum;
    }
    int window = length * features;
    int d = mean.length;
    if (from + d != window) {
      throw new IllegalArgumentException("the error score was fitted on windows of " + (from + d)
          + " values, got " + window);
    }
    // Forward substitution L z = e - mean; the score is |z|².
    double[] z = new double[d];
    double sum = 0;
    int base = i * window + from;
    int row = 0;
    for (int r = 0; r < d; r++) {
      double v = absErrors[base + r] / featureStd[(from + r) % features] - mean[r];
      for (int k = 0; k < r; k++) {
        v -= cholesky[row + k] * z[k];
      }
      z[r] = v / cholesky[row + r];
      sum += z[r] * z[r];
      row += r + 1;
    }
    return sum;
  }

  /**
   * Fits the Mahalanobis score on the absolute errors of normal windows (each time-major, original
   * units, {@code length * features} values).
   */
  public static ErrorScore fitMahalanobis(List<float[]> absErrors, int features, float[] featureStd,
                                          double shrinkage) {
    return fitMahalanobis(absErrors, features, featureStd, shrinkage, 0);
  }

  /** As above, over the windows' values from {@code from} on (the steps a model produces). */
  public static ErrorScore fitMahalanobis(List<float[]> absErrors, int features, float[] featureStd,
                                          double shrinkage, int from) {
    if (!(shrinkage >= 0 && shrinkage <= 1)) {
      throw new IllegalArgumentException("shrinkage must be in [0, 1], got " + shrinkage);
    }
    int n = absErrors.size();
    if (n < 2) {
      throw new IllegalArgumentException("a Mahalanobis error score needs at least 2 normal windows, got " + n);
    }
    int window = absErrors.get(0).length;
    if (from < 0 || from >= window) {
      throw new IllegalArgumentException("first value " + from + " is outside windows of " + window + " values");
    }
    int d = window - from;
    double[][] e = new double[n][d];
    double[] mean = new double[d];
    for (int w = 0; w < n; w++) {
      float[] a = absErrors.get(w);
      if (a.length != window) {
        throw new IllegalArgumentException("window " + w + " has " + a.length + " error values, the first " + window);
      }
      for (int j = 0; j < d; j++) {
        e[w][j] = a[from + j] / featureStd[(from + j) % features];
        mean[j] += e[w][j] / n;
      }
    }
    double[][] cov = new double[d][d];
    for (double[] row : e) {
      for (int i = 0; i < d; i++) {
        double di = row[i] - mean[i];
        for (int j = 0; j <= i; j++) {
          cov[i][j] += di * (row[j] - mean[j]);
        }
      }
    }
    double trace = 0;
    for (int i = 0; i < d; i++) {
      trace += cov[i][i] / (n - 1);
    }
    double scale = trace / d;
    if (!(scale > 0)) {
      throw new IllegalArgumentException("the normal windows' errors do not vary: no Mahalanobis score can be fitted");
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        cov[i][j] = (1 - shrinkage) * cov[i][j] / (n - 1) + (i == j ? shrinkage * scale : 0);
      }
    }
    return new ErrorScore(Kind.MAHALANOBIS, shrinkage, n, toFloat(mean), cholesky(cov, features, from), from);
  }

  /**
   * Lower-triangular L with L Lᵀ = a (only a's lower triangle is read), packed by rows; a's row i
   * is the window's value from + i, for saying which step and feature a failure is at.
   */
  static float[] cholesky(double[][] a, int features, int from) {
    int d = a.length;
    double[][] l = new double[d][];
    float[] packed = new float[d * (d + 1) / 2];
    int p = 0;
    for (int i = 0; i < d; i++) {
      l[i] = new double[i + 1];
      for (int j = 0; j <= i; j++) {
        double v = a[i][j];
        for (int k = 0; k < j; k++) {
          v -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(v > 0)) {
            throw new IllegalArgumentException("the errors' covariance is singular at step " + (from + i) / features
                + ", feature " + ((from + i) % features + 1) + ": raise the shrinkage above 0");
          }
          l[i][i] = Math.sqrt(v);
        } else {
          l[i][j] = v / l[j][j];
        }
        packed[p++] = (float) l[i][j];
      }
    }
    return packed;
  }

  /**
   * (L⁻¹)ᵀ as a d × d row-major matrix: a row vector of centred errors times it is L⁻¹ (e − mean),
   * the whitened errors whose squared length is the score (for graphs that have products but no
   * triangular solve, such as the ONNX export).
   */
  public float[] whiteningTransposed() {
    if (kind == Kind.SUM) {
      throw new IllegalStateException("a summed loss has no whitening");
    }
    int d = mean.length;
    double[][] inv = new double[d][d];
    // Column c of L⁻¹ solves L x = unit vector c by forward substitution.
    for (int c = 0; c < d; c++) {
      for (int r = c; r < d; r++) {
        int row = r * (r + 1) / 2;
        double v = r == c ? 1 : 0;
        for (int k = c; k < r; k++) {
          v -= cholesky[row + k] * inv[k][c];
        }
        inv[r][c] = v / cholesky[row + r];
      }
    }
    float[] t = new float[d * d];
    for (int r = 0; r < d; r++) {
      for (int c = 0; c <= r; c++) {
        t[c * d + r] = (float) inv[r][c];
      }
    }
    return t;
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  public boolean isSum() {
    return kind == Kind.SUM;
  }

  public String describe() {
    return kind == Kind.SUM ? "loss summed over the window"
        : String.format(Locale.ROOT, "Mahalanobis distance² of the error vector (%d values%s, shrinkage %.2f, fitted on %d "
            + "normal windows)", mean.length, from == 0 ? "" : " from value " + from, shrinkage, windows);
  }

  // Arrays compare by content, so that equal metadata compares equal.
  @Override
  public boolean equals(Object o) {
    return o instanceof ErrorScore s && kind == s.kind && shrinkage == s.shrinkage && windows == s.windows
        && from == s.from && Arrays.equals(mean, s.mean) && Arrays.equals(cholesky, s.cholesky);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * kind.hashCode() + windows) + Arrays.hashCode(mean);
  }

  @Override
  public String toString() {
    return describe();
  }
}

package org.ecgstream.model.scoring;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How far a float32 evaluation of the autoencoder may be from the exact one, value by value: the
 * rounding errors of every sum, product and activation are carried through the network beside an
 * exact (double) forward pass of the same float32 weights and inputs, and the parity tolerance is
 * a multiple of the result. It depends on no order of summation, vector width or fused
 * multiply-add, so it is the same on AVX2 and AVX-512, Intel and AMD.
 *
 * <p>The arithmetic. A float32 sum of K terms, in any order, is off by at most γ_K·Σ|terms| (γ_K =
 * K·u / (1 − K·u), u = 2⁻²⁴); carried through a 140-step recurrence with absolute values that
 * worst case grows without limit and says nothing. Rounding errors are not adversarial, though:
 * Higham and Mary (<i>A new approach to probabilistic rounding error analysis</i>, SIAM J. Sci.
 * Comput. 41(5), 2019) show that with mean-independent errors a K-term sum is off by at most
 * λ·√K·u·Σ|terms| with probability at least 1 − 2·exp(−λ²(1 − u)²/2). So each sum's error is given
 * the scale √K·u·Σ|terms|, each activation {@link #ACTIVATION} (the rational tanh's tested bound;
 * sigmoids are tanh of half), each product u·|product|, and these scales are propagated with the
 * squared slopes of the exact pass (variances add: independent sources). An engine is then within
 * {@link #LAMBDA} scales of the exact value, two engines within twice that of each other.
 */
final class Float32Bound {
  static final double U = Math.scalb(1.0, -24);
  /** Largest error of a float32 tanh or sigmoid as either engine computes it. */
  static final double ACTIVATION = 4e-7;
  /**
   * Scales allowed: a sum is off by more than λ = 8 of them with probability below 2·exp(−32) ≈ 3e-14,
   * so even the millions of sums in one test run stay inside.
   */
  static final double LAMBDA = 8;

  /** The bounds for one batch (λ error scales): per value of the reconstruction, the embeddings and the first layer's outputs. */
  record Bounds(double[] output, double[] embeddings, double[] firstLayer) {}

  private Float32Bound() {}

  /** Bounds for {@code x} ([batch, features, window], C order), laid out as the engines return their results. */
  static Bounds of(MultiLayerNetwork net, Architecture a, float[] x, int batch) {
    int f = a.features();
    int window = a.windowLength();
    int enc = a.encoderSteps();
    int dec = a.decoderSteps();
    int width = a.outputWidth();
    Lstm e1 = Lstm.of(net.getLayer(AutoencoderFactory.ENCODER_1).getParam("W"),
        net.getLayer(AutoencoderFactory.ENCODER_1).getParam("RW"), net.getLayer(AutoencoderFactory.ENCODER_1).getParam("b"));
    Lstm e2 = Lstm.of(net.getLayer(AutoencoderFactory.ENCODER_2).getParam("W"),
        net.getLayer(AutoencoderFactory.ENCODER_2).getParam("RW"), net.getLayer(AutoencoderFactory.ENCODER_2).getParam("b"));
    Lstm d1 = Lstm.of(net.getLayer(AutoencoderFactory.DECODER_1).getParam("W"),
        net.getLayer(AutoencoderFactory.DECODER_1).getParam("RW"), net.getLayer(AutoencoderFactory.DECODER_1).getParam("b"));
    Lstm d2 = Lstm.of(net.getLayer(AutoencoderFactory.DECODER_2).getParam("W"),
        net.getLayer(AutoencoderFactory.DECODER_2).getParam("RW"), net.getLayer(AutoencoderFactory.DECODER_2).getParam("b"));
    double[][] outW = matrix(net.getLayer(AutoencoderFactory.OUTPUT).getParam("W"));
    double[] outB = matrix(net.getLayer(AutoencoderFactory.OUTPUT).getParam("b"))[0];
    int first = a.firstDecodedStep();
    double[] output = new double[batch * (first == 0 ? width * dec : f * window)];
    double[] embeddings = new double[batch * a.embedding()];
    double[] firstLayer = new double[batch * a.hidden() * enc];
    for (int b = 0; b < batch; b++) {
      double[][] in = new double[enc][f];
      double[][] inErr = new double[enc][f];
      for (int t = 0; t < enc; t++) {
        for (int c = 0; c < f; c++) {
          in[t][c] = x[(b * f + c) * window + t];
        }
      }
      Seq s1 = e1.run(in, inErr);
      Seq s2 = e2.run(s1.h, s1.e);
      double[] last = s2.h[enc - 1];
      double[] lastErr = s2.e[enc - 1];
      double[][] rep = new double[dec][];
      double[][] repErr = new double[dec][];
      for (int t = 0; t < dec; t++) {
        rep[t] = last;
        repErr[t] = lastErr;
      }
      Seq s3 = d1.run(rep, repErr);
      Seq s4 = d2.run(s3.h, s3.e);
      for (int j = 0; j < a.embedding(); j++) {
        embeddings[b * a.embedding() + j] = LAMBDA * lastErr[j];
      }
      for (int j = 0; j < a.hidden(); j++) {
        for (int t = 0; t < enc; t++) {
          firstLayer[(b * a.hidden() + j) * enc + t] = LAMBDA * s1.e[t][j];
        }
      }
      for (int t = 0; t < dec; t++) {
        double[] h = s4.h[t];
        double[] eh = s4.e[t];
        for (int o = 0; o < width; o++) {
          double variance = 0;
          double terms = Math.abs(outB[o]);
          for (int k = 0; k < h.length; k++) {
            variance += outW[k][o] * outW[k][o] * eh[k] * eh[k];
            terms += Math.abs(outW[k][o] * h[k]);
          }
          double local = Math.sqrt(h.length + 1.0) * U * terms;
          double bound = LAMBDA * Math.sqrt(variance + local * local);
          int at = first == 0 ? (b * width + o) * dec + t : (b * f + o) * window + first + t;
          output[at] = bound;
        }
      }
      // The prediction variant's context steps are copied: exact, bound 0.
    }
    return new Bounds(output, embeddings, firstLayer);
  }

  private record Seq(double[][] h, double[][] e) {}

  /** One LSTM layer's weights in DL4J's layout: W [in, 4n], RW [n, 4n], b [4n], gate blocks [g, f, o, i]. */
  private record Lstm(double[][] w, double[][] rw, double[] bias, int n) {
    static Lstm of(INDArray w, INDArray rw, INDArray b) {
      double[][] r = matrix(rw);
      return new Lstm(matrix(w), r, matrix(b)[0], r.length);
    }

    /** The layer's exact outputs and each one's error scale, from its inputs' values and scales. */
    Seq run(double[][] in, double[][] inErr) {
      int steps = in.length;
      double sqrtK = Math.sqrt(w.length + n + 1.0);
      double[][] hs = new double[steps][];
      double[][] es = new double[steps][];
      double[] h = new double[n];
      double[] eh = new double[n];
      double[] c = new double[n];
      double[] ec = new double[n];
      double[] z = new double[4 * n];
      double[] ez = new double[4 * n];
      for (int t = 0; t < steps; t++) {
        for (int q = 0; q < 4 * n; q++) {
          double sum = bias[q];
          double abs = Math.abs(bias[q]);
          double variance = 0;
          for (int i = 0; i < w.length; i++) {
            sum += w[i][q] * in[t][i];
            abs += Math.abs(w[i][q] * in[t][i]);
            variance += w[i][q] * w[i][q] * inErr[t][i] * inErr[t][i];
          }
          for (int i = 0; i < n; i++) {
            sum += rw[i][q] * h[i];
            abs += Math.abs(rw[i][q] * h[i]);
            variance += rw[i][q] * rw[i][q] * eh[i] * eh[i];
          }
          double local = sqrtK * U * abs;
          z[q] = sum;
          ez[q] = Math.sqrt(variance + local * local);
        }
        double[] nh = new double[n];
        double[] neh = new double[n];
        for (int j = 0; j < n; j++) {
          double g = Math.tanh(z[j]);
          double eg = Math.hypot((1 - g * g) * ez[j], ACTIVATION);
          double fg = sigmoid(z[n + j]);
          double ef = Math.hypot(fg * (1 - fg) * ez[n + j], ACTIVATION);
          double og = sigmoid(z[2 * n + j]);
          double eo = Math.hypot(og * (1 - og) * ez[2 * n + j], ACTIVATION);
          double ig = sigmoid(z[3 * n + j]);
          double ei = Math.hypot(ig * (1 - ig) * ez[3 * n + j], ACTIVATION);
          double cNew = fg * c[j] + ig * g;
          double ecNew = Math.sqrt(sq(fg * ec[j]) + sq(c[j] * ef) + sq(ig * eg) + sq(g * ei)
              + sq(U * (Math.abs(fg * c[j]) + Math.abs(ig * g))));
          double tc = Math.tanh(cNew);
          double etc = Math.hypot((1 - tc * tc) * ecNew, ACTIVATION);
          nh[j] = og * tc;
          neh[j] = Math.sqrt(sq(og * etc) + sq(tc * eo) + sq(U * og * tc));
          c[j] = cNew;
          ec[j] = ecNew;
        }
        h = nh;
        eh = neh;
        hs[t] = h;
        es[t] = eh;
      }
      return new Seq(hs, es);
    }
  }

  private static double sq(double x) {
    return x * x;
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  static double[][] matrix(INDArray a) {
    long rows = a.rank() == 1 ? 1 : a.size(0);
    long cols = a.rank() == 1 ? a.length() : a.size(1);
    double[][] m = new double[(int) rows][(int) cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = a.rank() == 1 ? a.getDouble(c) : a.getDouble(r, c);
      }
    }
    return m;
  }
}

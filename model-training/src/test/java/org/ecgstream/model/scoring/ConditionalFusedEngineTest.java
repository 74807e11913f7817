package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The conditional decoder's fused engine folds the fed-back output into the recurrence; here it
 * is compared with the decoder written the plain way, in double: each step reads the previous
 * output.
 */
class ConditionalFusedEngineTest {
  @ParameterizedTest(name = "window {0}, {1} feature(s), E = {2}, batch {3}")
  @CsvSource({"24, 1, 4, 1", "24, 1, 4, 7", "31, 2, 8, 130", "140, 1, 32, 3"})
  void rebuildsTheWindowAsAStepByStepDecoderFedItsOwnOutput(int window, int features, int embedding, int batch) {
    Nd4jRuntime.ensureStarted();
    Architecture a = new Architecture(window, features, embedding, Variant.CONDITIONAL);
    MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L1, 1e-3, window * 3L + embedding);
    Random r = new Random(window + batch);
    // Room for a second, different batch size after the first call.
    float[] x = new float[Math.max(2, batch) * features * window];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 1.5);
    }
    double[] expected = reference(net.paramTable(), a, x, batch);
    ReconstructionEngine vector = FusedLstmEngine.forModel(net, a);
    assertThat(vector).isInstanceOf(VectorConditionalEngine.class);
    // The engine on OpenBLAS too: it is the scorer's where the JVM lacks the Vector API module.
    for (ReconstructionEngine engine : List.of(vector, new ConditionalFusedEngine(net, a))) {
      // Twice, with another batch size between: no state may leak from one call into the next.
      for (String call : new String[] {"first call", "after another batch size"}) {
        float[] got = engine.reconstruct(x, batch);
        double worst = 0;
        double spread = 0;
        for (int i = 0; i < got.length; i++) {
          worst = Math.max(worst, Math.abs(got[i] - expected[i]));
          spread = Math.max(spread, Math.abs(expected[i]));
        }
        // Float against double, each step's rounding fed back into the next (1.5e-5 measured at 31 steps).
        assertThat(worst).as("%s: largest difference from the plain decoder, %s", engine.name(), call)
            .isLessThan(1e-4);
        assertThat(spread).as("outputs are not trivially zero").isGreaterThan(0.05);
        engine.reconstruct(x, batch == 1 ? 2 : (batch + 1) / 2);
      }
    }
    // The embedding is the encoder's last hidden state, as for the other variants: every window's,
    // the same from both engines (the batch of 130 is scored in chunks of 128).
    float[] emb = new float[batch * embedding];
    vector.reconstruct(x, batch, emb);
    float[] openBlas = new float[batch * embedding];
    new ConditionalFusedEngine(net, a).reconstruct(x, batch, openBlas);
    for (int i = 0; i < emb.length; i++) {
      assertThat(emb[i]).as("embedding value %d", i).isCloseTo(openBlas[i], within(1e-5f));
    }
    assertThat(emb[emb.length - 1]).isNotZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"DL4J"})
  void theEnginesThatCannotRunItSaySo(String ignored) {
    Architecture a = new Architecture(24, 1, 4, Variant.CONDITIONAL);
    MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L1, 1e-3, 1);
    assertThatThrownBy(() -> new Dl4jEngine(net, a)).hasMessageContaining("cannot score the CONDITIONAL variant")
        .hasMessageContaining("fused engine");
    assertThatThrownBy(() -> FusedLstmEngine.gemmOnly(net, a)).hasMessageContaining("ConditionalFusedEngine");
    assertThat(ScoringEngine.reference(a)).isEqualTo(ScoringEngine.FUSED);
  }

  /** The model step by step in double: window layout [batch][features][time], same for the result. */
  static double[] reference(Map<String, INDArray> params, Architecture a, float[] x, int batch) {
    Map<String, double[][]> p = new java.util.HashMap<>();
    params.forEach((k, v) -> p.put(k, v.castTo(DataType.DOUBLE).reshape(v.rows(), -1).toDoubleMatrix()));
    int t = a.windowLength();
    int f = a.features();
    double[] out = new double[x.length];
    for (int b = 0; b < batch; b++) {
      double[][] seq = new double[t][f];
      for (int s = 0; s < t; s++) {
        for (int j = 0; j < f; j++) {
          seq[s][j] = x[(b * f + j) * t + s];
        }
      }
      double[][] h1 = new double[t][];
      double[] h = new double[a.hidden()];
      double[] c = new double[a.hidden()];
      for (int s = 0; s < t; s++) {
        step(p, 0, seq[s], h, c);
        h1[s] = h.clone();
      }
      h = new double[a.embedding()];
      c = new double[a.embedding()];
      for (int s = 0; s < t; s++) {
        step(p, 1, h1[s], h, c);
      }
      double[] y = output(p, h);
      for (int k = 0; k < t; k++) {
        if (k > 0) {
          step(p, AutoencoderFactory.CONDITIONAL_DECODER, y, h, c);
          y = output(p, h);
        }
        for (int j = 0; j < f; j++) {
          out[(b * f + j) * t + (t - 1 - k)] = y[j];
        }
      }
    }
    return out;
  }

  /** One LSTM step of layer {@code index} (DL4J gate blocks g, f, o, i), updating h and c in place. */
  private static void step(Map<String, double[][]> p, int index, double[] in, double[] h, double[] c) {
    double[][] w = p.get(index + "_W");
    double[][] rw = p.get(index + "_RW");
    double[] bias = p.get(index + "_b")[0];
    int n = h.length;
    double[] z = bias.clone();
    for (int q = 0; q < 4 * n; q++) {
      for (int i = 0; i < in.length; i++) {
        z[q] += in[i] * w[i][q];
      }
      for (int i = 0; i < n; i++) {
        z[q] += h[i] * rw[i][q];
      }
    }
    for (int j = 0; j < n; j++) {
      double g = Math.tanh(z[j]);
      double fg = 1 / (1 + Math.exp(-z[n + j]));
      double o = 1 / (1 + Math.exp(-z[2 * n + j]));
      double i = 1 / (1 + Math.exp(-z[3 * n + j]));
      c[j] = fg * c[j] + i * g;
      h[j] = o * Math.tanh(c[j]);
    }
  }

  private static double[] output(Map<String, double[][]> p, double[] h) {
    int o = AutoencoderFactory.CONDITIONAL_OUTPUT;
    double[][] w = p.get(o + "_W");
    double[] y = p.get(o + "_b")[0].clone();
    for (int j = 0; j < y.length; j++) {
      for (int i = 0; i < h.length; i++) {
        y[j] += h[i] * w[i][j];
      }
    }
    return y;
  }
}

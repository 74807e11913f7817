package org.ecgstream.model.scoring;

import java.util.Map;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.WindowTensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The two encoder layers of the Vector API engines ({@link VectorLstmEngine},
 * {@link VectorConditionalEngine}), with their scratch memory kept between calls, as
 * {@link FusedEncoder} is the OpenBLAS engines'. Not thread-safe, like the engine that owns it.
 */
final class VectorEncoder {
  final VectorLstmLayer first;
  final VectorLstmLayer second;
  private final int length;
  private final int features;
  private final int steps;
  private final ScratchMemory<Scratch> scratch = new ScratchMemory<>(Scratch::new);

  VectorEncoder(Map<String, INDArray> p, Architecture a) {
    length = a.windowLength();
    features = a.features();
    steps = a.encoderSteps();
    first = layer(p, AutoencoderFactory.ENCODER_1, features);
    second = layer(p, AutoencoderFactory.ENCODER_2, first.padded);
  }

  /** Layer {@code index} of a DL4J autoencoder's parameters, reading input rows {@code inputStride} wide. */
  static VectorLstmLayer layer(Map<String, INDArray> p, int index, int inputStride) {
    return new VectorLstmLayer(p.get(index + "_W"), p.get(index + "_RW"), p.get(index + "_b"), inputStride);
  }

  /**
   * Encodes windows {@code from} to {@code from + n} of {@code in} ([batch][features][length],
   * normalised), and copies the embeddings (the last hidden states) to
   * {@code embeddings[(from + b) * E ...]} when it is not null. Returns where the last step's rows
   * start in {@link #states()}.
   */
  int encode(float[] in, int from, int n, float[] embeddings) {
    Scratch sc = scratch.atLeast(n);
    WindowTensors.timeMajor(in, from, n, length, steps, features, sc.x);
    first.run(sc.x, n, steps, sc.h1);
    second.run(sc.h1, n, steps, sc.h2);
    int p = second.padded;
    int last = (steps - 1) * n * p;
    int e = second.hidden;
    if (embeddings != null) {
      for (int b = 0; b < n; b++) {
        System.arraycopy(sc.h2, last + b * p, embeddings, (from + b) * e, e);
      }
    }
    return last;
  }

  /** The first layer's hidden states from the last {@link #encode}, [steps][n][first.padded]. */
  float[] firstStates() {
    return scratch.last().h1;
  }

  /** The second layer's hidden states from the last {@link #encode}, [steps][n][second.padded]. */
  float[] states() {
    return scratch.last().h2;
  }

  /** The input, time-major, and both layers' hidden sequences for up to a number of windows. */
  private final class Scratch {
    final float[] x;
    final float[] h1;
    final float[] h2;

    Scratch(int n) {
      x = new float[steps * n * features];
      h1 = new float[steps * n * first.padded];
      h2 = new float[steps * n * second.padded];
    }
  }
}

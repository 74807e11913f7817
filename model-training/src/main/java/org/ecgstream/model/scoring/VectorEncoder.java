package org.ecgstream.model.scoring;

import java.util.Map;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.WindowTensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The two encoder layers of the Vector API engines ({@link VectorLstmEngine},
 * {@link VectorConditionalEngine}), as {@link FusedEncoder} is the OpenBLAS engines'. Not
 * thread-safe, like the engine that owns it.
 */
final class VectorEncoder {
  final VectorLstmLayer first;
  final VectorLstmLayer second;
  private final int length;
  private final int features;
  /** Steps the encoder reads, from the window's first. */
  final int steps;

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
   * normalised): the input time-major into {@code x}, the layers' hidden states into {@code h1} and
   * {@code h2} ([steps][n][padded]), and the embeddings (the last hidden states) into
   * {@code embeddings[(from + b) * E ...]} when it is not null. Returns where the last step's rows
   * start in {@code h2}.
   */
  int encode(float[] in, int from, int n, float[] x, float[] h1, float[] h2, float[] embeddings) {
    WindowTensors.timeMajor(in, from, n, length, steps, features, x);
    first.run(x, n, steps, h1);
    second.run(h1, n, steps, h2);
    int p = second.padded;
    int last = (steps - 1) * n * p;
    int e = second.hidden;
    if (embeddings != null) {
      for (int b = 0; b < n; b++) {
        System.arraycopy(h2, last + b * p, embeddings, (from + b) * e, e);
      }
    }
    return last;
  }
}

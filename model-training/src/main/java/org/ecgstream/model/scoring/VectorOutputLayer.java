package org.ecgstream.model.scoring;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output layer of the Vector API engines, y = h W + b for one step's rows of all windows.
 * With at least a vector's worth of outputs (the latent-target variant's 2E) one product over
 * panels ({@link VectorDense}); with fewer (the features) one dot product per output, which pads
 * nothing. Not thread-safe, like the engine that owns it.
 */
final class VectorOutputLayer {
  private static final VectorSpecies<Float> S = PanelKernels.S;
  private static final int L = PanelKernels.L;

  /** Outputs per row. */
  final int outputs;
  private final int inputs;
  /** The product, or null for dot products. */
  private final VectorDense dense;
  /** For the dot products: each output's column of W, [output][inputs], zero-padded; else null. */
  private final float[] columns;
  private final float[] bias;
  /** The dot products' lanes, added in index order. */
  private final float[] lanes = new float[L];
  /** The product's rows, [n][dense.width]. */
  private float[] product = new float[0];

  /** From DL4J's W [in, out] and b, reading hidden rows {@code inputStride} wide. */
  VectorOutputLayer(INDArray weights, INDArray biases, int inputStride) {
    float[][] w = weights.castTo(DataType.FLOAT).toFloatMatrix();
    bias = biases.castTo(DataType.FLOAT).reshape(-1).toFloatVector();
    outputs = bias.length;
    inputs = inputStride;
    dense = outputs >= L ? new VectorDense(w, bias, inputStride) : null;
    columns = dense != null ? null : new float[outputs * inputs];
    for (int k = 0; dense == null && k < w.length; k++) {
      for (int j = 0; j < outputs; j++) {
        columns[j * inputs + k] = w[k][j];
      }
    }
  }

  /** {@code y[b * outputs + j]} = b_j + {@code h[ho + b * inputs ...]} · W's column j, for windows b < n. */
  void apply(float[] h, int ho, int n, float[] y) {
    if (dense != null) {
      if (product.length < n * dense.width) {
        product = new float[n * dense.width];
      }
      dense.apply(h, ho, inputs, n, product);
      for (int b = 0; b < n; b++) {
        System.arraycopy(product, b * dense.width, y, b * outputs, outputs);
      }
      return;
    }
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < outputs; j++) {
        y[b * outputs + j] = dot(h, ho + b * inputs, j * inputs) + bias[j];
      }
    }
  }

  /**
   * A row times a column, its lanes added in index order. Not {@code reduceLanes(ADD)}: that may
   * add floats in any order, and the interpreter's order is not C2's, so a window's score would
   * change in its last bits once the code is compiled.
   */
  private float dot(float[] h, int ho, int co) {
    FloatVector acc = FloatVector.zero(S);
    for (int k = 0; k < inputs; k += L) {
      acc = FloatVector.fromArray(S, h, ho + k).fma(FloatVector.fromArray(S, columns, co + k), acc);
    }
    acc.intoArray(lanes, 0);
    float sum = 0;
    for (int i = 0; i < L; i++) {
      sum += lanes[i];
    }
    return sum;
  }
}

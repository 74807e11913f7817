package org.ecgstream.model.scoring;

/**
 * A dense layer, y = x W + b, on {@link PanelKernels}: W's outputs packed four vectors to a
 * panel, [panel][input][vector][lane], so that many rows share each pass over a panel: the
 * product {@link VectorOutputLayer} uses when there are many outputs per step (the latent-target
 * variant's 2E). Not thread-safe, like the engine that owns it.
 */
final class VectorDense {
  private static final int L = PanelKernels.L;

  /** Real outputs. */
  final int outputs;
  /** Width of a result row: the outputs padded to whole panels of four vectors. */
  final int width;
  private final int inputs;
  private final int panels;
  private final LineAlignedFloats weights;
  private final float[] bias;

  /** From W as rows ([input][output]) and b, reading input rows {@code inputStride} wide. */
  VectorDense(float[][] w, float[] b, int inputStride) {
    outputs = b.length;
    if (w.length > inputStride || w[0].length != outputs) {
      throw new IllegalArgumentException("W is " + w.length + " x " + w[0].length + " for " + outputs
          + " outputs and rows of " + inputStride);
    }
    inputs = inputStride;
    panels = (outputs + 4 * L - 1) / (4 * L);
    width = panels * 4 * L;
    float[] packed = new float[panels * inputs * 4 * L];
    bias = new float[width];
    for (int o = 0; o < outputs; o++) {
      int p = o / (4 * L);
      int q = o % (4 * L);
      for (int k = 0; k < w.length; k++) {
        packed[(p * inputs + k) * 4 * L + q] = w[k][o];
      }
      bias[o] = b[o];
    }
    weights = new LineAlignedFloats(packed);
  }

  /** {@code z[r * width ...]} = b + {@code x[xo + r * xs ...]} · W, for {@code rows} rows. */
  void apply(float[] x, int xo, int xs, int rows, float[] z) {
    float[] w = weights.data;
    int start = weights.realign();
    for (int p = 0; p < panels; p++) {
      PanelKernels.rows(w, start + p * inputs * 4 * L, inputs, x, xo, xs, bias, p * 4 * L, 0, z, p * 4 * L, width,
          rows);
    }
  }
}

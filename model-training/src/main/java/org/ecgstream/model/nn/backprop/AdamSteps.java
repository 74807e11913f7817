package org.ecgstream.model.nn.backprop;

/**
 * Adam as DL4J's updater applies it (bias-corrected step size, epsilon added to the root of the
 * second moment), on parameters held in float arrays.
 */
final class AdamSteps {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final double learningRate;
  /** Parameters left as they are, whatever their gradients (see {@link ModelBackprop#frozen()}). */
  private final boolean[] frozen;
  private final float[][] m;
  private final float[][] v;
  private int iteration;

  AdamSteps(float[][] params, boolean[] frozen, double learningRate) {
    this.learningRate = learningRate;
    this.frozen = frozen.clone();
    m = new float[params.length][];
    v = new float[params.length][];
    for (int i = 0; i < params.length; i++) {
      m[i] = new float[params[i].length];
      v[i] = new float[params[i].length];
    }
  }

  /** One step against {@code grads}, the mean loss's gradients. */
  void apply(float[][] params, float[][] grads) {
    double beta1t = 1 - Math.pow(BETA1, iteration + 1);
    double beta2t = 1 - Math.pow(BETA2, iteration + 1);
    float alpha = (float) (learningRate * Math.sqrt(beta2t) / beta1t);
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    float eps = (float) EPSILON;
    for (int p = 0; p < params.length; p++) {
      if (frozen[p]) {
        continue;
      }
      float[] w = params[p];
      float[] g = grads[p];
      float[] mp = m[p];
      float[] vp = v[p];
      for (int i = 0; i < w.length; i++) {
        mp[i] = b1 * mp[i] + (1 - b1) * g[i];
        vp[i] = b2 * vp[i] + (1 - b2) * g[i] * g[i];
        w[i] -= alpha * mp[i] / ((float) Math.sqrt(vp[i]) + eps);
      }
    }
    iteration++;
  }
}

package org.ecgstream.model.threshold;

/** How the anomaly threshold was chosen. */
public enum ThresholdRule {
  /** A percentile of the losses of held-out normal (validation) windows. */
  PERCENTILE,
  /** The value that maximises F1 on a labelled validation set supplied by the user. */
  F1_OPTIMAL,
  /** A value given by the user. */
  FIXED,
  /**
   * A percentile of a log-normal fitted to the validation-normal losses by their median and MAD
   * in log space, so that a few outlying normals barely move it.
   */
  LOG_NORMAL
}

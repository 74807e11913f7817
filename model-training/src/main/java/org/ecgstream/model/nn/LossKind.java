package org.ecgstream.model.nn;

/** Reconstruction loss: L1 (sum of absolute errors, the reference's choice) or L2 (squared errors). */
public enum LossKind {
  L1,
  L2;

  /** The per-element error this loss adds up. */
  public double of(double error) {
    return this == L1 ? Math.abs(error) : error * error;
  }
}

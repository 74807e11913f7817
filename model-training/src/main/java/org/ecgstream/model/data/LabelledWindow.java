package org.ecgstream.model.data;

import java.util.Arrays;

/**
 * One window of a multivariate series (a beat, or N time steps of a sensor), with its class label.
 *
 * <p>Values are stored time-major: {@code values[t * features + f]}. That is the order in which
 * samples arrive on a stream, so the streaming job and the readers build windows the same way.
 */
public record LabelledWindow(String id, int label, int length, int features, float[] values) {

  /** The label of a window whose class is unknown (live streams). */
  public static final int UNLABELLED = Integer.MIN_VALUE;

  public LabelledWindow {
    if (length <= 0 || features <= 0) {
      throw new IllegalArgumentException("length and features must be positive: " + length + "x" + features);
    }
    if (values.length != length * features) {
      throw new IllegalArgumentException(
          "window " + id + " has " + values.length + " values, expected " + length + "x" + features);
    }
  }

  /** A single-feature window (ECG beats). */
  public static LabelledWindow univariate(String id, int label, float[] values) {
    return new LabelledWindow(id, label, values.length, 1, values);
  }

  public float value(int step, int feature) {
    return values[step * features + feature];
  }

  public boolean hasLabel() {
    return label != UNLABELLED;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelledWindow w
        && w.id.equals(id) && w.label == label && w.length == length && w.features == features
        && Arrays.equals(w.values, values);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    // Never print signal values: they are patient data.
    return "LabelledWindow[" + id + ", label=" + label + ", " + length + "x" + features + "]";
  }
}

package org.ecgstream.model.data;

import java.util.List;
import java.util.function.Predicate;

/**
 * Windows read from one or more archive files, all of the same shape, with a hash of the bytes
 * they came from (stored in the model file so a model can be traced to its data).
 */
public record Dataset(List<LabelledWindow> windows, int length, int features, String sha256) {

  public Dataset {
    windows = List.copyOf(windows);
    for (LabelledWindow w : windows) {
      if (w.length() != length || w.features() != features) {
        throw new IllegalArgumentException("window " + w.id() + " is " + w.length() + "x" + w.features()
            + ", dataset is " + length + "x" + features);
      }
    }
  }

  public int size() {
    return windows.size();
  }

  public List<LabelledWindow> where(Predicate<LabelledWindow> p) {
    return windows.stream().filter(p).toList();
  }
}

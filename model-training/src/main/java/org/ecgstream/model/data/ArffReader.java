package org.ecgstream.model.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads Weka ARFF files as the ECG5000 tutorials load them: numeric attributes are the values of
 * one window, in order, and the last attribute is the class label.
 */
final class ArffReader {
  private ArffReader() {}

  static List<LabelledWindow> read(ArchiveFile in) {
    int attributes = 0;
    boolean inData = false;
    List<LabelledWindow> windows = new ArrayList<>();
    String line;
    while ((line = in.nextLine()) != null) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("%")) {
        continue;
      }
      if (!inData) {
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("@attribute")) {
          attributes++;
        } else if (lower.startsWith("@data")) {
          if (attributes < 2) {
            throw in.error("@data before at least two @attribute lines (values and a class)");
          }
          inData = true;
        } else if (!lower.startsWith("@relation")) {
          throw in.error("expected @relation, @attribute or @data, found '" + first(trimmed) + "'");
        }
        continue;
      }
      if (trimmed.startsWith("{")) {
        throw in.error("sparse ARFF rows are not supported");
      }
      String[] fields = trimmed.split(",", -1);
      if (fields.length != attributes) {
        throw in.error("expected " + attributes + " fields (one per @attribute), found " + fields.length);
      }
      int length = attributes - 1;
      float[] values = new float[length];
      for (int i = 0; i < length; i++) {
        String f = fields[i].strip();
        if (f.equals("?")) {
          throw in.error("value " + (i + 1) + " is missing ('?')");
        }
        values[i] = in.number(f, "value " + (i + 1));
      }
      String label = fields[length].strip().replace("'", "").replace("\"", "");
      windows.add(LabelledWindow.univariate(
          in.path().getFileName() + "#" + in.lineNumber(), Labels.parse(in, label), values));
    }
    if (!inData) {
      throw in.error("no @data section");
    }
    return windows;
  }

  private static String first(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "...";
  }
}

package org.ecgstream.model.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the UCR archive's text format: one window a line, the class label first, then the
 * values, separated by whitespace or commas (ECG5000_TRAIN.txt is this format).
 */
final class UcrReader {
  private static final Pattern SEPARATOR = Pattern.compile("[\\s,]+");

  private UcrReader() {}

  static List<LabelledWindow> read(ArchiveFile in) {
    List<LabelledWindow> windows = new ArrayList<>();
    int length = -1;
    String line;
    while ((line = in.nextLine()) != null) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      String[] fields = SEPARATOR.split(trimmed);
      if (fields.length < 2) {
        throw in.error("expected a label and at least one value, found " + fields.length + " field");
      }
      int label = Labels.parse(in, fields[0]);
      if (length < 0) {
        length = fields.length - 1;
      } else if (fields.length - 1 != length) {
        throw in.error("expected " + length + " values (as on the first row), found " + (fields.length - 1));
      }
      float[] values = new float[length];
      for (int i = 0; i < length; i++) {
        values[i] = in.number(fields[i + 1], "value " + (i + 1));
      }
      windows.add(LabelledWindow.univariate(in.path().getFileName() + "#" + in.lineNumber(), label, values));
    }
    return windows;
  }
}

package org.ecgstream.model.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads multi-feature telemetry as CSV with a header {@code id,timestamp,feature_1,...,label}:
 * each id's rows, ordered by timestamp, form one window. The label column is optional.
 */
final class CsvWindowReader {
  private CsvWindowReader() {}

  private record Row(double timestamp, float[] features, int label, long line) {}

  static List<LabelledWindow> read(ArchiveFile in) {
    String header = in.nextLine();
    if (header == null || header.isBlank()) {
      throw in.error("empty file: expected a header id,timestamp,feature_1,...[,label]");
    }
    String[] names = header.strip().split(",", -1);
    int idCol = -1;
    int timeCol = -1;
    int labelCol = -1;
    List<Integer> featureCols = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      switch (names[i].strip().toLowerCase(Locale.ROOT)) {
        case "id" -> idCol = i;
        case "timestamp" -> timeCol = i;
        case "label" -> labelCol = i;
        default -> featureCols.add(i);
      }
    }
    if (idCol < 0 || timeCol < 0 || featureCols.isEmpty()) {
      throw in.error("header must name id, timestamp and at least one feature column, found: " + header.strip());
    }

    Map<String, List<Row>> byId = new LinkedHashMap<>();
    String line;
    while ((line = in.nextLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(",", -1);
      if (fields.length != names.length) {
        throw in.error("expected " + names.length + " fields as in the header, found " + fields.length);
      }
      String id = fields[idCol].strip();
      if (id.isEmpty()) {
        throw in.error("empty id");
      }
      double timestamp = in.number(fields[timeCol].strip(), "timestamp");
      float[] features = new float[featureCols.size()];
      for (int f = 0; f < features.length; f++) {
        features[f] = in.number(fields[featureCols.get(f)].strip(), names[featureCols.get(f)].strip());
      }
      int label = labelCol < 0 ? LabelledWindow.UNLABELLED : Labels.parse(in, fields[labelCol].strip());
      byId.computeIfAbsent(id, k -> new ArrayList<>()).add(new Row(timestamp, features, label, in.lineNumber()));
    }
    if (byId.isEmpty()) {
      throw in.error("no data rows after the header");
    }

    List<LabelledWindow> windows = new ArrayList<>(byId.size());
    int length = -1;
    for (Map.Entry<String, List<Row>> e : byId.entrySet()) {
      List<Row> rows = new ArrayList<>(e.getValue());
      rows.sort((a, b) -> Double.compare(a.timestamp, b.timestamp));
      if (length < 0) {
        length = rows.size();
      } else if (rows.size() != length) {
        throw new DatasetFormatException(in.path(), rows.get(0).line,
            "id " + e.getKey() + " has " + rows.size() + " rows, the first id has " + length + ": windows must be equally long");
      }
      float[] values = new float[length * featureCols.size()];
      int label = rows.get(0).label;
      for (int t = 0; t < length; t++) {
        Row r = rows.get(t);
        if (t > 0 && r.timestamp == rows.get(t - 1).timestamp) {
          throw new DatasetFormatException(in.path(), r.line, "id " + e.getKey() + " repeats timestamp " + r.timestamp);
        }
        if (r.label != label) {
          throw new DatasetFormatException(in.path(), r.line,
              "id " + e.getKey() + " mixes labels " + label + " and " + r.label);
        }
        System.arraycopy(r.features, 0, values, t * featureCols.size(), featureCols.size());
      }
      windows.add(new LabelledWindow(e.getKey(), label, length, featureCols.size(), values));
    }
    return windows;
  }

}

package org.ecgstream.model.data;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.ecgstream.model.wfdb.WfdbBeats;

/**
 * Reads one or more archive files into a {@link Dataset}, choosing the format by extension:
 * UCR text ({@code .txt}, {@code .tsv}, {@code .ucr}), {@code .arff} or {@code .csv}, any of them
 * gzipped, or a WFDB record's header ({@code .hea}), whose annotated beats become windows
 * ({@link WfdbBeats}).
 */
public final class DatasetReader {
  private DatasetReader() {}

  public static Dataset read(Path... files) {
    return read(List.of(files));
  }

  public static Dataset read(List<Path> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no dataset files given");
    }
    List<LabelledWindow> all = new ArrayList<>();
    StringBuilder hashes = new StringBuilder();
    int length = -1;
    int features = -1;
    for (Path file : files) {
      List<LabelledWindow> windows;
      String sha;
      if (file.toString().endsWith(".hea")) {
        windows = WfdbBeats.read(file);
        sha = WfdbBeats.sha256(file);
      } else {
        try (ArchiveFile in = ArchiveFile.open(file)) {
          windows = switch (ArchiveFile.extension(file)) {
            case "txt", "tsv", "ucr" -> UcrReader.read(in);
            case "arff" -> ArffReader.read(in);
            case "csv" -> CsvWindowReader.read(in);
            default -> throw new DatasetFormatException(file, 0,
                "unknown format: expected .txt/.tsv/.ucr (UCR), .arff, .csv (optionally .gz) or a WFDB .hea");
          };
          sha = in.sha256();
        }
      }
      if (windows.isEmpty()) {
        throw new DatasetFormatException(file, 0, "no windows in file");
      }
      LabelledWindow first = windows.get(0);
      if (length < 0) {
        length = first.length();
        features = first.features();
      } else if (first.length() != length || first.features() != features) {
        throw new DatasetFormatException(file, 0, "windows are " + first.length() + "x" + first.features()
            + " but earlier files had " + length + "x" + features);
      }
      all.addAll(windows);
      hashes.append(sha).append('\n');
    }
    String sha256 = files.size() == 1 ? hashes.toString().strip() : sha256(hashes.toString());
    return new Dataset(all, length, features, sha256);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package org.ecgstream.model.skab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One SKAB experiment: a {@code ;}-separated file with a {@code datetime} column, eight sensor
 * columns and the {@code anomaly} and {@code changepoint} labels (0/1), about one row a second
 * with gaps. The protocol splits each file in two: its first {@value #TRAIN_ROWS} rows learn, the
 * rest is scored.
 *
 * @param name  the file's name under the SKAB folder without {@code .csv}, e.g. {@code valve1/3}
 * @param times seconds since the epoch, one per row (the file's local clock, read as UTC)
 */
public record SkabFile(String name, List<String> channels, long[] times, float[][] values, int[] anomaly,
                       int[] changepoint) {
  /** Rows of each file that learn; every later row is scored. */
  public static final int TRAIN_ROWS = 400;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  public int rows() {
    return times.length;
  }

  public int testRows() {
    return rows() - TRAIN_ROWS;
  }

  /** Reads {@code file}, naming it {@code name}; a malformed row is an error naming its line. */
  public static SkabFile read(Path file, String name) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw new IllegalArgumentException(file + " is empty");
      }
      List<String> columns = Arrays.asList(header.split(";", -1));
      int anomalyColumn = columns.indexOf("anomaly");
      int changepointColumn = columns.indexOf("changepoint");
      if (!columns.get(0).equals("datetime") || anomalyColumn < 0 || changepointColumn < 0) {
        throw new IllegalArgumentException(file + ": expected a header datetime;<sensors>;anomaly;changepoint, got "
            + header);
      }
      List<String> channels = List.copyOf(columns.subList(1, Math.min(anomalyColumn, changepointColumn)));
      List<long[]> times = new ArrayList<>();
      List<float[]> values = new ArrayList<>();
      List<int[]> labels = new ArrayList<>();
      String line;
      int lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(";", -1);
        if (f.length != columns.size()) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": " + f.length + " fields, expected "
              + columns.size());
        }
        try {
          times.add(new long[] {LocalDateTime.parse(f[0], TIME).toEpochSecond(ZoneOffset.UTC)});
          float[] v = new float[channels.size()];
          for (int c = 0; c < v.length; c++) {
            v[c] = Float.parseFloat(f[c + 1]);
          }
          values.add(v);
          labels.add(new int[] {label(f[anomalyColumn]), label(f[changepointColumn])});
        } catch (DateTimeParseException | NumberFormatException e) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": " + e.getMessage(), e);
        }
      }
      if (times.size() <= TRAIN_ROWS) {
        throw new IllegalArgumentException(file + " has " + times.size() + " rows; the protocol needs more than "
            + TRAIN_ROWS);
      }
      return new SkabFile(name, channels, times.stream().mapToLong(t -> t[0]).toArray(), values.toArray(float[][]::new),
          labels.stream().mapToInt(l -> l[0]).toArray(), labels.stream().mapToInt(l -> l[1]).toArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static int label(String s) {
    double d = Double.parseDouble(s);
    if (d != 0 && d != 1) {
      throw new NumberFormatException("a label must be 0 or 1, got " + s);
    }
    return (int) d;
  }

  /**
   * The protocol's 34 files under {@code root}: every {@code .csv} below it except those in
   * {@code anomaly-free/}, in a fixed order (folder, then file number).
   */
  public static List<SkabFile> readAll(Path root) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("no SKAB folder at " + root + " (it holds valve1/, valve2/ and other/)");
    }
    List<SkabFile> files = new ArrayList<>();
    try (var walk = Files.walk(root)) {
      for (Path p : walk.filter(p -> p.toString().endsWith(".csv")).toList()) {
        Path rel = root.relativize(p);
        if (rel.getNameCount() != 2 || rel.getName(0).toString().equals("anomaly-free")) {
          continue;
        }
        String name = rel.getName(0) + "/" + rel.getName(1).toString().replaceFirst("\\.csv$", "");
        files.add(read(p, name));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    files.sort(java.util.Comparator.comparing((SkabFile f) -> f.name().substring(0, f.name().indexOf('/')))
        .thenComparingInt(f -> Integer.parseInt(f.name().substring(f.name().indexOf('/') + 1))));
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no SKAB experiment files under " + root);
    }
    return files;
  }
}

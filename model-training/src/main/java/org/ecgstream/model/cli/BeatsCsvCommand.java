package org.ecgstream.model.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import org.ecgstream.model.bundle.WholeFile;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.wfdb.WfdbBeats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code beats-csv}: the annotated beats of WFDB records, every lead a feature, as the multi-feature
 * CSV the trainer reads ({@code id,timestamp,feature_1,...,label}): how the shipped multi-lead set
 * was made, and a way to bring other records to the CSV path.
 */
@Command(name = "beats-csv", mixinStandardHelpOptions = true,
    description = "Write the annotated beats of WFDB records (all leads, one feature each) as a multi-feature CSV.")
final class BeatsCsvCommand implements Callable<Integer> {
  @Option(names = "--records", split = ",", required = true, description = "WFDB headers (.hea).")
  List<Path> records;

  @Option(names = "--leads", defaultValue = "2", description = "Leads per beat, from the first (default: ${DEFAULT-VALUE}).")
  int leads;

  @Option(names = "--normal-every", defaultValue = "1", description = "Keep every n-th normal (AAMI N) beat and every "
      + "other beat, to keep a file small (default: ${DEFAULT-VALUE}: all).")
  int normalEvery;

  @Option(names = "--out", required = true, description = "CSV file to write; gzipped when it ends in .gz.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (normalEvery < 1) {
      throw new IllegalArgumentException("--normal-every must be at least 1, got " + normalEvery);
    }
    // Written record by record as read: all of MIT-BIH's beats at once would be hundreds of MB.
    int[] counts = new int[2];
    WholeFile.write(out, file -> {
      try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
          out.toString().endsWith(".gz") ? new GZIPOutputStream(file) : file, StandardCharsets.UTF_8))) {
        w.write(header(leads));
        for (Path record : records) {
          int seen = 0;
          for (LabelledWindow beat : WfdbBeats.read(record, leads)) {
            if (beat.label() != 1 || seen++ % normalEvery == 0) {
              write(w, beat);
              counts[0]++;
              counts[1] += beat.label() == 1 ? 1 : 0;
            }
          }
        }
      }
    });
    int written = counts[0];
    int normals = counts[1];
    System.out.printf("%d beats (%d normal) of %d lead(s) written to %s%n", written, normals, leads, out);
    return 0;
  }

  static String header(int leads) {
    StringBuilder h = new StringBuilder("id,timestamp");
    for (int c = 1; c <= leads; c++) {
      h.append(",feature_").append(c);
    }
    return h.append(",label\n").toString();
  }

  /** One row per step: the step's index as its timestamp, each lead to 3 decimals (the beats are z-normalised). */
  static void write(BufferedWriter w, LabelledWindow beat) throws IOException {
    StringBuilder row = new StringBuilder();
    for (int t = 0; t < beat.length(); t++) {
      row.setLength(0);
      row.append(beat.id()).append(',').append(t);
      for (int c = 0; c < beat.features(); c++) {
        row.append(',').append(String.format(Locale.ROOT, "%.3f", beat.values()[t * beat.features() + c]));
      }
      w.write(row.append(',').append(beat.label()).append('\n').toString());
    }
  }
}

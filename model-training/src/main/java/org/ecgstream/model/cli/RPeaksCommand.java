package org.ecgstream.model.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.ecgstream.model.beats.LeadChoice;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.rpeak.DetectionScore;
import org.ecgstream.model.rpeak.RPeakDetector;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.WfdbRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rpeaks}: runs the streaming R-peak detector over WFDB records and scores it against their annotations. */
@Command(name = "rpeaks", mixinStandardHelpOptions = true,
    description = "Detect R peaks in WFDB records sample by sample, as the job does, and compare them with the "
        + "reference beat annotations (EC57 match window).")
final class RPeaksCommand implements Callable<Integer> {
  @Option(names = "--data", description = "Folder of WFDB records (default: the shipped MIT-BIH records).")
  Path data;

  @Option(names = "--records", split = ",", description = "Record names (default: every .hea in the folder).")
  List<String> records;

  @Option(names = "--lead", defaultValue = "MLII", description = "Lead to detect on; a record without it uses its "
      + "first signal, with a note (default: ${DEFAULT-VALUE}).")
  String lead;

  @Option(names = "--tolerance-ms", defaultValue = "150", description = "Match window (default: ${DEFAULT-VALUE} ms).")
  int toleranceMs;

  @Override
  public Integer call() throws IOException {
    Path dir = data == null ? ShippedData.mitdb() : data;
    List<String> names = records != null ? records : headers(dir);
    System.out.printf("%-7s %6s %6s %4s %4s %8s %8s %11s %11s%n", "record", "beats", "TP", "FN", "FP", "Se %", "+P %",
        "offset ms", "delay ms");
    int tp = 0;
    int fn = 0;
    int fp = 0;
    for (String name : names) {
      WfdbRecord r = WfdbRecord.read(dir, name);
      double fs = r.header().frequency();
      RPeakDetector d = new RPeakDetector(fs);
      List<Long> found = new ArrayList<>();
      List<Long> delays = new ArrayList<>();
      LeadChoice choice = LeadChoice.of(r, lead);
      if (!choice.note().isEmpty()) {
        System.out.println("note: " + choice.note());
      }
      for (float x : r.physical(choice.primary())) {
        d.push(x, p -> {
          found.add(p);
          delays.add(d.samplesSeen() - 1 - p);
        });
      }
      d.finish(found::add);
      List<Long> reference = r.beats().stream().map(Annotation::sample).toList();
      DetectionScore s = DetectionScore.of(reference, found, Math.round(toleranceMs * fs / 1000));
      long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("%-7s %6d %6d %4d %4d %8.2f %8.2f %11.1f %5.0f/%-5.0f%n", name, reference.size(),
          s.truePositives(), s.falseNegatives(), s.falsePositives(), 100 * s.sensitivity(),
          100 * s.positivePredictivity(), s.meanOffsetSamples() * 1000 / fs, sorted[sorted.length / 2] * 1000 / fs,
          sorted[sorted.length - 1] * 1000 / fs);
      tp += s.truePositives();
      fn += s.falseNegatives();
      fp += s.falsePositives();
    }
    System.out.printf("%-7s %6d %6d %4d %4d %8.2f %8.2f%n", "all", tp + fn, tp, fn, fp, 100.0 * tp / (tp + fn),
        100.0 * tp / (tp + fp));
    System.out.println("offset: mean detection minus annotation; delay: median/max samples seen past the peak "
        + "when it was reported");
    return 0;
  }

  private static List<String> headers(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      String[] names = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".hea"))
          .map(f -> f.substring(0, f.length() - 4)).sorted().toArray(String[]::new);
      if (names.length == 0) {
        throw new IllegalArgumentException("no WFDB headers (.hea) in " + dir);
      }
      return Arrays.asList(names);
    }
  }
}

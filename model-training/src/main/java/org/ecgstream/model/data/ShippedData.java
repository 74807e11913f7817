package org.ecgstream.model.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the datasets shipped in the repository's {@code data/} folder from any module directory. */
public final class ShippedData {
  private ShippedData() {}

  /** ECG5000's TRAIN and TEST files (500 + 4500 beats), the default training data. */
  public static List<Path> ecg5000() {
    Path dir = find(Path.of("data", "ecg5000"));
    return List.of(dir.resolve("ECG5000_TRAIN.txt.gz"), dir.resolve("ECG5000_TEST.txt.gz"));
  }

  /** The folder of the shipped MIT-BIH records (100, 101, 208). */
  public static Path mitdb() {
    return find(Path.of("data", "mitdb"));
  }

  /**
   * Two-lead beats of MIT-BIH record 208 as multi-feature CSV (every second normal beat and every
   * other beat, both leads): the shipped set for the multi-sensor path.
   */
  public static Path twoLeadBeats() {
    return find(Path.of("data", "multilead", "mitdb-208-beats.csv.gz"));
  }

  /** The system property naming the checkout the tools run from (bin/ecg sets it). */
  public static final String HOME_PROPERTY = "ecg.home";

  /**
   * Resolves {@code relative} against the checkout named by the system property {@code ecg.home}
   * (the launcher sets it, so the tools use their own checkout's files from any directory), else
   * against the working directory or the nearest parent that has it.
   */
  public static Path find(Path relative) {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && Files.exists(Path.of(home).resolve(relative))) {
      return Path.of(home).resolve(relative);
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(relative))) {
        return p.resolve(relative);
      }
    }
    throw new DatasetFormatException(relative, 0, "not found in " + here + " or any parent directory"
        + (home == null ? "" : " nor in " + home));
  }
}

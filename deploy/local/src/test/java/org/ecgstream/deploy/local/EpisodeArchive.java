package org.ecgstream.deploy.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A replay archive (UCR text format) built from the shipped ECG5000 test beats, dealt so that
 * round-robin replay gives every patient normal beats with runs of abnormal ones: patient p's beat
 * j is abnormal for j in [15, 23), and for odd p also in [34, 46), an episode that is still open
 * when the test stops the job at beat 40 with a savepoint. (The shipped file is sorted by class.)
 */
final class EpisodeArchive {
  private EpisodeArchive() {}

  static boolean abnormal(int patient, int beat) {
    return (beat >= 15 && beat < 23) || (patient % 2 == 1 && beat >= 34 && beat < 46);
  }

  static Path write(Path shippedTestGz, Path out, int patients, int beatsPerPatient) throws IOException {
    List<String> normal = new ArrayList<>();
    List<String> abnormal = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(shippedTestGz)), StandardCharsets.US_ASCII))) {
      for (String line; (line = r.readLine()) != null; ) {
        String label = line.trim().split("\\s+", 2)[0];
        (Double.parseDouble(label) == 1.0 ? normal : abnormal).add(line);
      }
    }
    List<String> lines = new ArrayList<>();
    int n = 0;
    int a = 0;
    for (int beat = 0; beat < beatsPerPatient; beat++) {
      for (int p = 0; p < patients; p++) {
        lines.add(abnormal(p, beat) ? abnormal.get(a++) : normal.get(n++));
      }
    }
    Files.createDirectories(out.getParent());
    return Files.write(out, lines, StandardCharsets.US_ASCII);
  }
}

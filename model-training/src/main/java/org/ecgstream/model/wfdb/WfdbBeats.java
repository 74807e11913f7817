package org.ecgstream.model.wfdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.rpeak.BeatWindow;

/**
 * The annotated beats of a WFDB record as labelled windows, cut as the job cuts beats around R
 * peaks ({@link BeatWindow}: 250 ms before to 450 ms after, 140 samples, z-normalised) from its
 * first lead. Labels are the AAMI EC57 classes: 1 N (N, L, R, e, j), 2 S (A, a, J, S), 3 V (V, E),
 * 4 F, 5 Q (/, f, Q, ?), so {@code --normal-label 1} trains on normal beats.
 */
public final class WfdbBeats {
  public static final int LENGTH = 140;
  public static final long BEFORE_MS = 250;
  public static final long AFTER_MS = 450;

  private WfdbBeats() {}

  /** Record {@code header}'s beats from its first lead; the window ids are {@code record@sample}. */
  public static List<LabelledWindow> read(Path header) {
    return read(header, 1);
  }

  /**
   * Record {@code header}'s beats from its first {@code leads} leads (one feature each, every lead
   * z-normalised on its own, as {@link BeatWindow} does); the window ids are {@code record@sample}.
   */
  public static List<LabelledWindow> read(Path header, int leads) {
    String file = header.getFileName().toString();
    String name = file.substring(0, file.length() - ".hea".length());
    WfdbRecord r = WfdbRecord.read(header.toAbsolutePath().getParent(), name);
    int available = r.header().signals().size();
    if (leads < 1 || leads > available) {
      throw new WfdbFormatException(header, "asked for " + leads + " lead(s); the record has " + available);
    }
    double fs = r.header().frequency();
    float[][] signal = new float[leads][];
    for (int c = 0; c < leads; c++) {
      signal[c] = r.physical(c);
    }
    long before = BeatWindow.before(BEFORE_MS, fs);
    long after = BeatWindow.after(AFTER_MS, fs);
    List<LabelledWindow> out = new ArrayList<>();
    for (Annotation a : r.beats()) {
      long from = a.sample() - before;
      long to = a.sample() + after;
      if (from < 0 || to > signal[0].length) {
        continue;
      }
      float[] w = BeatWindow.cut((k, c) -> signal[c][(int) k], from, to, LENGTH, leads);
      out.add(new LabelledWindow(name + "@" + a.sample(), aamiClass(a.code()), LENGTH, leads, w));
    }
    return out;
  }

  /** The AAMI EC57 class of an MIT beat code, numbered 1..5 (N, S, V, F, Q). */
  public static int aamiClass(String code) {
    return switch (code) {
      case "N", "L", "R", "e", "j" -> 1;
      case "A", "a", "J", "S" -> 2;
      case "V", "E" -> 3;
      case "F" -> 4;
      default -> 5;
    };
  }

  /** SHA-256 over the record's header, signal and annotation files, identifying the training data. */
  public static String sha256(Path header) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      String file = header.getFileName().toString();
      String name = file.substring(0, file.length() - ".hea".length());
      Path dir = header.toAbsolutePath().getParent();
      for (String f : List.of(name + ".hea", name + ".atr", name + ".dat", name + ".dat.gz")) {
        Path p = dir.resolve(f);
        if (Files.exists(p)) {
          try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new WfdbFormatException(header, "cannot read: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

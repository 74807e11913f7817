package org.ecgstream.model.wfdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads MIT-format annotation files ({@code .atr}): 16-bit little-endian words of a 6-bit code and
 * a 10-bit time step, with the pseudo-annotations SKIP (a 32-bit time step follows), NUM, SUB, CHN
 * (fields of the annotation before them; NUM and CHN carry over) and AUX (text of the annotation
 * before it, padded to an even length).
 */
public final class MitAnnotations {
  private static final int SKIP = 59;
  private static final int NUM = 60;
  private static final int SUB = 61;
  private static final int CHN = 62;
  private static final int AUX = 63;
  /** Mnemonics of MIT codes 0..49, as in the WFDB library's ecgmap; "" for codes without one. */
  private static final String[] CODES = {"", "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "~", "",
      "|", "", "s", "T", "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e", "n", "@", "x", "f",
      "(", ")", "r", "", "", "", "", "", "", "", ""};

  private MitAnnotations() {}

  public static List<Annotation> read(Path file) {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new WfdbFormatException(file, "cannot read the annotations: " + e.getMessage());
    }
    List<Annotation> out = new ArrayList<>();
    long time = 0;
    int channel = 0;
    int number = 0;
    int i = 0;
    while (true) {
      if (i + 1 >= b.length) {
        throw new WfdbFormatException(file, "no end marker: the file ends at byte " + b.length);
      }
      int word = (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
      i += 2;
      int code = word >>> 10;
      int step = word & 0x3ff;
      if (code == 0 && step == 0) {
        return List.copyOf(out);
      }
      switch (code) {
        case SKIP -> {
          if (i + 4 > b.length) {
            throw new WfdbFormatException(file, "SKIP at byte " + (i - 2) + " is truncated");
          }
          // A PDP-11 long: the high 16-bit word first, each word little-endian.
          long high = (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
          long low = (b[i + 2] & 0xff) | (b[i + 3] & 0xff) << 8;
          time += (int) (high << 16 | low);
          i += 4;
        }
        case NUM -> number = step;
        case CHN -> channel = step;
        case SUB -> replaceLast(out, file, i, a -> new Annotation(a.sample(), a.code(), step, a.channel(), a.number(),
            a.aux()));
        case AUX -> {
          if (i + step > b.length) {
            throw new WfdbFormatException(file, "AUX at byte " + (i - 2) + " claims " + step + " bytes beyond the end");
          }
          String text = new String(b, i, step, StandardCharsets.ISO_8859_1).replace("\0", "");
          i += step + (step & 1);
          replaceLast(out, file, i, a -> new Annotation(a.sample(), a.code(), a.subtype(), a.channel(), a.number(), text));
        }
        default -> {
          time += step;
          if (code >= CODES.length || CODES[code].isEmpty()) {
            throw new WfdbFormatException(file, "unknown annotation code " + code + " at byte " + (i - 2));
          }
          out.add(new Annotation(time, CODES[code], 0, channel, number, ""));
        }
      }
    }
  }

  private static void replaceLast(List<Annotation> out, Path file, int at,
                                  java.util.function.UnaryOperator<Annotation> change) {
    if (out.isEmpty()) {
      throw new WfdbFormatException(file, "a modifier at byte " + at + " precedes every annotation");
    }
    out.set(out.size() - 1, change.apply(out.get(out.size() - 1)));
  }
}

package org.ecgstream.model.wfdb;

import java.nio.file.Path;

/**
 * WFDB signal format 212: the samples of all signals interleaved, each pair of 12-bit two's
 * complement samples packed into three bytes (first sample: byte 0 and the low nibble of byte 1;
 * second: byte 2 and the high nibble of byte 1).
 */
final class Format212 {
  private Format212() {}

  /** Decodes {@code samples} frames of {@code signals} signals; a short file is an error, not zeros. */
  static int[][] decode(Path file, byte[] data, int signals, int samples) {
    long values = (long) signals * samples;
    long needed = (values * 3 + 1) / 2;
    if (data.length < needed) {
      throw new WfdbFormatException(file, "truncated: " + data.length + " bytes hold " + (data.length * 2 / 3 / signals)
          + " of " + samples + " samples per signal (" + needed + " bytes needed)");
    }
    int[][] out = new int[signals][samples];
    for (long v = 0; v < values; v++) {
      int at = (int) (v / 2 * 3);
      int raw = v % 2 == 0
          ? (data[at] & 0xff) | (data[at + 1] & 0x0f) << 8
          : (data[at + 2] & 0xff) | (data[at + 1] & 0xf0) << 4;
      // Sign-extend 12 bits.
      out[(int) (v % signals)][(int) (v / signals)] = raw >= 0x800 ? raw - 0x1000 : raw;
    }
    return out;
  }
}

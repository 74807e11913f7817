package org.ecgstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;

/**
 * The wire format of the samples topic. Producers write Avro's single-object encoding (two marker
 * bytes {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint, little-endian, then the
 * binary record), so the job knows which version of {@link SampleFrame} wrote each frame and
 * resolves it against the current one. Plain binary without the header is read as the current
 * version. Decoding is bounded: lengths are checked against the bytes present and the limits
 * before Avro allocates anything.
 */
public final class SampleFrameWire {
  /** Every version of the schema that was ever released, oldest first; the current one is last. */
  static final List<String> HISTORY = List.of("SampleFrame-v1.avsc");

  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = 0x01;
  private static final int HEADER = 10;
  private static final Map<Long, Schema> KNOWN = known();

  private SampleFrameWire() {}

  /** A decoded frame, the schema version that wrote it, and whether that is an older one than the current. */
  public record Decoded(SampleFrame frame, String writerVersion, boolean olderVersion) {}

  /** Input that is not a usable frame; the message is the reason, fit for a dead letter. */
  public static final class BadFrame extends IOException {
    public BadFrame(String reason) {
      super(reason);
    }
  }

  /** The single-object encoding of {@code frame} with the current schema. */
  public static byte[] encode(SampleFrame frame) {
    try {
      ByteBuffer b = SampleFrame.getEncoder().encode(frame);
      return Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code bytes} start with the single-object marker. */
  public static boolean isSingleObject(byte[] bytes) {
    return bytes.length >= 2 && bytes[0] == MARKER_0 && bytes[1] == MARKER_1;
  }

  public static Decoded decode(byte[] bytes, AvroBoundsCheck.Limits limits) throws BadFrame {
    if (bytes == null || bytes.length == 0) {
      throw new BadFrame(bytes == null ? "empty value (tombstone)" : "empty value (0 bytes)");
    }
    Schema writer = SampleFrame.getClassSchema();
    int offset = 0;
    String version = "current (plain binary)";
    if (isSingleObject(bytes)) {
      if (bytes.length < HEADER) {
        throw new BadFrame("single-object header truncated: " + bytes.length + " bytes");
      }
      long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      writer = KNOWN.get(fingerprint);
      if (writer == null) {
        throw new BadFrame(String.format("unknown writer schema fingerprint %016x: not a released SampleFrame version",
            fingerprint));
      }
      offset = HEADER;
      version = version(writer);
    }
    String problem = AvroBoundsCheck.problem(bytes, offset, writer, limits);
    if (problem != null) {
      throw new BadFrame("malformed SampleFrame (" + version + "): " + problem);
    }
    try {
      byte[] body = offset == 0 ? bytes : Arrays.copyOfRange(bytes, offset, bytes.length);
      return new Decoded(AvroBytes.decode(body, writer, SampleFrame.class), version,
          writer != SampleFrame.getClassSchema());
    } catch (IOException | RuntimeException e) {
      // The bounds check passed, so what remains are type-level faults (e.g. invalid UTF-8).
      throw new BadFrame("malformed SampleFrame (" + version + "): " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  /** The released schemas by fingerprint, the current one included. */
  public static Map<Long, Schema> knownSchemas() {
    return KNOWN;
  }

  private static String version(Schema s) {
    String v = s.getProp("version");
    return v == null ? "current" : "v" + v;
  }

  private static Map<Long, Schema> known() {
    Map<Long, Schema> m = new LinkedHashMap<>();
    for (String name : HISTORY) {
      try (InputStream in = SampleFrameWire.class.getResourceAsStream("history/" + name)) {
        if (in == null) {
          throw new IllegalStateException("schema history resource missing: " + name);
        }
        Schema old = new Schema.Parser().parse(in);
        var compat = SchemaCompatibility.checkReaderWriterCompatibility(SampleFrame.getClassSchema(), old);
        if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          throw new IllegalStateException(name + " cannot be read by the current SampleFrame: " + compat.getDescription());
        }
        m.put(SchemaNormalization.parsingFingerprint64(old), old);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    m.put(SchemaNormalization.parsingFingerprint64(SampleFrame.getClassSchema()), SampleFrame.getClassSchema());
    return Collections.unmodifiableMap(m);
  }
}

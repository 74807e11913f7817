package org.ecgstream.schemas;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks Avro binary data along its writer schema before anything is decoded, so that a record
 * claiming more items or bytes than it carries, or than the limits allow, is refused with a
 * precise reason. Avro's own decoder allocates what a length prefix claims: a 30-byte record
 * announcing 400 million floats would otherwise exhaust the heap before the decoder notices the
 * bytes are missing.
 */
public final class AvroBoundsCheck {
  /** Largest string (in bytes) and largest array or map (in items) a record may hold. */
  public record Limits(int maxStringBytes, int maxItems) {
    public Limits {
      if (maxStringBytes < 1 || maxItems < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  private final byte[] data;
  private final int end;
  private final Limits limits;
  private int pos;

  private AvroBoundsCheck(byte[] data, int offset, Limits limits) {
    this.data = data;
    this.pos = offset;
    this.end = data.length;
    this.limits = limits;
  }

  /** Why {@code data} from {@code offset} is not one bounded record of {@code writer}, or null when it is. */
  public static String problem(byte[] data, int offset, Schema writer, Limits limits) {
    AvroBoundsCheck check = new AvroBoundsCheck(data, offset, limits);
    try {
      check.walk(writer, writer.getName());
    } catch (Refused r) {
      return r.getMessage();
    }
    if (check.pos != check.end) {
      return (check.end - check.pos) + " trailing bytes after the record";
    }
    return null;
  }

  /** A reason to refuse the data; thrown inside the walk only. */
  private static final class Refused extends RuntimeException {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  private void walk(Schema s, String path) {
    switch (s.getType()) {
      case NULL -> { }
      case BOOLEAN -> skip(1, path);
      case INT, LONG, ENUM -> {
        long v = varint(path);
        if (s.getType() == Schema.Type.ENUM && (v < 0 || v >= s.getEnumSymbols().size())) {
          throw new Refused(path + ": enum index " + v + " outside 0.." + (s.getEnumSymbols().size() - 1));
        }
      }
      case FLOAT -> skip(4, path);
      case DOUBLE -> skip(8, path);
      case FIXED -> skip(s.getFixedSize(), path);
      case STRING, BYTES -> {
        long n = varint(path);
        if (n < 0) {
          throw new Refused(path + ": negative length " + n);
        }
        if (s.getType() == Schema.Type.STRING && n > limits.maxStringBytes()) {
          throw new Refused(path + ": string of " + n + " bytes exceeds the limit of " + limits.maxStringBytes());
        }
        skip(n, path);
      }
      case UNION -> {
        long branch = varint(path);
        List<Schema> types = s.getTypes();
        if (branch < 0 || branch >= types.size()) {
          throw new Refused(path + ": union branch " + branch + " outside 0.." + (types.size() - 1));
        }
        walk(types.get((int) branch), path);
      }
      case RECORD -> {
        for (Schema.Field f : s.getFields()) {
          walk(f.schema(), f.name());
        }
      }
      case ARRAY -> items(s.getElementType(), null, path);
      case MAP -> items(s.getValueType(), Schema.create(Schema.Type.STRING), path);
      default -> throw new Refused(path + ": unsupported type " + s.getType());
    }
  }

  /** Array or map blocks: a count (negative: followed by the block's byte size), items, until a zero count. */
  private void items(Schema item, Schema keyOrNull, String path) {
    long total = 0;
    int minItemBytes = minBytes(item) + (keyOrNull == null ? 0 : 1);
    while (true) {
      long count = varint(path);
      if (count == 0) {
        return;
      }
      if (count < 0) {
        count = -count;
        varint(path); // the block's size in bytes, not needed to walk it
      }
      total += count;
      if (count < 0 || total > limits.maxItems()) {
        throw new Refused(path + ": " + (count < 0 ? "overflowing" : String.valueOf(total)) + " items exceed the limit of "
            + limits.maxItems());
      }
      long remaining = end - pos;
      if (count * minItemBytes > remaining) {
        throw new Refused(path + ": claims " + count + " items (at least " + count * minItemBytes + " bytes) but only "
            + remaining + " bytes remain");
      }
      if (keyOrNull == null && isFixedSize(item)) {
        skip(count * minItemBytes, path);
      } else {
        for (long i = 0; i < count; i++) {
          if (keyOrNull != null) {
            walk(keyOrNull, path + " key");
          }
          walk(item, path);
        }
      }
    }
  }

  private static boolean isFixedSize(Schema s) {
    return switch (s.getType()) {
      case FLOAT, DOUBLE, FIXED -> true;
      default -> false;
    };
  }

  /** The fewest bytes one value of {@code s} can take. */
  private static int minBytes(Schema s) {
    return switch (s.getType()) {
      case NULL -> 0;
      case FLOAT -> 4;
      case DOUBLE -> 8;
      case FIXED -> s.getFixedSize();
      case RECORD -> s.getFields().stream().mapToInt(f -> minBytes(f.schema())).sum();
      default -> 1;
    };
  }

  private void skip(long n, String path) {
    if (n > end - pos) {
      throw new Refused(path + ": needs " + n + " bytes but only " + (end - pos) + " remain (truncated)");
    }
    pos += (int) n;
  }

  /** A zig-zag varint as Avro writes ints and longs. */
  private long varint(String path) {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new Refused(path + ": truncated number");
      }
      byte b = data[pos++];
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new Refused(path + ": malformed number (more than 10 bytes)");
  }
}

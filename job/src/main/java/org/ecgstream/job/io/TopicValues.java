package org.ecgstream.job.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AvroBoundsCheck;
import org.ecgstream.schemas.AvroBytes;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;

/**
 * Decodes a record value of one of the job's topics as a reader outside the job does: the samples
 * topic in its own wire format (any released schema version), the others as plain Avro binary. A
 * plain record names no schema, so one that does not decode with the current schema is tried with
 * each released version kept for its type, newest first (alerts written before the peak beat was
 * added, scores before the embedding); only a record that none reads exactly, to its last byte, is an error.
 */
public final class TopicValues {
  /** These limits only guard a reader; the job applies its own configured ones. */
  private static final AvroBoundsCheck.Limits SAMPLES_LIMITS = new AvroBoundsCheck.Limits(1 << 20, 1 << 24);
  private static final Map<Class<?>, List<Schema>> RELEASED = Map.of(Alert.class, List.of(released("Alert-v1.avsc")),
      BeatScore.class, List.of(released("BeatScore-v2.avsc")));

  private TopicValues() {}

  public static <T extends SpecificRecord> T decode(byte[] value, Class<T> type) throws IOException {
    if (value == null) {
      throw new IOException("no value");
    }
    if (type == SampleFrame.class) {
      return type.cast(SampleFrameWire.decode(value, SAMPLES_LIMITS).frame());
    }
    try {
      return AvroBytes.decode(value, type);
    } catch (IOException | RuntimeException current) {
      for (Schema writer : RELEASED.getOrDefault(type, List.of())) {
        try {
          return AvroBytes.decode(value, writer, type);
        } catch (IOException | RuntimeException older) {
          current.addSuppressed(older);
        }
      }
      throw current;
    }
  }

  private static Schema released(String name) {
    try (InputStream in = TopicValues.class.getResourceAsStream("history/" + name)) {
      if (in == null) {
        throw new IllegalStateException("released schema " + name + " missing from the build");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

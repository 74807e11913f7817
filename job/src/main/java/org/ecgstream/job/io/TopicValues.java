package org.ecgstream.job.io;

import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;
import org.ecgstream.schemas.AvroBoundsCheck;
import org.ecgstream.schemas.AvroBytes;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;

/**
 * Decodes a record value of one of the job's topics as a reader outside the job does: the samples
 * topic in its own wire format (any released schema version), the others as plain Avro binary.
 */
public final class TopicValues {
  /** These limits only guard a reader; the job applies its own configured ones. */
  private static final AvroBoundsCheck.Limits SAMPLES_LIMITS = new AvroBoundsCheck.Limits(1 << 20, 1 << 24);

  private TopicValues() {}

  public static <T extends SpecificRecord> T decode(byte[] value, Class<T> type) throws IOException {
    if (value == null) {
      throw new IOException("no value");
    }
    return type == SampleFrame.class
        ? type.cast(SampleFrameWire.decode(value, SAMPLES_LIMITS).frame())
        : AvroBytes.decode(value, type);
  }
}

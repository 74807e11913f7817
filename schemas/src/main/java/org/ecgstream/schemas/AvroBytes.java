package org.ecgstream.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary encoding of one record per Kafka value, the encoding every topic uses (the
 * same bytes Flink's {@code AvroSerializationSchema.forSpecific} writes).
 */
public final class AvroBytes {
  private AvroBytes() {}

  public static <T extends SpecificRecord> byte[] encode(T record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new SpecificDatumWriter<T>(record.getSchema()).write(record, enc);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes bytes written with {@code writer} into {@code type}, resolving schema differences.
   *
   * @throws IOException when the bytes are not a valid record (truncated, garbage)
   */
  public static <T extends SpecificRecord> T decode(byte[] bytes, Schema writer, Class<T> type) throws IOException {
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, specificSchema(type));
    BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, null);
    T value = reader.read(null, dec);
    if (!dec.isEnd()) {
      throw new IOException("trailing bytes after the record");
    }
    return value;
  }

  public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) throws IOException {
    return decode(bytes, specificSchema(type), type);
  }

  private static Schema specificSchema(Class<?> type) {
    return org.apache.avro.specific.SpecificData.get().getSchema(type);
  }
}

package org.ecgstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class SampleFrameWireTest {
  static final AvroBoundsCheck.Limits LIMITS = new AvroBoundsCheck.Limits(256, 1024);

  private static Schema v1() throws IOException {
    try (InputStream in = SampleFrameWire.class.getResourceAsStream("history/SampleFrame-v1.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  @Test
  void shouldRoundTripTheCurrentVersionInSingleObjectEncoding() throws IOException {
    SampleFrame f = SchemaRoundTripTest.frame();
    byte[] wire = SampleFrameWire.encode(f);
    assertThat(SampleFrameWire.isSingleObject(wire)).isTrue();
    long fingerprint = ByteBuffer.wrap(wire, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(SampleFrame.getClassSchema()));
    SampleFrameWire.Decoded d = SampleFrameWire.decode(wire, LIMITS);
    assertThat(d.frame()).isEqualTo(f);
    assertThat(d.writerVersion()).isEqualTo("v2");
  }

  @Test
  void shouldReadFramesOfAProducerOnThePreviousSchema() throws IOException {
    // Written the way any Avro library writes single-object encoding, from the v1 schema file.
    GenericRecord old = new GenericData.Record(v1());
    old.put("sourceId", "p1");
    old.put("sequence", 5L);
    old.put("eventTimeMillis", 9L);
    old.put("channels", 1);
    old.put("values", List.of(1f, 2f));
    ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1()).encode(old);
    SampleFrameWire.Decoded d = SampleFrameWire.decode(Arrays.copyOf(b.array(), b.limit()), LIMITS);
    assertThat(d.writerVersion()).isEqualTo("v1");
    assertThat(d.frame().getSequence()).isEqualTo(5L);
    assertThat(d.frame().getSamplePeriodMicros()).isZero();
    assertThat(d.frame().getValues()).containsExactly(1f, 2f);
  }

  @Test
  void shouldStillReadPlainBinaryAsTheCurrentVersion() throws IOException {
    SampleFrame f = SchemaRoundTripTest.frame();
    SampleFrameWire.Decoded d = SampleFrameWire.decode(AvroBytes.encode(f), LIMITS);
    assertThat(d.frame()).isEqualTo(f);
    assertThat(d.writerVersion()).contains("plain binary");
  }

  @Test
  void shouldRefuseAnUnknownFingerprint() {
    byte[] wire = SampleFrameWire.encode(SchemaRoundTripTest.frame());
    wire[5] ^= 0x55;
    assertThatThrownBy(() -> SampleFrameWire.decode(wire, LIMITS)).isInstanceOf(SampleFrameWire.BadFrame.class)
        .hasMessageStartingWith("unknown writer schema fingerprint");
  }

  /** 30 bytes claiming 400 million floats: refused before Avro allocates the array. */
  @Test
  void shouldRefuseAnArrayLongerThanItsBytesWithoutAllocatingIt() throws IOException {
    byte[] pill = claimingValues(400_000_000);
    assertThat(pill.length).isLessThan(40);
    assertThatThrownBy(() -> SampleFrameWire.decode(pill, new AvroBoundsCheck.Limits(256, Integer.MAX_VALUE)))
        .hasMessageContaining("values: claims 400000000 items (at least 1600000000 bytes) but only 0 bytes remain");
    assertThatThrownBy(() -> SampleFrameWire.decode(pill, LIMITS))
        .hasMessageContaining("values: 400000000 items exceed the limit of 1024");
  }

  @Test
  void shouldRefuseOversizedStringsTruncationTrailingBytesAndGarbageWithAReason() throws IOException {
    SampleFrame longId = SampleFrame.newBuilder(SchemaRoundTripTest.frame()).setSourceId("x".repeat(900_000)).build();
    assertThatThrownBy(() -> SampleFrameWire.decode(SampleFrameWire.encode(longId), LIMITS))
        .hasMessageContaining("sourceId: string of 900000 bytes exceeds the limit of 256");
    byte[] good = SampleFrameWire.encode(SchemaRoundTripTest.frame());
    assertThatThrownBy(() -> SampleFrameWire.decode(Arrays.copyOf(good, good.length - 3), LIMITS))
        .hasMessageContaining("values: claims 3 items (at least 12 bytes) but only 10 bytes remain");
    assertThatThrownBy(() -> SampleFrameWire.decode(Arrays.copyOf(good, good.length + 2), LIMITS))
        .hasMessageContaining("2 trailing bytes");
    assertThatThrownBy(() -> SampleFrameWire.decode("{\"sourceId\":\"p1\"}".getBytes(StandardCharsets.UTF_8), LIMITS))
        .isInstanceOf(SampleFrameWire.BadFrame.class).hasMessageStartingWith("malformed SampleFrame");
    assertThatThrownBy(() -> SampleFrameWire.decode(new byte[0], LIMITS)).hasMessage("empty value (0 bytes)");
    assertThatThrownBy(() -> SampleFrameWire.decode(null, LIMITS)).hasMessage("empty value (tombstone)");
    assertThatThrownBy(() -> SampleFrameWire.decode(new byte[] {(byte) 0xC3, 1, 2}, LIMITS))
        .hasMessageContaining("header truncated");
  }

  @Test
  void everyReleasedVersionIsKnownAndDistinct() {
    assertThat(SampleFrameWire.knownSchemas()).hasSize(SampleFrameWire.HISTORY.size() + 1)
        .containsKey(SchemaNormalization.parsingFingerprint64(SampleFrame.getClassSchema()));
  }

  /** A v2 frame in single-object encoding whose values array announces {@code n} items and holds none. */
  static byte[] claimingValues(int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0xC3, 1});
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(SchemaNormalization.parsingFingerprint64(SampleFrame.getClassSchema())).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    enc.writeString("p9");
    enc.writeLong(0);
    enc.writeLong(1_700_000_000_000L);
    enc.writeLong(5714);
    enc.writeInt(1);
    enc.writeArrayStart();
    enc.setItemCount(n);
    enc.flush();
    return out.toByteArray();
  }
}

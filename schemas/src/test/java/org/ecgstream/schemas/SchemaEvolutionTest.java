package org.ecgstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** The current schemas added fields with defaults to their previous versions; both directions must read. */
class SchemaEvolutionTest {
  private static Schema previous(String name) throws IOException {
    String path = name.startsWith("SampleFrame") ? "/org/ecgstream/schemas/history/" + name : "/previous/" + name;
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(path)) {
      return new Schema.Parser().parse(in);
    }
  }

  @Test
  void oldReaderReadsNewDataAndNewReaderReadsOldData() throws IOException {
    Schema oldScore = previous("BeatScore-v1.avsc");
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(oldScore, BeatScore.getClassSchema()).getType())
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(BeatScore.getClassSchema(), oldScore).getType())
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);

    // New data, old reader: the new field is skipped, the rest is intact.
    BeatScore current = SchemaRoundTripTest.score();
    GenericRecord seenByOld = readGeneric(AvroBytes.encode(current), BeatScore.getClassSchema(), oldScore);
    assertThat(seenByOld.get("loss")).isEqualTo(27.5);
    assertThat(seenByOld.get("topSteps")).isEqualTo(List.of(77, 78, 12));
    assertThat(seenByOld.getSchema().getField("batchSize")).isNull();
    assertThat(seenByOld.getSchema().getField("scoredAtMillis")).isNull();

    // Old data, new reader: the new field takes its default.
    GenericRecord old = new GenericData.Record(oldScore);
    for (Schema.Field f : oldScore.getFields()) {
      old.put(f.name(), current.get(f.name()));
    }
    BeatScore read = AvroBytes.decode(writeGeneric(old), oldScore, BeatScore.class);
    assertThat(read.getBatchSize()).isEqualTo(1);
    assertThat(read.getScoredAtMillis()).isZero();
    assertThat(read.getLoss()).isEqualTo(27.5);
    assertThat(read.getModelVersion()).isEqualTo(current.getModelVersion());
  }

  @Test
  void sampleFramesWithoutThePeriodStillRead() throws IOException {
    Schema oldFrame = previous("SampleFrame-v1.avsc");
    GenericRecord old = new GenericData.Record(oldFrame);
    old.put("sourceId", "p1");
    old.put("sequence", 5L);
    old.put("eventTimeMillis", 9L);
    old.put("channels", 1);
    old.put("values", List.of(1f, 2f));
    SampleFrame read = AvroBytes.decode(writeGeneric(old), oldFrame, SampleFrame.class);
    assertThat(read.getSamplePeriodMicros()).isZero();
    assertThat(read.getValues()).containsExactly(1f, 2f);
    GenericRecord seenByOld = readGeneric(AvroBytes.encode(SchemaRoundTripTest.frame()), SampleFrame.getClassSchema(), oldFrame);
    assertThat(seenByOld.get("sequence")).isEqualTo(280L);
  }

  private static GenericRecord readGeneric(byte[] bytes, Schema writer, Schema reader) throws IOException {
    return new GenericDatumReader<GenericRecord>(writer, reader).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }

  private static byte[] writeGeneric(GenericRecord r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(r.getSchema()).write(r, enc);
    enc.flush();
    return out.toByteArray();
  }
}

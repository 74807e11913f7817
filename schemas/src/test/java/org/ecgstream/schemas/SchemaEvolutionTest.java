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

  /** Each schema reads what the other wrote. */
  static void assertCompatibleBothWays(Schema old, Schema current) {
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, current).getType())
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType())
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void oldReaderReadsNewDataAndNewReaderReadsOldData() throws IOException {
    Schema oldScore = previous("BeatScore-v1.avsc");
    assertCompatibleBothWays(oldScore, BeatScore.getClassSchema());

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
  void alertsWithoutThePeakBeatAndTheAnomalousListStillReadAndOldReadersSkipThem() throws IOException {
    Schema oldAlert = previous("Alert-v1.avsc");
    assertCompatibleBothWays(oldAlert, Alert.getClassSchema());

    // New data, old reader: the added fields are skipped, the rest is intact.
    Alert current = SchemaRoundTripTest.alert();
    GenericRecord seenByOld = readGeneric(AvroBytes.encode(current), Alert.getClassSchema(), oldAlert);
    assertThat(seenByOld.get("peakLoss")).isEqualTo(40.1);
    assertThat(seenByOld.get("reason").toString()).isEqualTo(current.getReason());
    assertThat(seenByOld.getSchema().getField("peakSequence")).isNull();
    assertThat(seenByOld.getSchema().getField("anomalousSequences")).isNull();

    // Old data, new reader: the added fields take their defaults.
    GenericRecord old = new GenericData.Record(oldAlert);
    for (Schema.Field f : oldAlert.getFields()) {
      old.put(f.name(), f.name().equals("kind")
          ? new GenericData.EnumSymbol(f.schema(), current.getKind().name()) : current.get(f.name()));
    }
    Alert read = AvroBytes.decode(writeGeneric(old), oldAlert, Alert.class);
    assertThat(read.getPeakSequence()).isNull();
    assertThat(read.getPeakTimeMillis()).isNull();
    assertThat(read.getPeakTemplateMismatch()).isNull();
    assertThat(read.getPeakTemplateThreshold()).isNull();
    assertThat(read.getAnomalousSequences()).isEmpty();
    assertThat(read.getAlertId()).isEqualTo(current.getAlertId());
    assertThat(read.getKind()).isEqualTo(current.getKind());
    assertThat(read.getPeakLoss()).isEqualTo(40.1);
  }

  /** A field added to a topic's schema without a default would make old records unreadable. */
  @Test
  void everyFieldAddedSinceAPreviousVersionHasADefault() throws IOException {
    for (String[] pair : new String[][] {{"Alert-v1.avsc", "Alert"}, {"BeatScore-v1.avsc", "BeatScore"},
        {"BeatScore-v2.avsc", "BeatScore"}, {"SampleFrame-v1.avsc", "SampleFrame"}}) {
      Schema old = previous(pair[0]);
      Schema current = switch (pair[1]) {
        case "Alert" -> Alert.getClassSchema();
        case "BeatScore" -> BeatScore.getClassSchema();
        default -> SampleFrame.getClassSchema();
      };
      for (Schema.Field f : current.getFields()) {
        if (old.getField(f.name()) == null) {
          assertThat(f.hasDefaultValue()).as("%s.%s has a default", pair[1], f.name()).isTrue();
        }
      }
    }
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

package org.ecgstream.job.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.AvroBytes;
import org.ecgstream.schemas.BeatScore;
import org.junit.jupiter.api.Test;

class TopicValuesTest {
  private static Alert current() {
    return Alert.newBuilder().setAlertId("p1/700").setSourceId("p1").setKind(AlertKind.UPDATED).setOpenedAtMillis(5000)
        .setEventTimeMillis(6000).setFirstSequence(700).setLastSequence(1259).setBeats(9).setAnomalousBeats(8)
        .setPeakLoss(99).setThreshold(20).setModelVersion("m1").setReason("new peak loss").setPeakSequence(980L)
        .setPeakTimeMillis(5600L).setPeakTemplateMismatch(0.7).setPeakTemplateThreshold(0.25)
        .setAnomalousSequences(List.of(420L, 560L, 700L, 980L)).build();
  }

  @Test
  void shouldReadAnAlertOfTheCurrentSchema() throws IOException {
    assertThat(TopicValues.decode(AvroBytes.encode(current()), Alert.class)).isEqualTo(current());
  }

  @Test
  void shouldReadAnAlertWrittenBeforeThePeakBeatWithTheNewFieldsDefaulted() throws IOException {
    Schema released;
    try (InputStream in = TopicValues.class.getResourceAsStream("history/Alert-v1.avsc")) {
      released = new Schema.Parser().parse(in);
    }
    GenericRecord old = new GenericData.Record(released);
    for (Schema.Field f : released.getFields()) {
      old.put(f.name(), f.name().equals("kind")
          ? new GenericData.EnumSymbol(f.schema(), "CLOSED") : current().get(f.name()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(released).write(old, enc);
    enc.flush();
    assertThatThrownBy(() -> AvroBytes.decode(out.toByteArray(), Alert.class))
        .as("the current schema alone cannot read it").isInstanceOf(IOException.class);

    Alert read = TopicValues.decode(out.toByteArray(), Alert.class);
    assertThat(read.getKind()).isEqualTo(AlertKind.CLOSED);
    assertThat(read.getReason()).isEqualTo("new peak loss");
    assertThat(read.getPeakLoss()).isEqualTo(99);
    assertThat(read.getLastSequence()).isEqualTo(1259);
    assertThat(read.getPeakSequence()).isNull();
    assertThat(read.getPeakTimeMillis()).isNull();
    assertThat(read.getPeakTemplateMismatch()).isNull();
    assertThat(read.getAnomalousSequences()).isEmpty();
  }

  @Test
  void shouldStillRejectWhatNoVersionReads() {
    byte[] good = AvroBytes.encode(current());
    // As before: garbage is an IOException or Avro's runtime exception, whichever the current schema met.
    assertThatThrownBy(() -> TopicValues.decode(new byte[] {1, 2, 3}, Alert.class))
        .isInstanceOfAny(IOException.class, AvroRuntimeException.class);
    assertThatThrownBy(() -> TopicValues.decode(Arrays.copyOf(good, good.length + 1), Alert.class))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> TopicValues.decode(Arrays.copyOf(good, good.length - 2), Alert.class))
        .isInstanceOf(IOException.class);
  }

  @Test
  void shouldReadAScoreWrittenBeforeTheEmbeddingWithoutOne() throws IOException {
    BeatScore current = BeatScore.newBuilder().setSourceId("p1").setFirstSequence(0).setLastSequence(139)
        .setStartTimeMillis(1000).setEndTimeMillis(1800).setLoss(27.5).setLossMean(0.2).setThreshold(44)
        .setAnomalous(false).setModelVersion("m1").setSegmentErrors(List.of(0.1f)).setTopSteps(List.of(3))
        .setScoringLatencyMicros(5).setTemplateMismatch(0.1).setTemplateThreshold(0.4)
        .setEmbedding(List.of(0.5f, -0.25f)).build();
    assertThat(TopicValues.decode(AvroBytes.encode(current), BeatScore.class)).isEqualTo(current);

    Schema released;
    try (InputStream in = TopicValues.class.getResourceAsStream("history/BeatScore-v2.avsc")) {
      released = new Schema.Parser().parse(in);
    }
    GenericRecord old = new GenericData.Record(released);
    for (Schema.Field f : released.getFields()) {
      old.put(f.name(), current.get(f.name()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(released).write(old, enc);
    enc.flush();
    BeatScore read = TopicValues.decode(out.toByteArray(), BeatScore.class);
    assertThat(read.getEmbedding()).isNull();
    assertThat(read.getLoss()).isEqualTo(27.5);
    assertThat(read.getTemplateThreshold()).isEqualTo(0.4);
  }
}

package org.ecgstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaRoundTripTest {
  static SampleFrame frame() {
    return SampleFrame.newBuilder().setSourceId("patient-7").setSequence(280).setEventTimeMillis(1_700_000_000_000L)
        .setSamplePeriodMicros(5714).setChannels(1).setValues(List.of(0.5f, -1.25f, 3f)).build();
  }

  static BeatScore score() {
    return BeatScore.newBuilder().setSourceId("patient-7").setFirstSequence(140).setLastSequence(279)
        .setStartTimeMillis(1000).setEndTimeMillis(1800).setLoss(27.5).setLossMean(0.196).setThreshold(21.3)
        .setAnomalous(true).setModelVersion("ecg5000-ae-0123456789ab")
        .setSegmentErrors(List.of(0.1f, 0.9f)).setTopSteps(List.of(77, 78, 12)).setScoringLatencyMicros(5300)
        .setBatchSize(32).setScoredAtMillis(1_800_000_000_000L).build();
  }

  static Alert alert() {
    return Alert.newBuilder().setAlertId("patient-7/140").setSourceId("patient-7").setKind(AlertKind.UPDATED)
        .setOpenedAtMillis(1000).setEventTimeMillis(2600).setFirstSequence(140).setLastSequence(559).setBeats(3)
        .setAnomalousBeats(3).setPeakLoss(40.1).setThreshold(21.3).setModelVersion("v").setReason("3 of last 4 beats anomalous")
        .setPeakSequence(280L).setPeakTimeMillis(1800L).setPeakTemplateMismatch(0.42).setPeakTemplateThreshold(0.3)
        .setAnomalousSequences(List.of(140L, 280L, 420L)).build();
  }

  @Test
  void everyTopicRecordSurvivesEncoding() throws IOException {
    assertThat(AvroBytes.decode(AvroBytes.encode(frame()), SampleFrame.class)).isEqualTo(frame());
    assertThat(AvroBytes.decode(AvroBytes.encode(score()), BeatScore.class)).isEqualTo(score());
    Alert alert = alert();
    assertThat(AvroBytes.decode(AvroBytes.encode(alert), Alert.class)).isEqualTo(alert);
    DeadLetter dl = DeadLetter.newBuilder().setReason("malformed Avro").setSourceId(null).setTopic("ecg.samples")
        .setPartition(2).setOffset(99).setSha256("ab").setRaw(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setDetectedAtMillis(5).build();
    assertThat(AvroBytes.decode(AvroBytes.encode(dl), DeadLetter.class)).isEqualTo(dl);
  }

  @Test
  void garbageAndTruncatedBytesAreErrorsNotRecords() {
    byte[] good = AvroBytes.encode(frame());
    assertThatThrownBy(() -> AvroBytes.decode(Arrays.copyOf(good, good.length - 3), SampleFrame.class))
        .isInstanceOf(IOException.class);
    byte[] longer = Arrays.copyOf(good, good.length + 2);
    assertThatThrownBy(() -> AvroBytes.decode(longer, SampleFrame.class)).hasMessageContaining("trailing bytes");
  }
}

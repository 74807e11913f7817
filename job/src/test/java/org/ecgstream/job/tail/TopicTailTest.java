package org.ecgstream.job.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.junit.jupiter.api.Test;

/** The readable lines, record by record; the playground's TopicTailITCase reads them from a broker. */
class TopicTailTest {
  private static Alert.Builder alert() {
    return Alert.newBuilder().setAlertId("patient-05/700").setSourceId("patient-05").setKind(AlertKind.UPDATED)
        .setOpenedAtMillis(1_700_000_000_000L).setEventTimeMillis(1_700_000_004_250L).setFirstSequence(700)
        .setLastSequence(1539).setBeats(7).setAnomalousBeats(5).setPeakLoss(99.5).setThreshold(21.25)
        .setModelVersion("m").setReason("new peak loss").setPeakSequence(1400L).setPeakTimeMillis(1_700_000_004_250L)
        .setAnomalousSequences(List.of(420L, 560L, 700L, 1260L, 1400L));
  }

  @Test
  void shouldSayWhenWhoWhatAndWhichBeatWasThePeak() {
    assertThat(TopicTail.line(TopicTail.Kind.ALERTS, alert().build())).isEqualTo(
        "2023-11-14T22:13:24.250Z patient-05 UPDATED: new peak loss; beats 7, anomalous 5; peak loss 99.50 vs "
            + "threshold 21.25 at 2023-11-14T22:13:24.250Z (beat from sample 1400); samples 420..1539");
    assertThat(TopicTail.line(TopicTail.Kind.ALERTS, alert().setPeakTemplateMismatch(1.2).setPeakTemplateThreshold(0.35)
        .build())).contains("(beat from sample 1400, template mismatch 1.200 vs 0.350); samples 420..1539");
    assertThat(TopicTail.line(TopicTail.Kind.ALERTS, alert().setPeakSequence(null).setPeakTimeMillis(null).build()))
        .endsWith("peak loss 99.50 vs threshold 21.25; samples 420..1539");
    // The samples start at the earliest anomalous beat the alert names, else at the opening beat.
    assertThat(TopicTail.line(TopicTail.Kind.ALERTS, alert().setAnomalousSequences(List.of()).build()))
        .endsWith("; samples 700..1539");
    // A multi-channel model's alert names its first three channels by share.
    assertThat(TopicTail.line(TopicTail.Kind.ALERTS, alert().setChannels(List.of("Pressure", "RateRMS", "Current",
        "Voltage")).setChannelShares(List.of(0.61f, 0.3f, 0.06f, 0.03f)).build()))
        .endsWith("; samples 420..1539; channels Pressure 61 %, RateRMS 30 %, Current 6 %");
  }

  @Test
  void shouldShowScoresAndDeadLettersOnOneLineEach() {
    BeatScore.Builder s = BeatScore.newBuilder().setSourceId("mitdb-208").setFirstSequence(1090).setLastSequence(1341)
        .setStartTimeMillis(0).setEndTimeMillis(3725).setLoss(27.5).setLossMean(0.1).setThreshold(21.3)
        .setAnomalous(true).setModelVersion("m").setSegmentErrors(List.of()).setTopSteps(List.of())
        .setScoringLatencyMicros(1);
    assertThat(TopicTail.line(TopicTail.Kind.SCORES, s.build()))
        .isEqualTo("1970-01-01T00:00:03.725Z mitdb-208 samples 1090..1341 loss 27.50 vs threshold 21.30 ANOMALOUS");
    assertThat(TopicTail.line(TopicTail.Kind.SCORES, s.setAnomalous(false).setTemplateMismatch(0.0412)
        .setTemplateThreshold(0.3).setThresholdKind("patient").build()))
        .isEqualTo("1970-01-01T00:00:03.725Z mitdb-208 samples 1090..1341 loss 27.50 vs threshold 21.30, template "
            + "mismatch 0.041 vs 0.300 (patient)");
    DeadLetter d = DeadLetter.newBuilder().setReason("late sample").setSourceId(null).setTopic("ecg.samples")
        .setPartition(2).setOffset(99).setSha256("ab").setRaw(ByteBuffer.wrap(new byte[] {1})).setDetectedAtMillis(5)
        .build();
    assertThat(TopicTail.line(TopicTail.Kind.DEAD_LETTERS, d))
        .isEqualTo("1970-01-01T00:00:00.005Z (unknown source) ecg.samples-2@99: late sample");
  }
}

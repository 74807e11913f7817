package org.ecgstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertDebouncerTest {
  private KeyedOneInputStreamOperatorTestHarness<String, BeatScore, Alert> harness;
  private long beat;

  @BeforeEach
  void setUp() throws Exception {
    // 3 of the last 5 beats open an alert; 3 normal beats close it; an update every 4 anomalous beats.
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AlertDebouncer(3, 5, 3, 4, Duration.ofSeconds(60))),
        BeatScore::getSourceId, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void score(String id, boolean anomalous, double loss) throws Exception {
    long seq = beat++ * 140;
    BeatScore s = BeatScore.newBuilder().setSourceId(id).setFirstSequence(seq).setLastSequence(seq + 139)
        .setStartTimeMillis(seq * 6).setEndTimeMillis(seq * 6 + 800).setLoss(loss).setLossMean(loss / 140)
        .setThreshold(20).setAnomalous(anomalous).setModelVersion("m1").setSegmentErrors(List.of())
        .setTopSteps(List.of()).setScoringLatencyMicros(1).setBatchSize(1).build();
    harness.processElement(new StreamRecord<>(s, s.getEndTimeMillis()));
  }

  private void pattern(String id, String beats) throws Exception {
    for (char c : beats.toCharArray()) {
      score(id, c == 'A', c == 'A' ? 30 : 5);
    }
  }

  private List<Alert> alerts() {
    return harness.extractOutputValues();
  }

  @Test
  void shouldNotAlertOnIsolatedAnomalies() throws Exception {
    pattern("p1", "NANNNANNNNANN");
    assertThat(alerts()).isEmpty();
  }

  @Test
  void shouldOpenWhenKOfTheLastMBeatsAreAnomalous() throws Exception {
    pattern("p1", "NANAN");
    assertThat(alerts()).isEmpty();
    pattern("p1", "A");
    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.getKind()).isEqualTo(AlertKind.OPENED);
      assertThat(a.getSourceId()).isEqualTo("p1");
      assertThat(a.getAlertId()).isEqualTo("p1/" + 5 * 140);
      assertThat(a.getReason()).isEqualTo("3 of the last 5 beats anomalous");
      assertThat(a.getBeats()).isEqualTo(5);
      assertThat(a.getAnomalousBeats()).isEqualTo(3);
      assertThat(a.getModelVersion()).isEqualTo("m1");
    });
  }

  @Test
  void shouldNotStormDuringALongEpisodeAndCloseAfterNormalBeats() throws Exception {
    pattern("p1", "AAA");
    pattern("p1", "A".repeat(40));
    pattern("p1", "NNN");
    List<AlertKind> kinds = alerts().stream().map(Alert::getKind).toList();
    assertThat(kinds.get(0)).isEqualTo(AlertKind.OPENED);
    assertThat(kinds.get(kinds.size() - 1)).isEqualTo(AlertKind.CLOSED);
    // 40 more anomalous beats give 10 updates (every 4), not 40.
    assertThat(kinds).filteredOn(k -> k == AlertKind.UPDATED).hasSize(10);
    Alert closed = alerts().get(alerts().size() - 1);
    assertThat(closed.getBeats()).isEqualTo(46);
    assertThat(closed.getAnomalousBeats()).isEqualTo(43);
    assertThat(closed.getReason()).isEqualTo("3 normal beats in a row");
    assertThat(alerts()).extracting(Alert::getAlertId).containsOnly("p1/" + 2 * 140);
  }

  @Test
  void shouldUpdateWhenThePeakLossRises() throws Exception {
    pattern("p1", "AAA");
    score("p1", true, 99);
    assertThat(alerts()).extracting(Alert::getKind).containsExactly(AlertKind.OPENED, AlertKind.UPDATED);
    assertThat(alerts().get(1).getPeakLoss()).isEqualTo(99);
    assertThat(alerts().get(1).getReason()).isEqualTo("new peak loss");
  }

  @Test
  void shouldKeepSourcesApart() throws Exception {
    pattern("p1", "AA");
    pattern("p2", "AA");
    assertThat(alerts()).isEmpty();
    pattern("p1", "A");
    assertThat(alerts()).extracting(Alert::getSourceId).containsExactly("p1");
  }

  @Test
  void shouldHoldNoStateForANormalSourceAndCleanUpAfterAnEpisode() throws Exception {
    pattern("p1", "NNNNNNNN");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
    pattern("p1", "AAANNNNNNN");
    assertThat(alerts()).extracting(Alert::getKind).containsExactly(AlertKind.OPENED, AlertKind.CLOSED);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void shouldCloseTheEpisodeOfASourceThatFallsSilent() throws Exception {
    pattern("p1", "AAA");
    // The beats' event times are irrelevant: only the wall clock measures silence.
    harness.processWatermark(Long.MAX_VALUE - 1);
    assertThat(alerts()).hasSize(1);
    harness.setProcessingTime(60_000 - 1);
    assertThat(alerts()).hasSize(1);
    harness.setProcessingTime(60_000);
    assertThat(alerts()).extracting(Alert::getKind).containsExactly(AlertKind.OPENED, AlertKind.CLOSED);
    assertThat(alerts().get(1).getReason()).contains("silent");
    assertThat(alerts().get(1).getModelVersion()).isEqualTo("m1");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }
}

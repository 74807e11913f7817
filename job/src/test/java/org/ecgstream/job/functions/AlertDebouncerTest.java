package org.ecgstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.ecgstream.job.records.AlertEpisode;
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
    score(id, anomalous, loss, null, null);
  }

  /** Beat n starts at sample 140 n; its event time (last sample's) is {@link #timeOf}(140 n). */
  private void score(String id, boolean anomalous, double loss, Double mismatch, Double templateThreshold)
      throws Exception {
    score(harness, id, beat++ * 140, anomalous, loss, mismatch, templateThreshold);
  }

  private static void score(KeyedOneInputStreamOperatorTestHarness<String, BeatScore, Alert> h, String id, long seq,
                            boolean anomalous, double loss, Double mismatch, Double templateThreshold)
      throws Exception {
    BeatScore s = BeatScore.newBuilder().setSourceId(id).setFirstSequence(seq).setLastSequence(seq + 139)
        .setStartTimeMillis(seq * 6).setEndTimeMillis(timeOf(seq)).setLoss(loss).setLossMean(loss / 140)
        .setThreshold(20).setAnomalous(anomalous).setModelVersion("m1").setSegmentErrors(List.of())
        .setTopSteps(List.of()).setScoringLatencyMicros(1).setBatchSize(1).setTemplateMismatch(mismatch)
        .setTemplateThreshold(templateThreshold).build();
    h.processElement(new StreamRecord<>(s, s.getEndTimeMillis()));
  }

  private static long timeOf(long firstSequence) {
    return firstSequence * 6 + 800;
  }

  /** First samples of beats {@code from} to {@code to}, inclusive. */
  private static List<Long> beats(int from, int to) {
    return LongStream.rangeClosed(from, to).map(n -> n * 140).boxed().toList();
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
    // Every anomalous beat is listed while there are at most 32; then the last 32, oldest first.
    assertThat(alerts()).allSatisfy(a -> assertThat(a.getAnomalousSequences())
        .isEqualTo(beats(Math.max(0, a.getAnomalousBeats() - 32), a.getAnomalousBeats() - 1)));
    assertThat(alerts()).extracting(a -> a.getAnomalousSequences().size()).contains(31, 32);
    assertThat(closed.getAnomalousSequences()).hasSize(32).isEqualTo(beats(11, 42));
    // Equal losses: the peak stays the first beat that reached it.
    assertThat(alerts()).allSatisfy(a -> assertThat(a.getPeakSequence()).isZero());
  }

  @Test
  void shouldOpenWithThePeakAndTheListOfTheAnomalousBeatsThatOpenedIt() throws Exception {
    // Beats 0..4: the three anomalous ones (1, 3, 4) open it; the peak is beat 3, not the opening beat.
    score("p1", false, 5);
    score("p1", true, 40);
    score("p1", false, 5);
    score("p1", true, 70);
    score("p1", true, 50);
    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.getKind()).isEqualTo(AlertKind.OPENED);
      assertThat(a.getAlertId()).isEqualTo("p1/560");
      assertThat(a.getFirstSequence()).isEqualTo(560);
      assertThat(a.getEventTimeMillis()).isEqualTo(timeOf(560));
      assertThat(a.getAnomalousSequences()).containsExactly(140L, 420L, 560L);
      assertThat(a.getPeakLoss()).isEqualTo(70);
      assertThat(a.getPeakSequence()).isEqualTo(420);
      assertThat(a.getPeakTimeMillis()).isEqualTo(timeOf(420));
      assertThat(a.getPeakTemplateMismatch()).isNull();
      assertThat(a.getPeakTemplateThreshold()).isNull();
    });
  }

  @Test
  void shouldForgetAnAnomalousBeatOnceItIsNoLongerAmongTheLastMBeats() throws Exception {
    // Beat 0 (the highest loss) has left the last 5 when beat 6 opens the episode with beats 4, 5, 6.
    score("p1", true, 90);
    pattern("p1", "NNN");
    score("p1", true, 30);
    score("p1", true, 30);
    assertThat(alerts()).isEmpty();
    score("p1", true, 35);
    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo("3 of the last 5 beats anomalous");
      assertThat(a.getAnomalousBeats()).isEqualTo(3);
      assertThat(a.getAnomalousSequences()).containsExactly(560L, 700L, 840L);
      assertThat(a.getPeakLoss()).isEqualTo(35);
      assertThat(a.getPeakSequence()).isEqualTo(840);
    });
  }

  @Test
  void shouldNameThePeakBeatInEveryEventOfTheEpisode() throws Exception {
    pattern("p1", "AAA");                          // beats 0-2 open it, peak beat 0 (equal losses)
    score("p1", true, 99);                         // beat 3: new peak
    score("p1", false, 5);                         // beat 4
    pattern("p1", "AAA");                          // beats 5-7: no new peak
    score("p1", true, 50);                         // beat 8: 4th anomalous beat since the update
    pattern("p1", "NNN");                          // beats 9-11 close it
    List<Alert> a = alerts();
    assertThat(a).extracting(Alert::getKind)
        .containsExactly(AlertKind.OPENED, AlertKind.UPDATED, AlertKind.UPDATED, AlertKind.CLOSED);
    assertThat(a).extracting(Alert::getReason).containsExactly("3 of the last 3 beats anomalous", "new peak loss",
        "8 anomalous beats so far", "3 normal beats in a row");
    assertThat(a).extracting(Alert::getPeakSequence).containsExactly(0L, 420L, 420L, 420L);
    assertThat(a).extracting(Alert::getPeakTimeMillis).containsExactly(timeOf(0), timeOf(420), timeOf(420),
        timeOf(420));
    assertThat(a).extracting(Alert::getPeakLoss).containsExactly(30.0, 99.0, 99.0, 99.0);
    assertThat(a).extracting(Alert::getEventTimeMillis).containsExactly(timeOf(280), timeOf(420), timeOf(1120),
        timeOf(1540));
    assertThat(a).extracting(Alert::getLastSequence).containsExactly(419L, 559L, 1259L, 1679L);
    List<Long> anomalous = List.of(0L, 140L, 280L, 420L, 700L, 840L, 980L, 1120L);
    assertThat(a).extracting(Alert::getAnomalousSequences).containsExactly(anomalous.subList(0, 3),
        anomalous.subList(0, 4), anomalous, anomalous);
    assertThat(a).extracting(Alert::getBeats).containsExactly(3, 4, 9, 12);
    assertThat(a).extracting(Alert::getAnomalousBeats).containsExactly(3, 4, 8, 8);
  }

  @Test
  void shouldCarryThePeakBeatsTemplateMismatchWhenItHasOne() throws Exception {
    score("p1", true, 30, 0.10, 0.25);             // anomalous on loss alone
    score("p1", true, 10, 0.60, 0.25);             // anomalous on its shape alone: below the loss threshold
    score("p1", true, 45, 0.40, 0.25);             // opens; the peak
    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.getPeakSequence()).isEqualTo(280);
      assertThat(a.getPeakTemplateMismatch()).isEqualTo(0.40);
      assertThat(a.getPeakTemplateThreshold()).isEqualTo(0.25);
    });
    score("p1", true, 60, null, null);             // a new peak without a template mismatch
    assertThat(alerts().get(1).getPeakSequence()).isEqualTo(420);
    assertThat(alerts().get(1).getPeakTemplateMismatch()).isNull();
    assertThat(alerts().get(1).getPeakTemplateThreshold()).isNull();
    score("p1", true, 80, 0.9, 0.3);
    assertThat(alerts().get(2).getPeakTemplateMismatch()).isEqualTo(0.9);
    assertThat(alerts().get(2).getPeakTemplateThreshold()).isEqualTo(0.3);
  }

  @Test
  void shouldKeepTheEpisodeAcrossASnapshotAndRestore() throws Exception {
    score("p1", true, 30, 0.5, 0.25);
    score("p1", true, 70, 0.7, 0.25);
    score("p1", false, 5);
    score("p1", true, 40, 0.6, 0.25);              // opens with beats 0, 1, 3; peak beat 1
    score(harness, "p2", 0, true, 30, null, null); // p2: one anomalous beat, not open
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AlertDebouncer(3, 5, 3, 4, Duration.ofSeconds(60))),
        BeatScore::getSourceId, Types.STRING)) {
      restored.initializeState(snapshot);
      restored.open();
      score(restored, "p1", 560, false, 5, null, null);
      score(restored, "p1", 700, false, 5, null, null);
      score(restored, "p1", 840, false, 5, null, null);
      score(restored, "p2", 140, true, 35, null, null);
      score(restored, "p2", 280, true, 20.5, null, null);
      List<Alert> after = restored.extractOutputValues();
      assertThat(after).extracting(Alert::getSourceId, Alert::getKind)
          .containsExactly(tuple("p1", AlertKind.CLOSED), tuple("p2", AlertKind.OPENED));
      assertThat(after.get(0)).satisfies(a -> {
        assertThat(a.getAlertId()).isEqualTo("p1/420");
        assertThat(a.getAnomalousSequences()).containsExactly(0L, 140L, 420L);
        assertThat(a.getPeakSequence()).isEqualTo(140);
        assertThat(a.getPeakTemplateMismatch()).isEqualTo(0.7);
        assertThat(a.getBeats()).isEqualTo(7);
      });
      assertThat(after.get(1)).satisfies(a -> {
        assertThat(a.getAnomalousSequences()).containsExactly(0L, 140L, 280L);
        assertThat(a.getPeakSequence()).isEqualTo(140);
      });
    }
  }

  /** Restores {@code snapshot} into a debouncer with other k and m, as an upgrade with new settings does. */
  private static KeyedOneInputStreamOperatorTestHarness<String, BeatScore, Alert> restoredWith(
      OperatorSubtaskState snapshot, int k, int m) throws Exception {
    var restored = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AlertDebouncer(k, m, 3, 4, Duration.ofSeconds(60))),
        BeatScore::getSourceId, Types.STRING);
    restored.initializeState(snapshot);
    restored.open();
    return restored;
  }

  @Test
  void shouldNameOnlyBeatsAmongTheLastMWhenMIsLoweredAcrossARestore() throws Exception {
    try (var before = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AlertDebouncer(3, 8, 3, 4, Duration.ofSeconds(60))),
        BeatScore::getSourceId, Types.STRING)) {
      before.open();
      // Beat 0 (the highest loss) is anomalous, then five normal beats, then beat 6: 2 of the last 8.
      score(before, "p1", 0, true, 99, null, null);
      for (int n = 1; n <= 5; n++) {
        score(before, "p1", n * 140L, false, 5, null, null);
      }
      score(before, "p1", 840, true, 30, null, null);
      OperatorSubtaskState snapshot = before.snapshot(1, 1);
      try (var after = restoredWith(snapshot, 3, 5)) {
        score(after, "p1", 980, true, 40, null, null);
        score(after, "p1", 1120, true, 35, null, null);
        // With m = 5, beat 0 is no longer among the last 5: the episode is beats 6, 7 and 8.
        assertThat(after.extractOutputValues()).singleElement().satisfies(a -> {
          assertThat(a.getKind()).isEqualTo(AlertKind.OPENED);
          assertThat(a.getAnomalousBeats()).isEqualTo(3);
          assertThat(a.getAnomalousSequences()).containsExactly(840L, 980L, 1120L);
          assertThat(a.getPeakSequence()).isEqualTo(980);
          assertThat(a.getPeakLoss()).isEqualTo(40);
        });
      }
    }
  }

  @Test
  void shouldOpenWithoutAPeakBeatFromStateThatKeptNoWindowWhenKIsLowered() throws Exception {
    // State as the debouncer kept it before it remembered beats: verdict bits only.
    try (var before = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AlertDebouncer(3, 5, 3, 4, Duration.ofSeconds(60))),
        BeatScore::getSourceId, Types.STRING)) {
      before.open();
      score(before, "p1", 0, true, 30, null, null);
      score(before, "p1", 140, true, 31, null, null);
      before.getOperator().setCurrentKey("p1");
      ValueState<AlertEpisode> state = before.getOperator().getKeyedStateStore()
          .getState(new ValueStateDescriptor<>("episode", AlertEpisode.class));
      AlertEpisode e = state.value();
      e.window = null;
      state.update(e);
      OperatorSubtaskState snapshot = before.snapshot(1, 1);
      try (var after = restoredWith(snapshot, 2, 5)) {
        // A normal beat: 2 of the last 5 are anomalous, so k = 2 opens an episode whose beats are unknown.
        score(after, "p1", 280, false, 5, null, null);
        assertThat(after.extractOutputValues()).singleElement().satisfies(a -> {
          assertThat(a.getKind()).isEqualTo(AlertKind.OPENED);
          assertThat(a.getAnomalousBeats()).isEqualTo(2);
          assertThat(a.getAnomalousSequences()).isEmpty();
          assertThat(a.getPeakSequence()).isNull();
        });
      }
    }
  }

  @Test
  void shouldKeepItsStateAFlinkPojoWithoutKryo() {
    TypeInformation<AlertEpisode> type = TypeInformation.of(AlertEpisode.class);
    assertThat(type).isInstanceOf(PojoTypeInfo.class);
    SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
    noGenericTypes.setGenericTypes(false);
    // Throws if any field, however deep, would be serialized by Kryo.
    assertThat(type.createSerializer(noGenericTypes)).isInstanceOf(PojoSerializer.class);
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
    score("p1", true, 30, 0.5, 0.25);
    score("p1", true, 44, 0.8, 0.25);
    score("p1", true, 30, 0.5, 0.25);
    // The beats' event times are irrelevant: only the wall clock measures silence.
    harness.processWatermark(Long.MAX_VALUE - 1);
    assertThat(alerts()).hasSize(1);
    harness.setProcessingTime(60_000 - 1);
    assertThat(alerts()).hasSize(1);
    harness.setProcessingTime(60_000);
    assertThat(alerts()).extracting(Alert::getKind).containsExactly(AlertKind.OPENED, AlertKind.CLOSED);
    assertThat(alerts().get(1)).satisfies(a -> {
      assertThat(a.getReason()).isEqualTo("source silent for 60000 ms");
      assertThat(a.getModelVersion()).isEqualTo("m1");
      // No beat caused it: the time is the wall clock's, the sequence the last beat's.
      assertThat(a.getEventTimeMillis()).isEqualTo(60_000);
      assertThat(a.getLastSequence()).isEqualTo(419);
      assertThat(a.getThreshold()).isEqualTo(20);
      assertThat(a.getBeats()).isEqualTo(3);
      assertThat(a.getAnomalousSequences()).containsExactly(0L, 140L, 280L);
      assertThat(a.getPeakLoss()).isEqualTo(44);
      assertThat(a.getPeakSequence()).isEqualTo(140);
      assertThat(a.getPeakTimeMillis()).isEqualTo(timeOf(140));
      assertThat(a.getPeakTemplateMismatch()).isEqualTo(0.8);
      assertThat(a.getPeakTemplateThreshold()).isEqualTo(0.25);
    });
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  /** Three channels; channel 1 ("Pressure") carries most of the anomalous beats' error. */
  @Test
  void alertsNameTheChannelsByTheirShareOfTheEpisodesError() throws Exception {
    var named = new KeyedOneInputStreamOperatorTestHarness<String, BeatScore, Alert>(
        new KeyedProcessOperator<>(new AlertDebouncer(2, 3, 2, 100, Duration.ofSeconds(60),
            List.of("Current", "Pressure", "Temperature"))), BeatScore::getSourceId, Types.STRING);
    named.open();
    try {
      // A normal beat (its errors do not count), then two anomalous ones that open the episode.
      channels(named, 0, false, 5, 1f, 1f, 1f);
      channels(named, 140, true, 30, 1f, 6f, 1f);
      channels(named, 280, true, 31, 1f, 8f, 2f);
      Alert opened = named.extractOutputValues().get(0);
      assertThat(opened.getKind()).isEqualTo(AlertKind.OPENED);
      // Sums over the two anomalous beats: 2, 14, 3 of 19.
      assertThat(opened.getChannels()).containsExactly("Pressure", "Temperature", "Current");
      assertThat(opened.getChannelShares()).containsExactly(14f / 19, 3f / 19, 2f / 19);
      // A later anomalous beat where Temperature dominates moves the shares (update on a new peak).
      channels(named, 420, true, 40, 0f, 0f, 30f);
      Alert updated = named.extractOutputValues().get(1);
      assertThat(updated.getKind()).isEqualTo(AlertKind.UPDATED);
      assertThat(updated.getChannels()).containsExactly("Temperature", "Pressure", "Current");
      assertThat(updated.getChannelShares()).containsExactly(33f / 49, 14f / 49, 2f / 49);
    } finally {
      named.close();
    }
    // One-channel scores (no channel errors): no channels named.
    pattern("p", "AAA");
    assertThat(harness.extractOutputValues()).allSatisfy(a -> {
      assertThat(a.getChannels()).isEmpty();
      assertThat(a.getChannelShares()).isEmpty();
    });
  }

  private static void channels(KeyedOneInputStreamOperatorTestHarness<String, BeatScore, Alert> h, long seq,
                               boolean anomalous, double loss, Float... errors) throws Exception {
    BeatScore s = BeatScore.newBuilder().setSourceId("pump-1").setFirstSequence(seq).setLastSequence(seq + 139)
        .setStartTimeMillis(seq * 6).setEndTimeMillis(timeOf(seq)).setLoss(loss).setLossMean(loss / 140)
        .setThreshold(20).setAnomalous(anomalous).setModelVersion("m1").setSegmentErrors(List.of())
        .setTopSteps(List.of()).setScoringLatencyMicros(1).setBatchSize(1).setChannelErrors(List.of(errors)).build();
    h.processElement(new StreamRecord<>(s, s.getEndTimeMillis()));
  }

  @Test
  void anAlertNamesTheRhythmsOpenAtTheBeatsOfItsEpisode() throws Exception {
    String[][] rhythms = {{}, {"VENTRICULAR_RUN"}, {"VENTRICULAR_RUN", "FREQUENT_PVC"}, {"FREQUENT_PVC"}, {}, {},
        {"BIGEMINY", "SOMETHING_NEWER"}};
    boolean[] anomalous = {true, true, true, false, true, false, true};
    for (int i = 0; i < rhythms.length; i++) {
      BeatScore s = BeatScore.newBuilder().setSourceId("p1").setFirstSequence(i * 140L).setLastSequence(i * 140L + 139)
          .setStartTimeMillis(i * 840L).setEndTimeMillis(timeOf(i * 140L)).setLoss(i == 6 ? 40 : 30).setLossMean(0.2)
          .setThreshold(20).setAnomalous(anomalous[i]).setModelVersion("m1").setSegmentErrors(List.of())
          .setTopSteps(List.of()).setScoringLatencyMicros(1).setBatchSize(1).setRhythms(List.of(rhythms[i])).build();
      harness.processElement(new StreamRecord<>(s, s.getEndTimeMillis()));
    }
    List<Alert> out = harness.extractOutputValues();
    // Opened at the third beat with the first three beats' kinds; the last beat's new peak loss
    // updates it, with what came after.
    assertThat(out.get(0).getKind()).isEqualTo(AlertKind.OPENED);
    assertThat(out.get(0).getRhythms()).containsExactly("VENTRICULAR_RUN", "FREQUENT_PVC");
    assertThat(out).hasSize(2);
    assertThat(out).last().satisfies(a -> assertThat(a.getRhythms())
        .as("kinds in the enum's order; a name this build does not know is left out")
        .containsExactly("VENTRICULAR_RUN", "BIGEMINY", "FREQUENT_PVC"));
  }
}

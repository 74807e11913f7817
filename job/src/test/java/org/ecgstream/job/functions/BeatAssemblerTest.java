package org.ecgstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.ecgstream.job.records.Beat;
import org.ecgstream.schemas.DeadLetter;
import org.ecgstream.schemas.SampleFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BeatAssemblerTest {
  static final int LENGTH = 4;
  static final long PERIOD_MS = 10;
  static final Duration LATENESS = Duration.ofMillis(100);
  static final Duration TTL = Duration.ofSeconds(10);

  private KeyedOneInputStreamOperatorTestHarness<String, SampleFrame, Beat> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = harness(0);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  static KeyedOneInputStreamOperatorTestHarness<String, SampleFrame, Beat> harness(int stride) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new BeatAssembler(LENGTH, 1, stride, LATENESS, TTL, "ecg.samples")),
        SampleFrame::getSourceId, Types.STRING);
    h.open();
    return h;
  }

  /** A frame of {@code n} samples of source {@code id} from sequence {@code seq}; sample i has value seq + i. */
  static SampleFrame frame(String id, long seq, int n) {
    List<Float> v = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      v.add((float) (seq + i));
    }
    return SampleFrame.newBuilder().setSourceId(id).setSequence(seq).setEventTimeMillis(seq * PERIOD_MS)
        .setSamplePeriodMicros(PERIOD_MS * 1000).setChannels(1).setValues(v).build();
  }

  private void send(SampleFrame f) throws Exception {
    harness.processElement(new StreamRecord<>(f, f.getEventTimeMillis()));
  }

  private List<Beat> beats() {
    return harness.extractOutputValues();
  }

  private List<DeadLetter> deadLetters() {
    return harness.getSideOutput(DeadLetters.TAG) == null ? List.of()
        : harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void shouldCutInOrderSamplesIntoTumblingBeats() throws Exception {
    send(frame("p1", 0, 3));
    send(frame("p1", 3, 3));
    send(frame("p1", 6, 2));
    assertThat(beats()).hasSize(2);
    Beat first = beats().get(0);
    assertThat(first.sourceId).isEqualTo("p1");
    assertThat(first.firstSequence).isZero();
    assertThat(first.lastSequence).isEqualTo(3);
    assertThat(first.values).containsExactly(0f, 1f, 2f, 3f);
    assertThat(first.startTimeMillis).isZero();
    assertThat(first.endTimeMillis).isEqualTo(30);
    assertThat(beats().get(1).values).containsExactly(4f, 5f, 6f, 7f);
  }

  @Test
  void shouldReorderSamplesThatArriveOutOfOrder() throws Exception {
    send(frame("p1", 2, 2));
    send(frame("p1", 0, 1));
    assertThat(beats()).isEmpty();
    send(frame("p1", 1, 1));
    assertThat(beats()).hasSize(1);
    assertThat(beats().get(0).values).containsExactly(0f, 1f, 2f, 3f);
  }

  @Test
  void shouldIgnoreExactDuplicates() throws Exception {
    send(frame("p1", 0, 2));
    send(frame("p1", 0, 2));
    send(frame("p1", 3, 1));
    send(frame("p1", 3, 1));
    send(frame("p1", 2, 1));
    assertThat(beats()).hasSize(1);
    assertThat(beats().get(0).values).containsExactly(0f, 1f, 2f, 3f);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void shouldDropTheWindowBrokenByAGapAndReportIt() throws Exception {
    send(frame("p1", 0, 2));
    send(frame("p1", 3, 9)); // sample 2 never comes
    assertThat(beats()).isEmpty();
    harness.processWatermark(3 * PERIOD_MS + LATENESS.toMillis());
    // Window 0..3 is impossible; 4..7 and 8..11 are whole.
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(4L, 8L);
    assertThat(deadLetters()).hasSize(1);
    DeadLetter d = deadLetters().get(0);
    assertThat(d.getSourceId()).isEqualTo("p1");
    assertThat(d.getReason()).contains("sequence gap: samples 2..2 missing", "partial window from 0 (2 samples)",
        "1 held samples before the next window at 4");
    send(frame("p1", 2, 1)); // too late now: ignored, not scored into anything
    assertThat(beats()).hasSize(2);
  }

  @Test
  void shouldWaitForALateSampleWithinTheAllowedLateness() throws Exception {
    send(frame("p1", 0, 2));
    send(frame("p1", 3, 1));
    harness.processWatermark(3 * PERIOD_MS + LATENESS.toMillis() - 1);
    send(frame("p1", 2, 1));
    assertThat(beats()).hasSize(1);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void shouldAlignWindowsToTheSequenceGridWhenASourceStartsMidWindow() throws Exception {
    send(frame("p1", 6, 10));
    harness.processWatermark(6 * PERIOD_MS + LATENESS.toMillis());
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(8L, 12L);
    assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.getReason()).contains("samples 4..5 missing"));
  }

  @Test
  void shouldKeepSourcesApart() throws Exception {
    send(frame("p1", 0, 2));
    send(frame("p2", 100, 4)); // 100 is on the grid of 4
    send(frame("p1", 2, 2));
    assertThat(beats()).extracting(b -> b.sourceId + ":" + b.firstSequence).containsExactly("p2:100", "p1:0");
  }

  @Test
  void shouldEmitOverlappingWindowsWithAStride() throws Exception {
    harness.close();
    harness = harness(2);
    send(frame("p1", 0, 8));
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(0L, 2L, 4L);
    assertThat(beats().get(1).values).containsExactly(2f, 3f, 4f, 5f);
  }

  @Test
  void shouldClearStateAndTimersOfAnIdleSource() throws Exception {
    send(frame("p1", 0, 6)); // one beat and a partial window of 2
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    harness.processWatermark(5 * PERIOD_MS + TTL.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(deadLetters()).singleElement().satisfies(d ->
        assertThat(d.getReason()).contains("source idle", "partial window of 2 samples"));
  }

  @Test
  void shouldLeaveNoGapTimerOnceTheGapIsFilled() throws Exception {
    send(frame("p1", 0, 1));
    send(frame("p1", 2, 2));
    assertThat(harness.numEventTimeTimers()).isEqualTo(2); // idle + gap check
    send(frame("p1", 1, 1));
    assertThat(harness.numEventTimeTimers()).isEqualTo(1); // idle only
  }
}

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
    return frame(id, seq, n, seq * PERIOD_MS, PERIOD_MS * 1000);
  }

  /** As above, stamped {@code time} for its first sample and {@code periodMicros} apart. */
  static SampleFrame frame(String id, long seq, int n, long time, long periodMicros) {
    List<Float> v = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      v.add((float) (seq + i));
    }
    return SampleFrame.newBuilder().setSourceId(id).setSequence(seq).setEventTimeMillis(time)
        .setSamplePeriodMicros(periodMicros).setChannels(1).setValues(v).build();
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
    harness.setProcessingTime(LATENESS.toMillis() - 1);
    assertThat(beats()).isEmpty();
    harness.setProcessingTime(LATENESS.toMillis());
    // Window 0..3 is impossible; 4..7 and 8..11 are whole.
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(4L, 8L);
    assertThat(deadLetters()).hasSize(1);
    DeadLetter d = deadLetters().get(0);
    assertThat(d.getSourceId()).isEqualTo("p1");
    assertThat(d.getReason()).contains("sequence gap: samples 2..2 missing", "partial window from 0 (2 samples)",
        "1 held samples before the next window at 4");
    send(frame("p1", 2, 1)); // too late now: reported, not scored into anything
    assertThat(beats()).hasSize(2);
    assertThat(deadLetters()).hasSize(2);
    assertThat(deadLetters().get(1).getReason()).isEqualTo(
        "late samples: 1 samples from 2 arrived after their window was given up as a gap");
  }

  @Test
  void shouldGiveUpAGapOnceTheSourcesOwnTimeHasMovedOnWithoutWaitingForTheWallClock() throws Exception {
    send(frame("p1", 0, 2));
    send(frame("p1", 3, 10)); // up to 120 ms: less than the lateness past sample 3 (30 ms)
    assertThat(deadLetters()).isEmpty();
    send(frame("p1", 13, 2)); // up to 140 ms: now more than 100 ms past the first held sample
    assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.getReason()).startsWith(
        "sequence gap: samples 2..2 missing"));
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(4L, 8L);
  }

  @Test
  void shouldIgnoreOtherSourcesClocks() throws Exception {
    send(frame("p1", 0, 2));
    send(frame("p1", 3, 1));
    // Another monitor two hours fast, and a watermark far ahead: p1's missing sample still gets its lateness.
    send(frame("p2", 0, 8, 7_200_000, PERIOD_MS * 1000));
    harness.processWatermark(Long.MAX_VALUE - 1);
    send(frame("p1", 2, 1));
    assertThat(beats()).extracting(b -> b.sourceId + ":" + b.firstSequence).containsExactly("p2:0", "p2:4", "p1:0");
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void shouldGiveUpAGapWhenTooManySamplesAreHeldWhateverTheClocks() throws Exception {
    int cap = BeatAssembler.MAX_HELD_WINDOWS * LENGTH;
    send(frame("p1", 0, 1, 0, 0));
    // Period 0 (a producer on the first schema): every held sample has the same time, so only the count ends the wait.
    send(frame("p1", 2, cap, 0, 0));
    assertThat(deadLetters()).isEmpty();
    send(frame("p1", 2 + cap, 1, 0, 0));
    assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.getReason()).startsWith(
        "sequence gap: samples 1..1 missing"));
    // Resumes at 4 with everything held from there: beats 4..31, samples 32..34 wait for more.
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(4L, 8L, 12L, 16L, 20L, 24L, 28L);
  }

  @Test
  void shouldResynchroniseAMonitorThatRebootsAndCountsFromZeroAgain() throws Exception {
    send(frame("p1", 0, 6)); // one beat, then 2 samples of the next window
    send(frame("p1", 0, 4, 1_000, PERIOD_MS * 1000)); // sequence back to 0, time moved on
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(0L, 0L);
    assertThat(beats().get(1).startTimeMillis).isEqualTo(1_000);
    assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.getReason()).isEqualTo(
        "source restarted: sequence went back from 6 to 0 while its event time moved on; dropped the partial window "
            + "from 4 (2 samples), 0 held samples and 0 samples before this frame; assembly resumes at 0"));
    send(frame("p1", 4, 4, 1_040, PERIOD_MS * 1000));
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(0L, 0L, 4L);
  }

  @Test
  void shouldResynchroniseAMonitorWhoseSequenceAndClockBothWentBack() throws Exception {
    send(frame("p1", 100, 4, 10_000, PERIOD_MS * 1000));
    // A reboot that also reset the clock looks like duplicates, but not for longer than a window.
    send(frame("p1", 0, 2, 0, PERIOD_MS * 1000));
    send(frame("p1", 2, 2, 20, PERIOD_MS * 1000));
    assertThat(deadLetters()).isEmpty();
    send(frame("p1", 4, 4, 40, PERIOD_MS * 1000));
    assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.getReason()).startsWith(
        "source restarted: sequence went back from 104 to 4 for 4 samples in a row"));
    assertThat(beats()).extracting(b -> b.firstSequence).containsExactly(100L, 4L);
  }

  @Test
  void shouldWaitForALateSampleWithinTheAllowedLateness() throws Exception {
    send(frame("p1", 0, 2));
    send(frame("p1", 3, 1));
    harness.setProcessingTime(LATENESS.toMillis() - 1);
    send(frame("p1", 2, 1));
    assertThat(beats()).hasSize(1);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void shouldAlignWindowsToTheSequenceGridWhenASourceStartsMidWindow() throws Exception {
    send(frame("p1", 6, 10));
    harness.setProcessingTime(LATENESS.toMillis());
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
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    harness.setProcessingTime(TTL.toMillis() / 2);
    send(frame("p1", 6, 1)); // keeps the source alive: the timer moves when it fires
    harness.setProcessingTime(TTL.toMillis());
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(deadLetters()).isEmpty();
    harness.setProcessingTime(TTL.toMillis() / 2 + TTL.toMillis());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(deadLetters()).singleElement().satisfies(d ->
        assertThat(d.getReason()).contains("source silent", "partial window of 3 samples"));
  }

  @Test
  void shouldLeaveNoGapTimerOnceTheGapIsFilled() throws Exception {
    send(frame("p1", 0, 1));
    send(frame("p1", 2, 2));
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(2); // idle + gap check
    send(frame("p1", 1, 1));
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1); // idle only
  }

  @org.junit.jupiter.api.Test
  void aWholeMicrosecondPeriodStandsForTheWholeRateItWasRoundedFrom() {
    // 1e6 / 360 = 2777.8 µs, sent truncated or rounded; 128 Hz is 7812.5 µs.
    assertThat(BeatAssembler.samplingHz(2777)).isEqualTo(360.0);
    assertThat(BeatAssembler.samplingHz(2778)).isEqualTo(360.0);
    assertThat(BeatAssembler.samplingHz(7812)).isEqualTo(128.0);
    assertThat(BeatAssembler.samplingHz(7813)).isEqualTo(128.0);
    assertThat(BeatAssembler.samplingHz(4000)).isEqualTo(250.0);
    // No whole rate within a microsecond: the period's own rate.
    assertThat(BeatAssembler.samplingHz(2790)).isEqualTo(1e6 / 2790);
  }
}

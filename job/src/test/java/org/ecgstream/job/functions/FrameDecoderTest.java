package org.ecgstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.ecgstream.job.functions.MalformedFrames;
import org.ecgstream.job.records.RawRecord;
import org.ecgstream.schemas.DeadLetter;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  static final long NOW = 1_800_000_000_000L;
  static final FrameRules RULES = new FrameRules(1, 4096, 128, 60_000, 900_000, 4096);

  private OneInputStreamOperatorTestHarness<RawRecord, SampleFrame> harness;
  private long offset;

  @BeforeEach
  void setUp() throws Exception {
    harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new FrameDecoder(RULES)));
    harness.open();
    harness.setProcessingTime(NOW);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void send(String key, long timestamp, byte[] value) throws Exception {
    harness.processElement(new StreamRecord<>(new RawRecord("ecg.samples", 0, offset++, timestamp,
        key.getBytes(StandardCharsets.UTF_8), value)));
  }

  private List<DeadLetter> deadLetters() {
    var out = harness.getSideOutput(DeadLetters.TAG);
    return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
  }

  private static SampleFrame frame(String id, long time) {
    return SampleFrame.newBuilder().setSourceId(id).setSequence(0).setEventTimeMillis(time).setSamplePeriodMicros(5714)
        .setChannels(1).setValues(List.of(0.1f, 0.2f)).build();
  }

  @Test
  void shouldGiveEveryMalformedRecordItsOwnPreciseReason() throws Exception {
    Map<String, byte[]> bad = MalformedFrames.all(NOW);
    for (byte[] b : bad.values()) {
      send("bad", NOW, b);
    }
    assertThat(harness.extractOutputValues()).isEmpty();
    List<String> reasons = deadLetters().stream().map(DeadLetter::getReason).toList();
    assertThat(reasons).hasSize(bad.size());
    int i = 0;
    for (String expected : bad.keySet()) {
      assertThat(reasons.get(i++)).startsWith(expected);
    }
    assertThat(deadLetters()).allSatisfy(d -> assertThat(d.getSourceId()).isEqualTo("bad"));
  }

  @Test
  void shouldRestampAClockAheadAndReportItOnceAMinute() throws Exception {
    long twoHours = 7_200_000;
    send("fast", NOW, SampleFrameWire.encode(frame("fast", NOW + twoHours)));
    send("fast", NOW, SampleFrameWire.encode(frame("fast", NOW + twoHours + 10)));
    assertThat(harness.extractOutputValues()).extracting(SampleFrame::getEventTimeMillis).containsExactly(NOW, NOW);
    assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.getReason()).isEqualTo(
        "clock of source is 7200000 ms (2.00 h) ahead of its arrival (accepted: clock.max-ahead.ms 60000): event times "
            + "re-stamped to arrival time; 1 frame(s) re-stamped since the last report"));
    harness.setProcessingTime(NOW + ClockCheck.REPORT_EVERY_MS);
    send("fast", NOW + ClockCheck.REPORT_EVERY_MS, SampleFrameWire.encode(frame("fast", NOW + twoHours + 60_000)));
    assertThat(deadLetters()).hasSize(2);
    assertThat(deadLetters().get(1).getReason()).endsWith("; 2 frame(s) re-stamped since the last report");
  }

  @Test
  void shouldCompareWithTheBrokersArrivalTimeSoABacklogIsNoClockFault() throws Exception {
    // Read an hour after it arrived (a job catching up): the frame's time agrees with its arrival.
    harness.setProcessingTime(NOW + 3_600_000);
    send("p1", NOW, SampleFrameWire.encode(frame("p1", NOW - 5)));
    assertThat(harness.extractOutputValues()).extracting(SampleFrame::getEventTimeMillis).containsExactly(NOW - 5);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void shouldRestampAClockBehindTheLimitAndOneBefore1970() throws Exception {
    send("slow", NOW, SampleFrameWire.encode(frame("slow", NOW - 3_600_000)));
    send("unset", NOW, SampleFrameWire.encode(frame("unset", -1)));
    assertThat(harness.extractOutputValues()).extracting(SampleFrame::getEventTimeMillis).containsExactly(NOW, NOW);
    assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly(
        "clock of source is 3600000 ms (1.00 h) behind its arrival (accepted: clock.max-behind.ms 900000): event times "
            + "re-stamped to arrival time; 1 frame(s) re-stamped since the last report",
        "clock of source is before 1970 (event time -1) (accepted: clock.max-behind.ms 900000): event times "
            + "re-stamped to arrival time; 1 frame(s) re-stamped since the last report");
  }

  @Test
  void shouldBoundTheDeadLetterOfAHugeRecord() throws Exception {
    byte[] huge = SampleFrameWire.encode(frame("x".repeat(900_000), NOW));
    send("k".repeat(1000), NOW, huge);
    DeadLetter d = deadLetters().get(0);
    assertThat(d.getRaw()).isNull();
    assertThat(d.getSha256()).hasSize(64);
    assertThat(d.getSourceId()).as("a key longer than the source-id limit is not echoed").isNull();
    assertThat(org.ecgstream.schemas.AvroBytes.encode(d).length).isLessThan(2_000);
  }
}

package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.replay.ReplayTool;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.schemas.SampleFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ReplayToolITCase {
  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();

  @Test
  void shouldProduceEveryBeatAsConsecutiveFramesPerPatient() {
    KAFKA.get().createTopics(2, "replay-a");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = ReplayTool.execute("--bootstrap-servers", KAFKA.get().bootstrapServers(), "--topic", "replay-a", "--patients", "3",
          "--limit", "20", "--pace", "max", "--frame-samples", "35");
    } finally {
      System.setOut(old);
    }
    assertThat(code).isZero();
    assertThat(out.toString()).contains("replayed 20 beats of 3 patients (80 frames, 2800 samples)");
    try (var reader = new CommittedTopicReader<>(KAFKA.get().clientProperties(), "replay-a", SampleFrame.class)) {
      List<SampleFrame> frames = reader.readAtLeast(80, Duration.ofSeconds(30));
      assertThat(frames).hasSize(80);
      Map<String, List<SampleFrame>> bySource = frames.stream().collect(Collectors.groupingBy(SampleFrame::getSourceId));
      assertThat(bySource).containsOnlyKeys("patient-0", "patient-1", "patient-2");
      // 20 beats dealt to 3 patients: 7, 7 and 6 beats; sequences run without gaps.
      assertThat(bySource.get("patient-0")).hasSize(28);
      assertThat(bySource.get("patient-2")).hasSize(24);
      List<Long> seqs = bySource.get("patient-1").stream().map(SampleFrame::getSequence).sorted().toList();
      for (int i = 0; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).isEqualTo(35L * i);
      }
      assertThat(frames).allSatisfy(f -> assertThat(f.getValues()).hasSize(35));
    }
  }

  @Test
  void shouldContinueEachPatientsStreamAfterAnEarlierReplay() {
    KAFKA.get().createTopics(1, "replay-b");
    int code = quietly(() -> ReplayTool.execute("--bootstrap-servers", KAFKA.get().bootstrapServers(), "--topic", "replay-b",
        "--patients", "2", "--from", "6", "--limit", "4", "--pace", "max", "--frame-samples", "140"));
    assertThat(code).isZero();
    try (var reader = new CommittedTopicReader<>(KAFKA.get().clientProperties(), "replay-b", SampleFrame.class)) {
      List<SampleFrame> frames = reader.readAtLeast(4, Duration.ofSeconds(30));
      // Archive beats 6..9 dealt to 2 patients who already sent 3 beats each: their 4th and 5th.
      Map<String, List<Long>> seqs = frames.stream().collect(Collectors.groupingBy(SampleFrame::getSourceId,
          Collectors.mapping(SampleFrame::getSequence, Collectors.toList())));
      assertThat(seqs).containsOnlyKeys("patient-0", "patient-1");
      assertThat(seqs.get("patient-0")).containsExactly(3 * 140L, 4 * 140L);
      assertThat(seqs.get("patient-1")).containsExactly(3 * 140L, 4 * 140L);
    }
  }

  @Test
  void shouldReplayARecordFasterThanRealTimeWithoutStampingAnyFrameAheadOfItsSending() {
    KAFKA.get().createTopics(1, "replay-c");
    long before = System.currentTimeMillis();
    int code = quietly(() -> ReplayTool.execute("--bootstrap-servers", KAFKA.get().bootstrapServers(), "--topic", "replay-c",
        "--wfdb", ShippedData.mitdb().resolve("100").toString(), "--seconds", "10", "--speed", "5",
        "--frame-samples", "36"));
    long after = System.currentTimeMillis();
    assertThat(code).isZero();
    // 10 s of signal at 5x: about 2 s to send, event times at the record's own 360 Hz.
    assertThat(after - before).isGreaterThanOrEqualTo(1_900);
    try (var reader = new CommittedTopicReader<>(KAFKA.get().clientProperties(), "replay-c", SampleFrame.class)) {
      List<SampleFrame> frames = reader.readAtLeast(100, Duration.ofSeconds(30));
      assertThat(frames).hasSize(100);
      assertThat(frames).allSatisfy(f -> assertThat(f.getSamplePeriodMicros()).isEqualTo(2777));
      SampleFrame first = frames.get(0);
      SampleFrame last = frames.get(99);
      assertThat(last.getEventTimeMillis() - first.getEventTimeMillis()).isBetween(9_890L, 9_900L);
      // The last frame is stamped as it is sent; none could be stamped later than that.
      assertThat(last.getEventTimeMillis()).isBetween(before, after);
      assertThat(after - last.getEventTimeMillis()).isLessThan(1_000);
    }
  }

  @Test
  void shouldRefuseAStartThatDoesNotContinueEveryPatient() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(ReplayTool.execute("--bootstrap-servers", KAFKA.get().bootstrapServers(), "--patients", "4", "--from", "6"))
          .isEqualTo(1);
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString()).contains("--from must be a multiple of --patients (4)");
  }

  private static int quietly(java.util.function.IntSupplier run) {
    PrintStream old = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      return run.getAsInt();
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void shouldFailWithAReasonOnABadArchive(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.txt"), "1 2 3\n1 x 3\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(ReplayTool.execute("--bootstrap-servers", KAFKA.get().bootstrapServers(), "--data", bad.toString())).isEqualTo(1);
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString()).contains("bad.txt:2: value 1 is not a number: 'x'");
  }
}

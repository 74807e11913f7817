package org.ecgstream.job.replay;

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
import org.ecgstream.job.embedded.CommittedTopicReader;
import org.ecgstream.job.embedded.EmbeddedKafka;
import org.ecgstream.schemas.SampleFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayToolITCase {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void shouldProduceEveryBeatAsConsecutiveFramesPerPatient() {
    kafka.createTopics(2, "replay-a");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = ReplayTool.execute("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "replay-a", "--patients", "3",
          "--limit", "20", "--pace", "max", "--frame-samples", "35");
    } finally {
      System.setOut(old);
    }
    assertThat(code).isZero();
    assertThat(out.toString()).contains("replayed 20 beats of 3 patients (80 frames, 2800 samples)");
    try (var reader = new CommittedTopicReader<>(kafka.clientProperties(), "replay-a", SampleFrame.class)) {
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
  void shouldFailWithAReasonOnABadArchive(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.txt"), "1 2 3\n1 x 3\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(ReplayTool.execute("--bootstrap-servers", kafka.bootstrapServers(), "--data", bad.toString())).isEqualTo(1);
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString()).contains("bad.txt:2: value 1 is not a number: 'x'");
  }
}

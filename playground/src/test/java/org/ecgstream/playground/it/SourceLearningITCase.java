package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.replay.FrameSlicer;
import org.ecgstream.job.replay.PlannedBeat;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.threshold.ThresholdSelector;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.SampleFrameWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources that learn their own models in the stream keep them across a task failure: the job
 * restores them from its checkpoint and does not learn again, and every window is scored exactly
 * once (exactly-once Kafka sinks).
 */
class SourceLearningITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();

  static final long START = 1_700_000_000_000L;
  static final int LEARNING = 40;
  static final int WINDOWS = 70;

  /** Fails the job once, on the first source-scored window after a checkpoint that came after learning. */
  static final class FailAfterLearning extends RichMapFunction<BeatScore, BeatScore> implements CheckpointListener {
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    static final AtomicInteger CHECKPOINTS_AT_FIRST_SOURCE_SCORE = new AtomicInteger(-1);

    @Override
    public BeatScore map(BeatScore s) {
      if ("source".equals(s.getThresholdKind())) {
        CHECKPOINTS_AT_FIRST_SOURCE_SCORE.compareAndSet(-1, CHECKPOINTS.get());
        if (CHECKPOINTS.get() > CHECKPOINTS_AT_FIRST_SOURCE_SCORE.get() && FAILED.compareAndSet(false, true)) {
          throw new IllegalStateException("injected task failure after learning");
        }
      }
      return s;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTS.incrementAndGet();
    }
  }

  @Test
  void learntModelsSurviveARestartFromACheckpointWithoutLearningAgain(@TempDir Path dir) throws Exception {
    Architecture a = new Architecture(10, 8, 8, Variant.RECONSTRUCTION);
    float[] ones = new float[8];
    Arrays.fill(ones, 1f);
    ModelMetadata meta = new ModelMetadata(ModelFile.FORMAT_VERSION, null, "2026-12-07T00:00:00Z", a, LossKind.L1,
        ThresholdSelector.fixed(1), new FeatureNormalizer(new float[8], ones), null, null, null, null, null);
    Path model = dir.resolve("pump-shape.zip");
    ModelFile.save(new ModelBundle(AutoencoderFactory.create(a, LossKind.L1, 1e-3, 3), meta), model, "pump-shape");

    Map<String, String> m = JobUnderTest.settings(KAFKA.get().bootstrapServers(), JobUnderTest.newRun(), model);
    m.put("source-learning.windows", String.valueOf(LEARNING));
    JobConfig c = JobUnderTest.config(m);
    JobUnderTest.createTopics(KAFKA.get(), c, 2);
    JobClient job = JobUnderTest.submit(c, JobUnderTest.Restarts.bounded(3, Duration.ofMillis(500)),
        s -> s.map(new FailAfterLearning()).name("fail once after learning").uid("fail-after-learning"), null);
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(oneBatchInFlight());
         var scores = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.scoresTopic(), BeatScore.class)) {
      List<PlannedBeat> beats = pumps();
      // First the learning windows and a few more: committed scores prove a checkpoint after learning.
      send(producer, c.samplesTopic(), beats.stream().filter(b -> b.firstSequence() < (LEARNING + 5) * 10L).toList());
      scores.readAtLeast(2 * (LEARNING + 5), Duration.ofMinutes(3));
      send(producer, c.samplesTopic(), beats.stream().filter(b -> b.firstSequence() >= (LEARNING + 5) * 10L).toList());
      // The last window of each pump is not complete until a later one starts: 69 complete per pump.
      scores.readAtLeast(2 * (WINDOWS - 1), Duration.ofMinutes(3));
      List<BeatScore> read = scores.drain(Duration.ofSeconds(3));

      assertThat(FailAfterLearning.FAILED).as("the injected failure happened").isTrue();
      Map<String, Long> perWindow = read.stream().collect(Collectors.groupingBy(
          s -> s.getSourceId() + "/" + s.getFirstSequence(), Collectors.counting()));
      assertThat(perWindow.values()).as("scores per window").containsOnly(1L);
      for (String pump : List.of("pump-a", "pump-b")) {
        List<BeatScore> own = read.stream().filter(s -> s.getSourceId().equals(pump)).toList();
        assertThat(own).hasSizeGreaterThanOrEqualTo(WINDOWS - 1);
        assertThat(own).filteredOn(s -> "learning".equals(s.getThresholdKind())).as("%s learning windows", pump)
            .hasSize(LEARNING).allSatisfy(s -> assertThat(s.getFirstSequence()).isLessThan(LEARNING * 10L));
        assertThat(own).filteredOn(s -> s.getFirstSequence() >= LEARNING * 10L)
            .allSatisfy(s -> assertThat(s.getThresholdKind()).isEqualTo("source"));
        // One model per pump: the same threshold before and after the restart.
        assertThat(own.stream().filter(s -> "source".equals(s.getThresholdKind())).map(BeatScore::getThreshold)
            .distinct()).hasSize(1);
      }
    } finally {
      job.cancel().get(1, TimeUnit.MINUTES);
    }
  }

  /** Two pumps, eight sensors at 1 Hz driven by one 40-second cycle, 70 windows of 10 rows each. */
  private static List<PlannedBeat> pumps() {
    ReplayPlan.Builder b = new ReplayPlan.Builder(10, 8);
    Random random = new Random(5);
    for (String pump : List.of("pump-a", "pump-b")) {
      for (int w = 0; w < WINDOWS; w++) {
        float[] v = new float[80];
        for (int t = 0; t < 10; t++) {
          int row = w * 10 + t;
          for (int ch = 0; ch < 8; ch++) {
            v[t * 8 + ch] = (float) (ch + (0.5 + 0.1 * ch) * Math.sin(2 * Math.PI * row / 40) + 0.05 * random.nextGaussian());
          }
        }
        b.add(pump, new LabelledWindow(pump + "@" + w, 0, 10, 8, v));
      }
    }
    return b.build().all();
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, List<PlannedBeat> beats)
      throws Exception {
    List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
    for (PlannedBeat beat : beats) {
      for (var f : FrameSlicer.frames(beat, 8, 5, START, 1_000_000)) {
        acks.add(producer.send(new ProducerRecord<>(topic, null, f.getEventTimeMillis(),
            f.getSourceId().getBytes(StandardCharsets.UTF_8), SampleFrameWire.encode(f))));
      }
    }
    for (var ack : acks) {
      ack.get(1, TimeUnit.MINUTES);
    }
  }

  private static java.util.Properties oneBatchInFlight() {
    java.util.Properties p = KAFKA.get().clientProperties();
    p.setProperty("max.in.flight.requests.per.connection", "1");
    return p;
  }
}

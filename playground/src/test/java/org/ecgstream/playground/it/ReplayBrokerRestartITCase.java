package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.playground.embedded.EmbeddedKafka;
import org.ecgstream.schemas.SampleFrame;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away in the middle of a real-time replay and comes back: every frame the
 * replayer counts arrives, once (it used to count frames the broker never took).
 */
class ReplayBrokerRestartITCase {
  @Test
  void everyCountedFrameArrivesExactlyOnceAcrossABrokerRestart() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(2, "bounce");
      int patients = 6;
      int beatsEach = 25;
      ReplayPlan plan = ReplayPlan.roundRobin(DatasetReader.read(ShippedData.ecg5000()).windows()
          .subList(0, patients * beatsEach), patients, "patient-", 0);
      long beatMillis = 400; // 25 beats: 10 s of real-time sending per patient
      CompletableFuture<ArchiveReplayer.Result> sent;
      try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(kafka.clientProperties())) {
        ArchiveReplayer replayer = new ArchiveReplayer(producer, "bounce", 35, beatMillis, true);
        sent = CompletableFuture.supplyAsync(() -> replayer.replay(plan, System.currentTimeMillis(),
            new PrintStream(OutputStream.nullOutputStream())));
        Thread.sleep(3_000);
        kafka.stopBroker();
        Thread.sleep(4_000);
        assertThat(sent).as("still sending when the broker comes back").isNotDone();
        kafka.restartBroker();
        ArchiveReplayer.Result result = sent.get(3, TimeUnit.MINUTES);
        assertThat(result.frames()).isEqualTo((long) patients * beatsEach * 4);

        try (var reader = new CommittedTopicReader<>(kafka.clientProperties(), "bounce", SampleFrame.class)) {
          List<SampleFrame> frames = reader.readAtLeast((int) result.frames(), Duration.ofMinutes(1));
          frames = reader.drain(Duration.ofSeconds(2));
          Map<String, Long> copies = frames.stream().collect(Collectors.groupingBy(
              f -> f.getSourceId() + "/" + f.getSequence(), Collectors.counting()));
          assertThat(copies).hasSize((int) result.frames());
          assertThat(copies.values()).containsOnly(1L);
        }
      }
    }
  }

  @Test
  void anOutageLongerThanTheDeliveryTimeoutEndsTheReplayNamingALostFrame() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(1, "outage");
      ReplayPlan plan = ReplayPlan.roundRobin(DatasetReader.read(ShippedData.ecg5000()).windows().subList(0, 60), 3,
          "patient-", 0);
      var client = kafka.clientProperties();
      // Give up on a frame after 3 s instead of 10 minutes, so an 8 s outage outlasts it.
      client.setProperty("delivery.timeout.ms", "3000");
      client.setProperty("request.timeout.ms", "1000");
      ArchiveReplayer.SendFailed failed;
      try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(client)) {
        ArchiveReplayer replayer = new ArchiveReplayer(producer, "outage", 35, 400, true);
        CompletableFuture<ArchiveReplayer.Result> sent = CompletableFuture.supplyAsync(() -> replayer.replay(plan,
            System.currentTimeMillis(), new PrintStream(OutputStream.nullOutputStream())));
        Thread.sleep(2_000);
        kafka.stopBroker();
        Thread.sleep(8_000);
        kafka.restartBroker();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> sent.get(3, TimeUnit.MINUTES));
        assertThat(thrown).hasCauseInstanceOf(ArchiveReplayer.SendFailed.class);
        failed = (ArchiveReplayer.SendFailed) thrown.getCause();
      }
      assertThat(failed).hasMessageMatching("\\d+ of \\d+ frames were not acknowledged by the broker, among them "
          + "the frame of patient-\\d from sample \\d+: .*");
      assertThat(failed.unacknowledged()).isPositive();
      try (var reader = new CommittedTopicReader<>(kafka.clientProperties(), "outage", SampleFrame.class)) {
        List<SampleFrame> frames = reader.drain(Duration.ofSeconds(3));
        Map<String, Long> copies = frames.stream().collect(Collectors.groupingBy(
            f -> f.getSourceId() + "/" + f.getSequence(), Collectors.counting()));
        assertThat(copies.values()).containsOnly(1L);
        // What arrived is what was acknowledged, plus at most the unacknowledged ones whose answer
        // was lost with the broker.
        assertThat((long) copies.size()).isBetween(failed.sent() - failed.unacknowledged(), failed.sent());
      }
    }
  }
}

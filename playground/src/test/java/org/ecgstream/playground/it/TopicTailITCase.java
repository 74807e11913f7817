package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.tail.TopicTail;
import org.ecgstream.playground.embedded.EmbeddedKafka;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.AvroBytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tail tool against a real in-JVM broker: alerts decoded, a broken record reported, not fatal. */
class TopicTailITCase {
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
  void shouldPrintAlertsAsLinesOrJsonAndSkipARecordThatDoesNotDecode() throws Exception {
    kafka.createTopics(1, "ecg.alerts");
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(kafka.clientProperties())) {
      producer.send(new ProducerRecord<>("ecg.alerts", AvroBytes.encode(alert("mitdb-208", AlertKind.OPENED)))).get();
      producer.send(new ProducerRecord<>("ecg.alerts", new byte[] {1, 2, 3})).get();
      producer.send(new ProducerRecord<>("ecg.alerts", AvroBytes.encode(alert("mitdb-208", AlertKind.CLOSED)))).get();
    }

    Run text = run("ecg.alerts", "--max", "3", "--idle-exit-s", "20");
    assertThat(text.code).isZero();
    assertThat(text.out).containsExactly(
        "2026-12-03T12:00:00Z mitdb-208 OPENED: 3 of the last 5 beats anomalous (beats 5, anomalous 3, peak loss "
            + "81.25, threshold 40.50; samples 90..1341)",
        "2026-12-03T12:00:00Z mitdb-208 CLOSED: 3 of the last 5 beats anomalous (beats 5, anomalous 3, peak loss "
            + "81.25, threshold 40.50; samples 90..1341)");
    assertThat(text.err).singleElement().satisfies(e -> assertThat(e).startsWith("ecg.alerts-0@1: undecodable alerts "
        + "record"));

    Run json = run("ecg.alerts", "--json", "--max", "1", "--idle-exit-s", "20");
    assertThat(json.out).singleElement().satisfies(l -> assertThat(l).startsWith("{").contains("\"alertId\": "
        + "\"mitdb-208/90\"").contains("\"kind\": \"OPENED\""));
  }

  @Test
  void shouldAskForTheTypeOfATopicItCannotName() {
    Run r = run("my.topic", "--max", "1");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).singleElement().satisfies(e -> assertThat(e).contains("give --type alerts, scores"));
  }

  private record Run(int code, List<String> out, List<String> err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrap-servers";
    all[1] = kafka.bootstrapServers();
    System.arraycopy(args, 0, all, 2, args.length);
    int code = TopicTail.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), all);
    return new Run(code, out.toString(StandardCharsets.UTF_8).lines().toList(),
        err.toString(StandardCharsets.UTF_8).lines().toList());
  }

  private static Alert alert(String source, AlertKind kind) {
    return Alert.newBuilder().setAlertId(source + "/90").setSourceId(source).setKind(kind)
        .setOpenedAtMillis(1_796_299_200_000L).setEventTimeMillis(1_796_299_200_000L).setFirstSequence(90)
        .setLastSequence(1341).setBeats(5).setAnomalousBeats(3).setPeakLoss(81.25).setThreshold(40.5)
        .setModelVersion("m").setReason("3 of the last 5 beats anomalous").build();
  }
}

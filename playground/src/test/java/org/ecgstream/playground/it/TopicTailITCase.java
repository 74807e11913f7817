package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ecgstream.job.io.TopicValues;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.tail.TopicTail;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.AvroBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tail tool against a real in-JVM broker: alerts decoded to readable lines or JSON with every
 * field, also those of the previous release; a broken record reported, not fatal.
 */
class TopicTailITCase {
  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();

  @Test
  void shouldPrintAlertsAsLinesOrJsonAndSkipARecordThatDoesNotDecode() throws Exception {
    KAFKA.get().createTopics(1, "ecg.alerts");
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(KAFKA.get().clientProperties())) {
      producer.send(new ProducerRecord<>("ecg.alerts", AvroBytes.encode(opened()))).get();
      producer.send(new ProducerRecord<>("ecg.alerts", new byte[] {1, 2, 3})).get();
      producer.send(new ProducerRecord<>("ecg.alerts", AvroBytes.encode(closed()))).get();
      producer.send(new ProducerRecord<>("ecg.alerts", fromThePreviousRelease(opened()))).get();
    }

    Run text = run("ecg.alerts", "--max", "4", "--idle-exit-s", "20");
    assertThat(text.code).isZero();
    assertThat(text.out).containsExactly(
        "2026-12-03T12:00:00Z mitdb-208 OPENED: 3 of the last 5 beats anomalous; beats 5, anomalous 3; peak loss "
            + "81.25 vs threshold 40.50 at 2026-12-03T11:59:58.560Z (beat from sample 586, template mismatch 0.412 "
            + "vs 0.300); samples 334..1341",
        "2026-12-03T12:00:05Z mitdb-208 CLOSED: 5 normal beats in a row; beats 10, anomalous 3; peak loss 81.25 vs "
            + "threshold 40.50 at 2026-12-03T11:59:58.560Z (beat from sample 586); samples 334..2600",
        // Written by the previous job version, which did not name the peak beat.
        "2026-12-03T12:00:00Z mitdb-208 OPENED: 3 of the last 5 beats anomalous; beats 5, anomalous 3; peak loss "
            + "81.25 vs threshold 40.50; samples 1090..1341");
    assertThat(text.err).singleElement().satisfies(e -> assertThat(e).startsWith("ecg.alerts-0@1: undecodable alerts "
        + "record"));

    Run json = run("ecg.alerts", "--json", "--max", "4", "--idle-exit-s", "20");
    assertThat(json.code).isZero();
    assertThat(json.out).hasSize(3);
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String l : json.out) {
      nodes.add(mapper.readTree(l));
    }
    List<String> every = Alert.getClassSchema().getFields().stream().map(f -> f.name()).toList();
    assertThat(nodes).allSatisfy(n -> assertThat(n.isObject()).isTrue())
        .allSatisfy(n -> assertThat(fieldNames(n)).containsExactlyElementsOf(every));
    JsonNode o = nodes.get(0);
    assertThat(o.get("alertId").asText()).isEqualTo("mitdb-208/1090");
    assertThat(o.get("kind").asText()).isEqualTo("OPENED");
    assertThat(o.get("eventTimeMillis").asLong()).isEqualTo(1_796_299_200_000L);
    assertThat(o.get("peakLoss").asDouble()).isEqualTo(81.25);
    assertThat(o.get("peakSequence").asLong()).isEqualTo(586);
    assertThat(o.get("peakTimeMillis").asLong()).isEqualTo(1_796_299_198_560L);
    assertThat(o.get("peakTemplateMismatch").asDouble()).isEqualTo(0.412);
    assertThat(o.get("peakTemplateThreshold").asDouble()).isEqualTo(0.3);
    assertThat(o.get("anomalousSequences").toString()).isEqualTo("[334,586,1090]");
    assertThat(nodes.get(1).get("peakTemplateMismatch").isNull()).isTrue();
    assertThat(nodes.get(1).get("reason").asText()).isEqualTo("5 normal beats in a row");
    assertThat(nodes.get(2).get("peakSequence").isNull()).isTrue();
    assertThat(nodes.get(2).get("anomalousSequences").toString()).isEqualTo("[]");
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
    all[1] = KAFKA.get().bootstrapServers();
    System.arraycopy(args, 0, all, 2, args.length);
    int code = TopicTail.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), all);
    return new Run(code, out.toString(StandardCharsets.UTF_8).lines().toList(),
        err.toString(StandardCharsets.UTF_8).lines().toList());
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Opened on beat 1090 by beats 334, 586 and 1090; the peak is beat 586, with a template mismatch. */
  private static Alert opened() {
    return Alert.newBuilder().setAlertId("mitdb-208/1090").setSourceId("mitdb-208").setKind(AlertKind.OPENED)
        .setOpenedAtMillis(1_796_299_200_000L).setEventTimeMillis(1_796_299_200_000L).setFirstSequence(1090)
        .setLastSequence(1341).setBeats(5).setAnomalousBeats(3).setPeakLoss(81.25).setThreshold(40.5)
        .setModelVersion("m").setReason("3 of the last 5 beats anomalous").setPeakSequence(586L)
        .setPeakTimeMillis(1_796_299_198_560L).setPeakTemplateMismatch(0.412).setPeakTemplateThreshold(0.3)
        .setAnomalousSequences(List.of(334L, 586L, 1090L)).build();
  }

  private static Alert closed() {
    return Alert.newBuilder(opened()).setKind(AlertKind.CLOSED).setEventTimeMillis(1_796_299_205_000L)
        .setLastSequence(2600).setBeats(10).setReason("5 normal beats in a row").setPeakTemplateMismatch(null)
        .setPeakTemplateThreshold(null).build();
  }

  /** The alert as the previous release wrote it: its schema's fields only. */
  private static byte[] fromThePreviousRelease(Alert a) throws IOException {
    Schema released;
    try (InputStream in = TopicValues.class.getResourceAsStream("history/Alert-v1.avsc")) {
      released = new Schema.Parser().parse(in);
    }
    GenericRecord old = new GenericData.Record(released);
    for (Schema.Field f : released.getFields()) {
      old.put(f.name(), f.name().equals("kind") ? new GenericData.EnumSymbol(f.schema(), a.getKind().name())
          : a.get(f.name()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(released).write(old, enc);
    enc.flush();
    return out.toByteArray();
  }
}

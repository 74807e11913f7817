package org.ecgstream.playground.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ecgstream.job.replay.FrameSlicer;
import org.ecgstream.job.replay.PlannedBeat;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.schemas.AvroBytes;
import org.ecgstream.schemas.SampleFrame;

/**
 * ECG5000 beats the shipped model never trained on, dealt to six patients: four healthy ones with
 * 40 normal beats each and two with an arrhythmic run (10 normal, 20 abnormal, 8 normal); 236
 * beats in all. Sent as 35-sample frames with the faults a real stream has: frames out of order
 * within the allowed lateness, a duplicate, a missing frame (a gap) and three malformed records.
 */
final class EcgStreamFixture {
  static final int FRAME = 35;
  static final long PERIOD_MICROS = 800_000 / 140;
  static final List<String> HEALTHY = List.of("p0", "p1", "p2", "p3");
  static final List<String> ARRHYTHMIC = List.of("p4", "p5");
  /** p0's beat 10 loses its third frame: that window must not be scored. */
  static final String GAP_SOURCE = "p0";
  static final int GAP_BEAT = 10;
  static final int MALFORMED = 3;

  /** Sends the broker refused: a test whose input never arrived must say so, not blame the job. */
  static final List<Exception> SEND_FAILURES = java.util.Collections.synchronizedList(new ArrayList<>());

  final Path model;
  final ReplayPlan plan;
  final Map<String, Double> offlineLoss = new HashMap<>();

  EcgStreamFixture() {
    model = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    // The offline scorer: the same library and engine the job runs, called directly.
    Scorer scorer = Scorer.load(model, org.ecgstream.model.scoring.ScoringEngine.FUSED, 1);
    ModelMetadata.DatasetInfo d = scorer.metadata().dataset();
    Dataset data = DatasetReader.read(ShippedData.ecg5000());
    NormalSplit split = d.split(data);
    List<LabelledWindow> normals = new ArrayList<>(split.testNormal());
    normals.addAll(split.validation());
    List<LabelledWindow> abnormal = split.abnormal();
    ReplayPlan.Builder b = new ReplayPlan.Builder(140, 1);
    int n = 0;
    int a = 0;
    for (String p : HEALTHY) {
      b.addAll(p, normals.subList(n, n += 40));
    }
    for (String p : ARRHYTHMIC) {
      b.addAll(p, normals.subList(n, n += 10));
      b.addAll(p, abnormal.subList(a, a += 20));
      b.addAll(p, normals.subList(n, n += 8));
    }
    plan = b.build();
    for (PlannedBeat beat : plan.all()) {
      offlineLoss.put(key(beat.sourceId(), beat.firstSequence()), scorer.score(beat.values(), 1).loss(0));
    }
  }

  static String key(String source, long firstSequence) {
    return source + "/" + firstSequence;
  }

  int completeBeats() {
    return plan.beats() - 1;
  }

  boolean isGapBeat(String source, long firstSequence) {
    return source.equals(GAP_SOURCE) && firstSequence == (long) GAP_BEAT * 140;
  }

  /** Sends beats [fromBeat, toBeat) of every patient, with the faults that fall in that range. */
  void send(Producer<byte[], byte[]> producer, String topic, long startMillis, int fromBeat, int toBeat) {
    for (int j = fromBeat; j < toBeat; j++) {
      for (Map.Entry<String, List<PlannedBeat>> e : plan.bySource().entrySet()) {
        if (j >= e.getValue().size()) {
          continue;
        }
        List<SampleFrame> frames = new ArrayList<>(FrameSlicer.frames(e.getValue().get(j), 1, FRAME, startMillis, PERIOD_MICROS));
        if (j == 3) {
          // Out of order, well within the allowed lateness.
          SampleFrame second = frames.get(1);
          frames.set(1, frames.get(2));
          frames.set(2, second);
        }
        if (j == 5 && e.getKey().equals("p1")) {
          frames.add(frames.get(0)); // an exact duplicate
        }
        if (j == GAP_BEAT && e.getKey().equals(GAP_SOURCE)) {
          frames.remove(2); // lost in transit
        }
        for (SampleFrame f : frames) {
          send(producer, topic, f.getSourceId(), f.getEventTimeMillis(), AvroBytes.encode(f));
        }
        if (j == 7 && e.getKey().equals("p2")) {
          sendMalformed(producer, topic, frames.get(0));
        }
      }
    }
    producer.flush();
    if (!SEND_FAILURES.isEmpty()) {
      throw new AssertionError("the broker refused " + SEND_FAILURES.size() + " records, first: " + SEND_FAILURES.get(0));
    }
  }

  private void sendMalformed(Producer<byte[], byte[]> producer, String topic, SampleFrame like) {
    long t = like.getEventTimeMillis();
    send(producer, topic, "p2", t, "definitely not avro".getBytes(StandardCharsets.UTF_8));
    SampleFrame nan = SampleFrame.newBuilder(like).setValues(List.of(1f, Float.NaN, 2f)).build();
    send(producer, topic, "p2", t, AvroBytes.encode(nan));
    SampleFrame twoLeads = SampleFrame.newBuilder(like).setChannels(2).setValues(List.of(1f, 2f, 3f, 4f)).build();
    send(producer, topic, "p2", t, AvroBytes.encode(twoLeads));
  }

  private static void send(Producer<byte[], byte[]> producer, String topic, String key, long time, byte[] value) {
    producer.send(new ProducerRecord<>(topic, null, time, key.getBytes(StandardCharsets.UTF_8), value), (m, e) -> {
      if (e != null) {
        SEND_FAILURES.add(e);
      }
    });
  }
}

package org.ecgstream.playground.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.beats.LeadChoice;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.ecgstream.playground.embedded.EmbeddedPipeline;
import org.ecgstream.job.tail.TopicTail;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;

/**
 * The demo on continuous WFDB records: each record is one bedside monitor sending its MLII lead,
 * sped up; the job finds the R peaks, learns each patient for the learning period, then flags
 * beats and raises alerts, printed with where they are in the record so they can be checked
 * against its annotations.
 */
final class RecordDemo {
  /** Silence after which a monitor's last beat is cut; the demo waits a little longer for it. */
  static final Duration STATE_TTL = Duration.ofSeconds(5);

  private RecordDemo() {}

  static int run(List<Path> headers, double speed, double learningSeconds, Map<String, String> overrides,
                 DemoServers servers, Path summaryJson) throws Exception {
    List<WfdbRecord> records = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Path h : headers) {
      String name = h.getFileName().toString().replaceFirst("\\.hea$", "");
      Path dir = h.toAbsolutePath().getParent();
      WfdbRecord r = WfdbRecord.read(dir, name);
      if (!records.isEmpty() && r.header().frequency() != records.get(0).header().frequency()) {
        throw new IllegalArgumentException("records differ in sampling rate; show them one at a time");
      }
      records.add(r);
      ids.add("mitdb-" + name);
    }
    double fs = records.get(0).header().frequency();
    int perSecond = (int) Math.round(fs);
    // Lead MLII, wherever a record carries it; a record without it sends its first lead, and says so.
    int[][] leads = new int[records.size()][];
    for (int i = 0; i < records.size(); i++) {
      LeadChoice choice = LeadChoice.of(records.get(i), "MLII");
      if (!choice.note().isEmpty()) {
        System.out.println("note: " + choice.note());
      }
      leads[i] = new int[] {choice.primary()};
    }
    ReplayPlan plan = ReplayPlan.ofRecords(records, ids, leads, perSecond, 0);
    Path model = ShippedData.find(Path.of("model-training", "models", "mitdb-autoencoder.zip"));
    ModelMetadata meta = ModelFile.readMetadata(model);
    double minutes = records.stream().mapToDouble(r -> r.adc()[0].length / fs / 60).max().orElse(0);
    String pace = Double.isInfinite(speed) ? "flat out" : String.format("%.0fx faster than real time", speed);
    System.out.printf("model %s; %d continuous record(s) %s, %.1f minutes each at most, sent %s; each patient "
        + "learnt over its first %.0f s (no alerts then)%n", meta.modelVersion(), records.size(), ids, minutes, pace,
        learningSeconds);
    System.out.println("starting the embedded Kafka broker and Flink...");
    Map<String, String> settings = new LinkedHashMap<>(Map.of("model.path", model.toString(),
        "transactional.id.prefix", "demo-" + UUID.randomUUID().toString().substring(0, 8), "parallelism", "1",
        "checkpoint.interval.ms", "1000", "transaction.timeout.ms", "60000", "beats", "r-peak",
        "calibration.learning-ms", String.valueOf(Math.round(learningSeconds * 1000)),
        "state.ttl.ms", String.valueOf(STATE_TTL.toMillis())));
    settings.putAll(overrides);
    if (!"r-peak".equals(settings.get("beats"))) {
      throw new IllegalArgumentException("continuous records need beats=r-peak, not " + settings.get("beats"));
    }
    try (EmbeddedPipeline pipeline = servers.start(settings)) {
      JobConfig config = pipeline.config();
      EmbeddedDemo.announce(pipeline, servers.webUiPort());
      int[] reported = {0};
      Duration replayTime = Duration.ofMillis(Math.round(minutes * 60_000 / speed));
      EmbeddedPipeline.Run r = pipeline.replay(plan, new EmbeddedPipeline.Pace(perSecond / 10, 1000, speed, "seconds"),
          Integer.MAX_VALUE, config.stateTtl().multipliedBy(2).plusSeconds(3),
          replayTime.plusMinutes(5), a -> System.out.println(describe(a, fs)), n -> {
            if (n >= reported[0] + 250) {
              reported[0] = n - n % 250;
              System.out.printf("  ... %d beats scored and committed%n", n);
            }
          }, false);
      System.out.println("==================== summary ====================");
      System.out.printf("sent %d samples; beats scored %d; dead letters %d%n", r.sent().samples(), r.scores().size(),
          r.deadLetters());
      r.firstDeadLetterReasons().forEach(reason -> System.out.println("  dead letter: " + reason));
      List<RecordSummary> summaries = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        String id = ids.get(i);
        List<BeatScore> own = r.scores().stream().filter(s -> s.getSourceId().equals(id)).toList();
        List<Alert> alerts = r.alerts().stream().filter(a -> a.getSourceId().equals(id)).toList();
        RecordSummary s = RecordSummary.of(id, records.get(i), own, alerts, config.alertM());
        summaries.add(s);
        System.out.println(s.text());
      }
      System.out.println("=================================================");
      Path json = summaryJson.toAbsolutePath();
      Files.createDirectories(json.getParent());
      Files.writeString(json, ModelFile.json().writeValueAsString(summaries));
      System.out.println("summary written to " + json);
      servers.lingerAfterSummary(pipeline.hostBootstrap(), config.alertsTopic());
      return r.scores().isEmpty() ? 1 : 0;
    }
  }

  /** An alert with where its beat lies in the record (mm:ss), to find it among the annotations. */
  private static String describe(Alert a, double fs) {
    long second = Math.round(a.getLastSequence() / fs);
    String rhythms = a.getRhythms().isEmpty() ? "" : " [" + TopicTail.rhythms(a.getRhythms()) + "]";
    return String.format("%s %-10s %02d:%02d into the record: %s (beats %d, anomalous %d)%s", EmbeddedDemo.icon(a),
        a.getSourceId(), second / 60, second % 60, a.getReason(), a.getBeats(), a.getAnomalousBeats(), rhythms);
  }
}

package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.beats.BeatClassifier;
import org.ecgstream.model.beats.RecordBeats;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.rpeak.DetectionScore;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.ecgstream.playground.demo.RecordSummary;
import org.ecgstream.model.eval.RhythmTracker;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MIT-BIH records 100 and 208 replayed flat out as two continuous monitors through the whole job
 * with beats cut around R peaks and each patient calibrated on its first five minutes: every
 * annotated beat should come back as one score whose R peak lies within the EC57 150 ms window of
 * the annotation, 208's ventricular beats should be flagged, and alerts should open on 208's
 * ventricular beats only, never on record 100 (one isolated PVC in 30 minutes). With the shipped
 * model file's beat classifier, every beat's probability is the offline evaluation's to the last
 * bit; with {@code beat-classifier=off}, the autoencoder and the patient template judge 208.
 */
class MitBihReplayITCase {
  /** EC57's learning period, in the records' own time. */
  private static final long LEARNING_MS = 300_000;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();

  @Test
  void shouldScoreTheBeatsOfContinuousRecordsAtTheirRPeaksAsTheOfflineClassifierDoes() throws Exception {
    List<WfdbRecord> records = List.of(WfdbRecord.read(ShippedData.mitdb(), "100"),
        WfdbRecord.read(ShippedData.mitdb(), "208"));
    Replayed run = replay(records, Map.of());
    BeatClassifier classifier = ModelFile.readClassifier(MODEL).orElseThrow();
    for (WfdbRecord r : records) {
      List<BeatScore> own = run.scores().get("mitdb-" + r.header().record());
      // The evaluation's view of the record: the same detector, filter, learner and trees, one lead as the job's model.
      RecordBeats offline = RecordBeats.of(r, "MLII", false);
      double[] probability = classifier.probabilities(offline.features());
      // The rhythm rules over the same verdicts, beat by beat, as the evaluation's AlertKinds runs them.
      RhythmTracker tracker = new RhythmTracker();
      List<List<String>> rhythms = new java.util.ArrayList<>();
      for (int i = 0; i < offline.size(); i++) {
        tracker.next(offline.peaks()[i], i > 0 ? offline.peaks()[i - 1] : -1, probability[i] > classifier.threshold(),
            offline.samplingHz());
        rhythms.add(tracker.open().stream().map(Enum::name).toList());
      }
      Map<Long, Integer> byPeak = new java.util.HashMap<>();
      for (int i = 0; i < offline.size(); i++) {
        byPeak.put(offline.peaks()[i], i);
      }
      int compared = 0;
      for (BeatScore b : own) {
        Integer i = byPeak.get(b.getRPeakSequence());
        assertThat(i).as("beat at %d described offline", b.getRPeakSequence()).isNotNull();
        assertThat(b.getVentricularProbability()).as("probability of the beat at %d", b.getRPeakSequence())
            .isEqualTo(probability[i]);
        assertThat(b.getVentricularThreshold()).isEqualTo(classifier.threshold());
        assertThat(b.getRhythms()).as("rhythms after the beat at %d", b.getRPeakSequence()).isEqualTo(rhythms.get(i));
        if ("classifier".equals(b.getThresholdKind())) {
          assertThat(b.getAnomalous()).isEqualTo(b.getVentricularProbability() > classifier.threshold());
        } else {
          assertThat(b.getThresholdKind()).isEqualTo("learning");
          assertThat(b.getAnomalous()).as("learning beats are never flagged").isFalse();
        }
        compared++;
      }
      // Beats the evaluation describes but the job does not score: only at the record's two ends.
      assertThat(compared).as("beats of %s compared", r.header().record()).isGreaterThanOrEqualTo(offline.size() - 4);
    }
    assertThat(run.alerts().get("mitdb-100")).as("alerts on record 100").isNull();
    RecordSummary s = RecordSummary.of("mitdb-208", records.get(1), run.scores().get("mitdb-208"),
        run.alerts().get("mitdb-208"), 5);
    System.out.println("through the job, classifier: " + s.text());
    // A classifier trained on DS1 (208 among its records: a check of the wiring, not a held-out figure).
    assertThat(s.vFlagged()).isGreaterThanOrEqualTo((int) Math.ceil(0.95 * s.vBeats()));
    assertThat(s.alertsOnVentricularBeats()).as("alerts opened on V or fusion beats").isEqualTo(s.alertsOpened());
    // 208 has 992 ventricular beats in 30 minutes, 33 a minute: every episode says so by the time it closes
    // (measured: all 19 name FREQUENT_PVC, 2 a PAUSE too; its couplets make no run of three).
    List<Alert> closed = run.alerts().get("mitdb-208").stream().filter(a -> a.getKind() == AlertKind.CLOSED).toList();
    Map<String, Long> named = closed.stream().flatMap(a -> a.getRhythms().stream())
        .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    System.out.println("rhythms named by 208's " + closed.size() + " closed episodes: " + named);
    assertThat(closed).isNotEmpty().allSatisfy(a -> assertThat(a.getRhythms()).contains("FREQUENT_PVC"));
  }

  @Test
  void withTheClassifierOffTheAutoencoderAndTheTemplateJudge208() throws Exception {
    WfdbRecord r = WfdbRecord.read(ShippedData.mitdb(), "208");
    Replayed run = replay(List.of(r), Map.of("beat-classifier", "off"));
    judge208(r, run.scores().get("mitdb-208"), run.alerts().get("mitdb-208"));
  }

  private static final java.nio.file.Path MODEL =
      ShippedData.find(java.nio.file.Path.of("model-training", "models", "mitdb-autoencoder.zip"));

  /** Each record's scores and alerts, by source. */
  record Replayed(Map<String, List<BeatScore>> scores, Map<String, List<Alert>> alerts) {}

  /** Replays {@code records} flat out through the job with beats cut around R peaks, until their scores are in. */
  private static Replayed replay(List<WfdbRecord> records, Map<String, String> settings) throws Exception {
    Map<String, String> m = JobUnderTest.settings(KAFKA.get().bootstrapServers(), JobUnderTest.newRun(), MODEL);
    m.put("calibration.learning-ms", String.valueOf(LEARNING_MS));
    m.put("beats", "r-peak");
    // The replay ends; a few silent seconds later each monitor's last beat is cut.
    m.put("state.ttl.ms", "3000");
    m.putAll(settings);
    JobConfig c = JobUnderTest.config(m);
    JobUnderTest.createTopics(KAFKA.get(), c, 2);
    JobClient job = JobUnderTest.submit(c, JobUnderTest.Restarts.NONE);
    int annotated = records.stream().mapToInt(r -> r.beats().size()).sum();
    List<String> names = records.stream().map(r -> "mitdb-" + r.header().record()).toList();
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(oneBatchInFlight());
         var scores = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.scoresTopic(), BeatScore.class);
         var alerts = new CommittedTopicReader<>(KAFKA.get().clientProperties(), c.alertsTopic(), Alert.class)) {
      ReplayPlan plan = ReplayPlan.ofRecords(records, names, new int[] {0}, 360, 0);
      new ArchiveReplayer(producer, c.samplesTopic(), 36, 1000, false, "seconds")
          .replay(plan, System.currentTimeMillis(), System.out);
      scores.readAtLeast(annotated - 20 * records.size(), Duration.ofMinutes(4));
      List<BeatScore> read = scores.drain(Duration.ofSeconds(8));

      Map<String, List<BeatScore>> bySource = read.stream().collect(Collectors.groupingBy(BeatScore::getSourceId));
      for (WfdbRecord r : records) {
        List<BeatScore> own = bySource.get("mitdb-" + r.header().record());
        List<Long> peaks = own.stream().map(BeatScore::getRPeakSequence).sorted().toList();
        assertThat(peaks).as("one score per R peak").doesNotHaveDuplicates();
        DetectionScore s = DetectionScore.of(r.beats().stream().map(Annotation::sample).toList(), peaks, 54);
        System.out.printf("record %s through the job: %d scores, TP %d, FN %d, FP %d, Se %.4f, +P %.4f%n",
            r.header().record(), own.size(), s.truePositives(), s.falseNegatives(), s.falsePositives(),
            s.sensitivity(), s.positivePredictivity());
        assertThat(s.sensitivity()).as("Se of %s", r.header().record()).isGreaterThanOrEqualTo(0.995);
        assertThat(s.positivePredictivity()).as("+P of %s", r.header().record()).isGreaterThanOrEqualTo(0.995);
        assertThat(own).allSatisfy(b -> {
          assertThat(b.getLastSequence() - b.getFirstSequence()).isEqualTo(251);
          assertThat(b.getRPeakSequence() - b.getFirstSequence()).isEqualTo(90);
        });
      }
      alerts.drain(Duration.ofSeconds(2));
      return new Replayed(bySource, alerts.records().stream().collect(Collectors.groupingBy(Alert::getSourceId)));
    } finally {
      job.cancel().get();
    }
  }

  /**
   * Record 208 after its learning period: its V beats flagged (the ventricular beats of the
   * reference, matched to scores by R peak), and every alert opened on a scored beat among whose
   * four predecessors or itself is a V or a fusion beat (the evaluation's rule).
   */
  private static void judge208(WfdbRecord r, List<BeatScore> own, List<Alert> alerts) {
    assertThat(own).allSatisfy(b -> {
      assertThat(b.getVentricularProbability()).as("no classifier: no probability").isNull();
      if ("patient".equals(b.getThresholdKind())) {
        assertThat(b.getTemplateMismatch()).as("every beat after learning has its template mismatch").isNotNull();
      } else {
        assertThat(b.getThresholdKind()).isEqualTo("learning");
        assertThat(b.getAnomalous()).as("learning beats are never flagged").isFalse();
        assertThat(b.getTemplateMismatch()).isNull();
      }
    });
    RecordSummary s = RecordSummary.of("mitdb-208", r, own, alerts, 5);
    System.out.println("through the job: " + s.text());
    // 824 V beats follow the learning period; the evaluation (same detector, model and rules)
    // flags 822 of them and 150 other beats, 132 of them fusion beats, and opens 29 alerts.
    assertThat(s.vBeats()).isBetween(815, 824);
    assertThat(s.vFlagged()).isGreaterThanOrEqualTo((int) Math.ceil(0.99 * s.vBeats()));
    assertThat(s.otherFlagged()).isLessThanOrEqualTo(200);
    assertThat(s.alertsOpened()).as("alerts on 208").isGreaterThanOrEqualTo(20);
    assertThat(s.alertsOnVentricularBeats()).as("alerts opened on V or fusion beats").isEqualTo(s.alertsOpened());
  }

  /** One batch in flight per partition: a retried first batch to a new topic may not overtake later ones. */
  private static java.util.Properties oneBatchInFlight() {
    java.util.Properties p = KAFKA.get().clientProperties();
    p.setProperty("max.in.flight.requests.per.connection", "1");
    return p;
  }
}

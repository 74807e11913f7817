package org.ecgstream.job.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.ecgstream.job.EcgAnomalyJob;
import org.ecgstream.job.JobEnds;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.functions.MalformedFrames;
import org.ecgstream.job.records.RawRecord;
import org.ecgstream.job.replay.FrameSlicer;
import org.ecgstream.job.replay.PlannedBeat;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.split.NormalSplit;
import org.ecgstream.model.threshold.ThresholdSelector;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job graph on a MiniCluster with its ends swapped: samples from a bounded source, every
 * output into collecting sinks. Two healthy patients, one with a run of abnormal beats, and every
 * kind of malformed record interleaved with them: each complete beat is scored once with the loss
 * the offline scorer gives, the malformed records become dead letters with their reasons, and only
 * the arrhythmic patient is alerted. The Kafka ends themselves are tested in the playground module.
 */
class EcgAnomalyJobEndsITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  static final long START = 1_700_000_000_000L;
  static final long PERIOD_MICROS = 800_000 / 140;

  @Test
  void swappedEndsSeeEveryBeatScoredOnceBadRecordsDeadLetteredAndOnlyTheArrhythmicPatientAlerted() throws Exception {
    Path model = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    Scorer scorer = Scorer.load(model, ScoringEngine.FUSED, 1);
    NormalSplit split = scorer.metadata().dataset().split(DatasetReader.read(ShippedData.ecg5000()));
    List<LabelledWindow> normals = split.testNormal();
    ReplayPlan.Builder b = new ReplayPlan.Builder(140, 1);
    b.addAll("healthy-1", normals.subList(0, 12));
    b.addAll("healthy-2", normals.subList(12, 24));
    b.addAll("arrhythmic", normals.subList(24, 28));
    b.addAll("arrhythmic", split.abnormal().subList(0, 6));
    ReplayPlan plan = b.build();

    Map<String, Double> offline = new HashMap<>();
    List<RawRecord> records = new ArrayList<>();
    for (PlannedBeat beat : plan.all()) {
      offline.put(beat.sourceId() + "/" + beat.firstSequence(), scorer.score(beat.values(), 1).loss(0));
      for (SampleFrame f : FrameSlicer.frames(beat, 1, 35, START, PERIOD_MICROS)) {
        records.add(raw(f.getEventTimeMillis(), f.getSourceId(), SampleFrameWire.encode(f)));
      }
    }
    Map<String, byte[]> malformed = MalformedFrames.all(START);
    int stride = records.size() / malformed.size();
    int at = 1;
    for (byte[] bad : malformed.values()) {
      // Spread among the healthy frames, so bad input arrives while the patients' beats are open.
      records.add(Math.min(at, records.size()), raw(START, "bad", bad));
      at += stride + 1;
    }

    Outputs out = run(model, records, Map.of());
    CollectingSink<BeatScore> scores = out.scores();
    CollectingSink<Alert> alerts = out.alerts();
    CollectingSink<DeadLetter> deadLetters = out.deadLetters();

    Map<String, Long> perPatient = scores.received().stream()
        .collect(Collectors.groupingBy(BeatScore::getSourceId, Collectors.counting()));
    assertThat(perPatient).containsExactlyInAnyOrderEntriesOf(Map.of("healthy-1", 12L, "healthy-2", 12L, "arrhythmic", 10L));
    assertThat(scores.received().stream().map(s -> s.getSourceId() + "/" + s.getFirstSequence()).distinct())
        .hasSize(34);
    for (BeatScore s : scores.received()) {
      assertThat(s.getLoss()).as("loss of %s/%d", s.getSourceId(), s.getFirstSequence())
          .isCloseTo(offline.get(s.getSourceId() + "/" + s.getFirstSequence()), within(1e-4));
      assertThat(s.getAnomalous()).isEqualTo(s.getLoss() > s.getThreshold());
      assertThat(s.getEmbedding()).as("no embedding unless scores.embedding is on").isNull();
    }

    assertThat(deadLetters.received()).hasSize(malformed.size());
    List<String> reasons = deadLetters.received().stream().map(d -> d.getReason()).toList();
    for (String expected : malformed.keySet()) {
      assertThat(reasons).as("a dead letter for: %s", expected).anyMatch(r -> r.startsWith(expected));
    }

    long abnormalFlagged = scores.received().stream()
        .filter(s -> s.getSourceId().equals("arrhythmic") && s.getFirstSequence() >= 4 * 140 && s.getAnomalous())
        .count();
    assertThat(abnormalFlagged).as("abnormal beats flagged").isGreaterThanOrEqualTo(3);
    assertThat(alerts.received()).isNotEmpty()
        .allSatisfy(a -> assertThat(a.getSourceId()).isEqualTo("arrhythmic"))
        .anySatisfy(a -> assertThat(a.getKind()).isEqualTo(AlertKind.OPENED));
    // Every event names its peak beat and lists anomalous beats that the scores show as such.
    Map<Long, BeatScore> arrhythmic = scores.received().stream().filter(s -> s.getSourceId().equals("arrhythmic"))
        .collect(Collectors.toMap(BeatScore::getFirstSequence, s -> s));
    for (Alert a : alerts.received()) {
      assertThat(a.getAnomalousSequences()).as("%s", a).hasSize(Math.min(a.getAnomalousBeats(), 32))
          .contains(a.getPeakSequence())
          .allSatisfy(seq -> assertThat(arrhythmic.get(seq).getAnomalous()).as("beat %d", seq).isTrue());
      assertThat(arrhythmic.get(a.getPeakSequence()).getLoss()).isEqualTo(a.getPeakLoss());
      assertThat(a.getPeakTimeMillis()).isEqualTo(arrhythmic.get(a.getPeakSequence()).getEndTimeMillis());
    }
  }

  @Test
  void withScoresEmbeddingOnEveryScoreCarriesItsBeatsEmbedding() throws Exception {
    Path model = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    Scorer scorer = Scorer.load(model, ScoringEngine.FUSED, 1);
    NormalSplit split = scorer.metadata().dataset().split(DatasetReader.read(ShippedData.ecg5000()));
    ReplayPlan plan = new ReplayPlan.Builder(140, 1).addAll("p1", split.testNormal().subList(0, 4))
        .addAll("p1", split.abnormal().subList(0, 2)).build();
    Map<Long, float[]> offline = new HashMap<>();
    List<RawRecord> records = new ArrayList<>();
    for (PlannedBeat beat : plan.all()) {
      offline.put(beat.firstSequence(), scorer.score(beat.values(), 1, true).embedding(0));
      for (SampleFrame f : FrameSlicer.frames(beat, 1, 35, START, PERIOD_MICROS)) {
        records.add(raw(f.getEventTimeMillis(), f.getSourceId(), SampleFrameWire.encode(f)));
      }
    }
    List<BeatScore> scores = run(model, records, Map.of("scores.embedding", "true")).scores().received();
    int e = scorer.metadata().architecture().embedding();
    assertThat(scores).hasSize(6).allSatisfy(s -> {
      float[] expected = offline.get(s.getFirstSequence());
      assertThat(s.getEmbedding()).hasSize(e);
      for (int i = 0; i < e; i++) {
        assertThat(s.getEmbedding().get(i)).as("beat %d, value %d", s.getFirstSequence(), i)
            .isCloseTo(expected[i], within(1e-4f));
      }
    });
  }

  /**
   * A latent-target model (format 3): its scores are its own errors, rebuilding its first encoder
   * layer's outputs, with per-step segment errors of that layer; the job gives what the offline
   * scorer gives. Random weights are enough: this is the job's handling of the model, not its skill.
   */
  @Test
  void aLatentTargetModelsBeatsAreScoredWithItsOwnErrorsAsOffline(@TempDir Path dir) throws Exception {
    ModelBundle shipped = ModelFile.load(ShippedData.find(Path.of("model-training", "models",
        "ecg5000-autoencoder.zip")));
    Architecture a = new Architecture(140, 1, 8, Variant.LATENT);
    ModelMetadata meta = new ModelMetadata(ModelFile.FORMAT_VERSION, null, shipped.metadata().createdAt(), a,
        LossKind.L1, ThresholdSelector.fixed(0), shipped.normalizer(), null, null, null, null, null);
    ModelBundle latent = new ModelBundle(AutoencoderFactory.create(a, LossKind.L1, 1e-3, 5), meta);
    NormalSplit split = shipped.metadata().dataset().split(DatasetReader.read(ShippedData.ecg5000()));
    ReplayPlan plan = new ReplayPlan.Builder(140, 1).addAll("p1", split.testNormal().subList(0, 5))
        .addAll("p2", split.abnormal().subList(0, 5)).build();
    Scorer untuned = Scorer.of(latent, ScoringEngine.FUSED);
    double[] losses = plan.all().stream().mapToDouble(beat -> untuned.score(beat.values(), 1).loss(0)).sorted().toArray();
    // A threshold between the losses, so that the decisions are not all the same.
    Path model = dir.resolve("latent.zip");
    ModelFile.save(latent.withMetadata(meta.withThreshold(ThresholdSelector.fixed(losses[losses.length / 2]))), model,
        "latent");
    Scorer scorer = Scorer.load(model, ScoringEngine.FUSED, 1);
    assertThat(scorer.metadata().formatVersion()).isEqualTo(3);

    Map<String, ScoreBatch> offline = new HashMap<>();
    List<RawRecord> records = new ArrayList<>();
    for (PlannedBeat beat : plan.all()) {
      offline.put(beat.sourceId() + "/" + beat.firstSequence(), scorer.score(beat.values(), 1));
      for (SampleFrame f : FrameSlicer.frames(beat, 1, 35, START, PERIOD_MICROS)) {
        records.add(raw(f.getEventTimeMillis(), f.getSourceId(), SampleFrameWire.encode(f)));
      }
    }
    List<BeatScore> scores = run(model, records, Map.of()).scores().received();
    assertThat(scores).hasSize(10);
    assertThat(scores).anySatisfy(s -> assertThat(s.getAnomalous()).isTrue())
        .anySatisfy(s -> assertThat(s.getAnomalous()).isFalse());
    for (BeatScore s : scores) {
      ScoreBatch expected = offline.get(s.getSourceId() + "/" + s.getFirstSequence());
      assertThat(s.getLoss()).isCloseTo(expected.loss(0), within(1e-5 * expected.loss(0)));
      // Over the 140 steps' 2E = 16 latent values.
      assertThat(s.getLossMean()).isCloseTo(s.getLoss() / (140 * 16), within(1e-9 * s.getLoss()));
      assertThat(s.getAnomalous()).isEqualTo(expected.isAnomalous(0));
      // Seven equal segments of the beat: the mean of its per-step latent errors in each.
      float[] steps = expected.stepErrors(0);
      assertThat(s.getSegmentErrors()).hasSize(7);
      for (int seg = 0; seg < 7; seg++) {
        double sum = 0;
        for (int t = seg * 140 / 7; t < (seg + 1) * 140 / 7; t++) {
          sum += steps[t];
        }
        assertThat(s.getSegmentErrors().get(seg)).as("segment %d", seg).isCloseTo((float) (sum / 20), within(1e-3f));
      }
    }
  }

  /**
   * Two pumps, eight sensors at about 1 Hz (uneven steps and long gaps, as SKAB's rows) driven by
   * one 40-row cycle; each learns its own model in the stream from its first 40 windows of 10
   * samples, then 30 more windows are scored. Pump B's Pressure (sensor 3) is shifted by four of
   * its standard deviations in windows 50 to 59.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "from the model file's weights: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void eachSourceLearnsItsOwnModelInTheStreamAndTheAlertNamesTheShiftedSensor(boolean fromModel, @TempDir Path dir)
      throws Exception {
    ModelBundle shipped = ModelFile.load(ShippedData.find(Path.of("model-training", "models",
        "ecg5000-autoencoder.zip")));
    // The file gives the shape (10 steps, 8 channels, E = 8); each source's weights are its own.
    Architecture a = new Architecture(10, 8, 8, Variant.RECONSTRUCTION);
    float[] zeros = new float[8];
    float[] ones = new float[8];
    java.util.Arrays.fill(ones, 1f);
    ModelMetadata meta = new ModelMetadata(ModelFile.FORMAT_VERSION, null, shipped.metadata().createdAt(), a,
        LossKind.L1, ThresholdSelector.fixed(1), new org.ecgstream.model.nn.FeatureNormalizer(zeros, ones), null, null,
        null, null, null);
    Path model = dir.resolve("pump-shape.zip");
    ModelFile.save(new ModelBundle(AutoencoderFactory.create(a, LossKind.L1, 1e-3, 3), meta), model, "pump-shape");

    ReplayPlan.Builder b = new ReplayPlan.Builder(10, 8);
    java.util.Random random = new java.util.Random(11);
    for (String pump : List.of("pump-a", "pump-b")) {
      for (int w = 0; w < 70; w++) {
        float[] v = new float[80];
        for (int t = 0; t < 10; t++) {
          int row = w * 10 + t;
          for (int c = 0; c < 8; c++) {
            v[t * 8 + c] = (float) (c + (0.5 + 0.1 * c) * Math.sin(2 * Math.PI * row / 40) + 0.05 * random.nextGaussian());
          }
          if (pump.equals("pump-b") && w >= 50 && w < 60) {
            v[t * 8 + 3] += (float) (4 * 0.8 * Math.sqrt(0.5));
          }
        }
        b.add(pump, new LabelledWindow(pump + "@" + w, 0, 10, 8, v));
      }
    }
    // As SKAB's rows come: one a frame, about a second apart, every 20th two seconds, and gaps of
    // 247 s (in the learning rows) and 76 s (in the shift): windows follow the rows, not the clock.
    long[] clock = new long[700];
    for (int row = 1; row < clock.length; row++) {
      clock[row] = clock[row - 1] + (row == 300 ? 247_000 : row == 520 ? 76_000 : row % 20 == 0 ? 2_000 : 1_000);
    }
    List<RawRecord> records = new ArrayList<>();
    for (PlannedBeat beat : b.build().all()) {
      for (SampleFrame f : FrameSlicer.frames(beat, 8, 1, START, 1_000_000)) {
        SampleFrame stamped = SampleFrame.newBuilder(f).setEventTimeMillis(START + clock[(int) f.getSequence()]).build();
        records.add(raw(stamped.getEventTimeMillis(), stamped.getSourceId(), SampleFrameWire.encode(stamped)));
      }
    }
    Outputs out = run(model, records, Map.of("source-learning.windows", "40", "source-learning.epochs", "40",
        "source-learning.from-model", String.valueOf(fromModel),
        "channel.names", "Current,Voltage,Temperature,Pressure,Vibration1,Vibration2,Thermocouple,Flow"));

    Map<String, List<BeatScore>> bySource = out.scores().received().stream()
        .collect(Collectors.groupingBy(BeatScore::getSourceId));
    assertThat(bySource.keySet()).containsExactlyInAnyOrder("pump-a", "pump-b");
    for (List<BeatScore> own : bySource.values()) {
      assertThat(own).hasSize(70);
      assertThat(own.stream().map(BeatScore::getFirstSequence).distinct()).hasSize(70);
      // The learning windows are scored once the model exists, never flagged; the rest by the source's model.
      assertThat(own).filteredOn(x -> x.getFirstSequence() < 400)
          .hasSize(40).allSatisfy(x -> {
            assertThat(x.getThresholdKind()).isEqualTo("learning");
            assertThat(x.getAnomalous()).isFalse();
          });
      assertThat(own).filteredOn(x -> x.getFirstSequence() >= 400)
          .allSatisfy(x -> assertThat(x.getThresholdKind()).isEqualTo("source"));
      assertThat(own).allSatisfy(x -> assertThat(x.getChannelErrors()).hasSize(8));
    }
    long shiftedFlagged = bySource.get("pump-b").stream()
        .filter(x -> x.getFirstSequence() >= 500 && x.getFirstSequence() < 600 && x.getAnomalous()).count();
    long normalFlagged = bySource.values().stream().flatMap(List::stream)
        .filter(x -> x.getFirstSequence() >= 400 && !(x.getSourceId().equals("pump-b") && x.getFirstSequence() >= 500
            && x.getFirstSequence() < 600) && x.getAnomalous()).count();
    assertThat(shiftedFlagged).as("shifted windows flagged, of 10").isGreaterThanOrEqualTo(8);
    assertThat(normalFlagged).as("normal windows flagged, of 50").isLessThanOrEqualTo(2);
    assertThat(out.alerts().received()).isNotEmpty().allSatisfy(al -> assertThat(al.getSourceId()).isEqualTo("pump-b"));
    Alert opened = out.alerts().received().stream().filter(al -> al.getKind() == AlertKind.OPENED).findFirst()
        .orElseThrow();
    assertThat(opened.getChannels()).hasSize(8).first().isEqualTo("Pressure");
    // An even spread over eight channels would give each 1/8; Pressure's share is at least twice that
    // and twice the next channel's.
    assertThat(opened.getChannelShares().get(0)).as("shares %s", opened.getChannelShares())
        .isGreaterThan(2f / 8).isGreaterThan(2 * opened.getChannelShares().get(1));
  }

  record Outputs(CollectingSink<BeatScore> scores, CollectingSink<Alert> alerts, CollectingSink<DeadLetter> deadLetters) {}

  /** Runs the whole job on {@code records} with collecting sinks, to the end of the input. */
  private static Outputs run(Path model, List<RawRecord> records, Map<String, String> settings) throws Exception {
    Outputs out = new Outputs(new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>());
    // The generator is shipped to the task: it carries the records' parts as arrays.
    long[] times = records.stream().mapToLong(r -> r.timestamp).toArray();
    byte[][] keys = records.stream().map(r -> r.key).toArray(byte[][]::new);
    byte[][] values = records.stream().map(r -> r.value).toArray(byte[][]::new);
    JobEnds ends = new JobEnds(new DataGeneratorSource<>(
        i -> new RawRecord("ecg.samples", 0, i, times[i.intValue()], keys[i.intValue()], values[i.intValue()]),
        times.length, TypeInformation.of(RawRecord.class)), out.scores(), out.alerts(), out.deadLetters());
    // Parallelism 1: a generator source splits its range across readers, which would reorder a
    // patient's frames; a Kafka partition keeps one key's frames in order (the playground's tests
    // run the Kafka ends at parallelism 2).
    Map<String, String> all = new HashMap<>(Map.of("model.path", model.toString(), "parallelism", "1",
        "checkpoint.interval.ms", "500"));
    all.putAll(settings);
    JobConfig c = JobConfig.fromMap(all, k -> null);
    Configuration conf = new Configuration();
    // A restart would replay the bounded input into non-transactional sinks: fail instead.
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    EcgAnomalyJob.build(env, c, ends, UnaryOperator.identity());
    env.execute("ecg-ends-it");
    return out;
  }

  private static RawRecord raw(long brokerTime, String key, byte[] value) {
    return new RawRecord("ecg.samples", 0, -1, brokerTime, key.getBytes(StandardCharsets.UTF_8), value);
  }
}

package org.ecgstream.playground.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
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
import org.ecgstream.model.skab.SkabAutoencoder;
import org.ecgstream.model.skab.SkabDetector;
import org.ecgstream.model.skab.SkabFile;
import org.ecgstream.model.skab.SkabMetrics;
import org.ecgstream.model.threshold.ThresholdSelector;
import org.ecgstream.playground.embedded.EmbeddedPipeline;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;

/**
 * The telemetry demo: every SKAB experiment is one pump sending its eight sensors, flat out; each
 * learns its own autoencoder in the stream from its first 400 rows (the protocol's learning part:
 * 391 windows of 10 rows, stride 1) and is scored after that by its own model. The run ends with
 * SKAB's figures computed from the streamed scores (the protocol's threshold and window-to-row
 * rule), beside the same figures from the offline command's models, which are trained the same way.
 */
final class SkabDemo {
  static final int WINDOW = 10;
  static final int EMBEDDING = 16;

  private SkabDemo() {}

  /** What the demo measured: the two rows and how many test rows' verdicts differ. */
  record Result(String streamed, String offline, long differingRows, int files, long windowsScored) {}

  static Result run(Path skab, Map<String, String> overrides, DemoServers servers, Path summaryJson) throws Exception {
    List<SkabFile> files = SkabFile.readAll(skab);
    int channels = files.get(0).channels().size();
    Path dir = Files.createTempDirectory("ecg-skab-demo");
    Path model = shapeFile(dir, channels);
    ReplayPlan.Builder b = new ReplayPlan.Builder(WINDOW, channels);
    Map<String, SkabFile> bySource = new LinkedHashMap<>();
    for (SkabFile f : files) {
      String source = "skab-" + f.name().replace('/', '-');
      bySource.put(source, f);
      // Ten rows a planned window; the last (fewer than ten) rows are not sent: the protocol's
      // rule never flags the last 2N-2 rows, and no window it reads ends there.
      for (int from = 0; from + WINDOW <= f.rows(); from += WINDOW) {
        float[] v = new float[WINDOW * channels];
        for (int t = 0; t < WINDOW; t++) {
          System.arraycopy(f.values()[from + t], 0, v, t * channels, channels);
        }
        b.add(source, new LabelledWindow(source + "@" + from, 0, WINDOW, channels, v));
      }
    }
    ReplayPlan plan = b.build();
    int learningWindows = SkabFile.TRAIN_ROWS - WINDOW + 1;
    System.out.printf("%d SKAB experiments as pumps with %d sensors, sent flat out; each learns its own model from its "
        + "first %d rows (%d windows of %d rows)%n", files.size(), channels, SkabFile.TRAIN_ROWS, learningWindows, WINDOW);
    Map<String, String> settings = new LinkedHashMap<>(Map.of("model.path", model.toString(),
        "transactional.id.prefix", "demo-" + UUID.randomUUID().toString().substring(0, 8), "parallelism", "1",
        "checkpoint.interval.ms", "1000", "transaction.timeout.ms", "60000", "window.stride", "1",
        "source-learning.windows", String.valueOf(learningWindows), "source-learning.epochs", "100",
        "source-learning.factor", "1.5", "channel.names", String.join(",", files.get(0).channels())));
    settings.putAll(overrides);
    Map<String, double[]> streamed = new LinkedHashMap<>();
    long scored;
    try (EmbeddedPipeline pipeline = servers.start(settings)) {
      EmbeddedDemo.announce(pipeline, servers.webUiPort());
      int[] reported = {0};
      // Every sent row from the tenth on ends one window (stride 1). Learning a source's model holds
      // its scorer's other sources for seconds, so silence alone does not mean the stream is done.
      int expected = bySource.values().stream().mapToInt(f -> f.rows() / WINDOW * WINDOW - WINDOW + 1).sum();
      EmbeddedPipeline.Run r = pipeline.replay(plan, new EmbeddedPipeline.Pace(WINDOW, WINDOW * 1000L,
              Double.POSITIVE_INFINITY, "windows"), expected, Duration.ofSeconds(90), Duration.ofMinutes(15),
          a -> {
            if (a.getKind() == AlertKind.OPENED) {
              System.out.println(describe(a));
            }
          }, n -> {
            if (n >= reported[0] + 5000) {
              reported[0] = n - n % 5000;
              System.out.printf("  ... %d windows scored and committed%n", n);
            }
          }, true);
      scored = r.scores().size();
      for (var e : bySource.entrySet()) {
        double[] byEnd = new double[e.getValue().rows()];
        Arrays.fill(byEnd, Double.NaN);
        streamed.put(e.getKey(), byEnd);
      }
      for (BeatScore s : r.scores()) {
        double[] byEnd = streamed.get(s.getSourceId());
        if (byEnd != null && s.getLastSequence() < byEnd.length) {
          byEnd[(int) s.getLastSequence()] = s.getLoss();
        }
      }
    }
    for (var e : streamed.entrySet()) {
      double[] byEnd = e.getValue();
      long missing = java.util.stream.IntStream.range(WINDOW - 1, bySource.get(e.getKey()).rows() / WINDOW * WINDOW)
          .filter(i -> Double.isNaN(byEnd[i])).count();
      if (missing > 0) {
        throw new IllegalStateException(e.getKey() + ": " + missing + " windows were not scored by the stream ("
            + scored + " scored in all); see the job's log (target/ecg-demo.log) and the dead letters");
      }
    }
    System.out.println("the offline command's models, trained the same way...");
    SkabDetector.Rule rule = new SkabDetector.Rule(0.99, 1.5, SkabDetector.PointRule.PROTOCOL);
    SkabAutoencoder.Settings offlineSettings = new SkabAutoencoder.Settings(WINDOW, EMBEDDING, 1e-3, 100, 5, 1);
    List<SkabMetrics.Scored> fromStream = new ArrayList<>();
    List<SkabMetrics.Scored> fromOffline = new ArrayList<>();
    long differing = 0;
    for (var e : bySource.entrySet()) {
      SkabFile f = e.getValue();
      int[] s = SkabDetector.predict(new SkabAutoencoder.Scores(WINDOW, streamed.get(e.getKey()), 0), rule);
      int[] o = SkabDetector.predict(SkabAutoencoder.trainAndScore(f, offlineSettings,
          new java.io.PrintStream(java.io.OutputStream.nullOutputStream())), rule);
      for (int i = 0; i < s.length; i++) {
        differing += s[i] != o[i] ? 1 : 0;
      }
      fromStream.add(SkabMetrics.testPart(f, s));
      fromOffline.add(SkabMetrics.testPart(f, o));
    }
    Result result = new Result(row(fromStream), row(fromOffline), differing, files.size(), scored);
    System.out.println("==================== summary ====================");
    System.out.printf("%d windows scored and committed for %d pumps%n", scored, files.size());
    System.out.println("SKAB protocol (F1, FAR %, MAR %, NAB standard / low FP / low FN, missed CPs, FP CPs):");
    System.out.println("  streamed through the job: " + result.streamed());
    System.out.println("  offline command:          " + result.offline());
    System.out.printf("  test rows whose verdicts differ: %d of %d%n", differing,
        files.stream().mapToInt(SkabFile::testRows).sum());
    System.out.println("=================================================");
    Path json = summaryJson.toAbsolutePath();
    Files.createDirectories(json.getParent());
    Files.writeString(json, ModelFile.json().writeValueAsString(result));
    System.out.println("summary written to " + json);
    return result;
  }

  static String row(List<SkabMetrics.Scored> scored) {
    SkabMetrics.Outliers o = SkabMetrics.outliers(scored);
    SkabMetrics.Nab nab = SkabMetrics.nab(scored);
    return String.format(Locale.ROOT, "F1 %.2f, FAR %.2f, MAR %.2f, NAB %.2f / %.2f / %.2f, missed %d, FP %d", o.f1(),
        o.far(), o.mar(), nab.standard(), nab.lowFp(), nab.lowFn(), nab.missed(), nab.falsePositives());
  }

  /** A model file that gives the job the shape (10 rows, the sensors, E = 16); its weights are not used. */
  private static Path shapeFile(Path dir, int channels) {
    Architecture a = new Architecture(WINDOW, channels, EMBEDDING, Variant.RECONSTRUCTION);
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    ModelMetadata meta = new ModelMetadata(ModelFile.FORMAT_VERSION, null, java.time.Instant.now().toString(), a,
        LossKind.L1, ThresholdSelector.fixed(1), new FeatureNormalizer(new float[channels], ones), null, null, null,
        null, null);
    Path model = dir.resolve("skab-shape.zip");
    ModelFile.save(new ModelBundle(AutoencoderFactory.create(a, LossKind.L1, 1e-3, 1), meta), model, "skab-shape");
    return model;
  }

  private static String describe(Alert a) {
    String channels = a.getChannels().isEmpty() ? "" : ", mostly " + a.getChannels().get(0)
        + String.format(Locale.ROOT, " (%.0f %%)", 100 * a.getChannelShares().get(0));
    return String.format(Locale.ROOT, "%s %-16s row %d: %s%s", EmbeddedDemo.icon(a), a.getSourceId(), a.getLastSequence(),
        a.getReason(), channels);
  }
}

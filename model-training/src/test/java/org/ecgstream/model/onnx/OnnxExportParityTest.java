package org.ecgstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.nn.WindowTensors;
import org.ecgstream.model.scoring.ErrorScore;
import org.ecgstream.model.scoring.FusedLstmEngine;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.model.testing.SmallModel;
import org.ecgstream.model.training.ErrorScoreChoice;
import org.ecgstream.model.training.TrainOptions;
import org.ecgstream.model.training.TrainingProtocol;
import org.junit.jupiter.api.io.TempDir;
import onnx.Onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exported ONNX graph, run by ONNX Runtime, gives what the fused engine gives.
 *
 * <p>Tolerances: the reconstruction is compared in absolute terms, 1e-5, as the fused engine is
 * against DL4J: its values are of order one (normalised, or ECG5000's z-normalised beats), and a
 * relative measure would blow up where a reconstruction crosses zero, while float rounding over the
 * 140-step recurrence errs by an absolute amount at the scale of the hidden state. The loss is a sum
 * of 140 or more errors (tens of units for ECG5000 beats) and accumulates rounding in proportion
 * to its size, so it is compared relative to its value, 1e-5.
 */
public class OnnxExportParityTest {
  static final double ABSOLUTE = 1e-5;
  public static final double RELATIVE = 1e-5;
  /**
   * The Mahalanobis score whitens the errors: a step whose normal errors barely vary multiplies a
   * reconstruction difference of 1e-6 by the inverse of that spread, so the score agrees to a
   * looser relative bound than a plain sum (measured: 1.3e-5 at batch 32 on the small model).
   */
  public static final double MAHALANOBIS_RELATIVE = 1e-4;
  static final Path SHIPPED = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));

  static ModelBundle shipped;
  static List<LabelledWindow> beats;
  static OnnxRuntimeModel shippedScoring;
  static OnnxRuntimeModel shippedNetwork;

  @BeforeAll
  static void exportTheShippedModel() {
    assertThat(OnnxRuntimeClasspath.available()).as("ONNX Runtime on the test classpath").isTrue();
    Nd4jRuntime.ensureStarted();
    shipped = ModelFile.load(SHIPPED);
    // Every 150th beat of TRAIN + TEST: normal and abnormal ones (labels 1–5).
    List<LabelledWindow> all = DatasetReader.read(ShippedData.ecg5000()).windows();
    beats = java.util.stream.IntStream.range(0, 32).mapToObj(i -> all.get(i * 150)).toList();
    assertThat(beats.stream().map(LabelledWindow::label).distinct().count()).isGreaterThan(1);
    Architecture a = shipped.architecture();
    shippedScoring = new OnnxRuntimeModel(OnnxExport.scoringGraph(shipped).toByteArray(), a.windowLength(), a.features(), 1);
    shippedNetwork = new OnnxRuntimeModel(OnnxExport.networkGraph(shipped.network(), a).toByteArray(), a.windowLength(),
        a.features(), 1);
  }

  @AfterAll
  static void close() {
    shippedScoring.close();
    shippedNetwork.close();
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 8, 32})
  void shippedModelOnRealBeatsScoresAsTheFusedEngine(int batch) {
    assertScoringParity(shippedScoring, Scorer.of(shipped, ScoringEngine.FUSED), beats.subList(0, batch));
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 8, 32})
  void shippedNetworkOnRealBeatsReconstructsAsTheFusedEngine(int batch) {
    Architecture a = shipped.architecture();
    float[] normalised = WindowTensors.toTensor(beats.subList(0, batch), shipped.normalizer()).data().asFloat();
    float[] expected = new FusedLstmEngine(shipped.network(), a).reconstruct(normalised, batch);
    assertWithin(shippedNetwork.reconstruct(normalised, batch), expected, "network graph, batch " + batch);
  }

  @Test
  void theScoringGraphCarriesTheThresholdAndLoss() {
    Map<String, String> meta = shippedScoring.metadata();
    assertThat(meta).containsEntry("ecg.loss", "L1")
        .containsEntry("ecg.threshold", Double.toString(shipped.threshold().value()))
        .containsEntry("ecg.model_version", shipped.metadata().modelVersion())
        .containsEntry("ecg.window_length", "140");
  }

  /** A second architecture: the small trained test model (E = 4, 24 steps), on its own beats. */
  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 8, 32})
  void smallTrainedModelScoresAsTheFusedEngine(int batch) {
    ModelBundle bundle = SmallModel.outcome().bundle();
    assertThat(bundle.architecture().embedding()).isEqualTo(4);
    assertExportScoresAsFused(bundle, batch, RELATIVE);
  }

  /** The small model scored by the Mahalanobis distance of its errors: the whitening nodes. */
  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 32})
  void mahalanobisScoredModelScoresAsTheFusedEngine(int batch, @TempDir Path dir) {
    TrainOptions base = SmallModel.options(SmallModel.data(), 11);
    TrainOptions maha = new TrainOptions(base.files(), base.normalLabel(), base.validationFraction(),
        base.testFraction(), base.splitSeed(), base.training(), base.threshold(), null, "maha", 1, base.engine(),
        new ErrorScoreChoice(ErrorScore.Kind.MAHALANOBIS, 0.5));
    ModelBundle bundle = TrainingProtocol.rescore(SmallModel.file(), maha, dir.resolve("maha.zip"),
        new java.io.PrintStream(java.io.PrintStream.nullOutputStream())).bundle();
    List<LabelledWindow> windows = DatasetReader.read(SmallModel.data()).windows().subList(0, batch);
    Architecture a = bundle.architecture();
    Onnx.ModelProto graph = OnnxExport.scoringGraph(bundle);
    assertThat(graph.getMetadataPropsList()).anySatisfy(p -> {
      assertThat(p.getKey()).isEqualTo("ecg.score");
      assertThat(p.getValue()).startsWith("Mahalanobis distance² of the error vector (24 values, shrinkage 0.50");
    });
    try (OnnxRuntimeModel ort = new OnnxRuntimeModel(graph.toByteArray(), a.windowLength(), a.features(), 1)) {
      assertScoringParity(ort, Scorer.of(bundle, ScoringEngine.FUSED), windows, MAHALANOBIS_RELATIVE);
    }
  }

  /**
   * Several features, a normaliser far from identity and the L2 loss: the layout, scaling and loss
   * nodes; for every variant, the slicing of the encoder's steps and the context.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void multiFeatureModelWithL2LossAndAScalingNormaliserScoresAsTheFusedEngine(Variant variant) {
    Architecture a = new Architecture(30, 3, 8, variant);
    MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L2, 1e-3, 5);
    FeatureNormalizer norm = new FeatureNormalizer(new float[] {1.5f, -20f, 0.25f}, new float[] {0.5f, 4f, 2f});
    Random r = new Random(3);
    List<LabelledWindow> windows = new java.util.ArrayList<>();
    for (int i = 0; i < 9; i++) {
      float[] v = new float[a.windowLength() * a.features()];
      for (int k = 0; k < v.length; k++) {
        int f = k % a.features();
        v[k] = norm.mean()[f] + norm.std()[f] * (float) (1.5 * r.nextGaussian());
      }
      windows.add(new LabelledWindow("w" + i, 1, a.windowLength(), a.features(), v));
    }
    var meta = SmallModel.outcome().bundle().metadata();
    var m = new org.ecgstream.model.bundle.ModelMetadata(meta.formatVersion(), "random-l2", meta.createdAt(), a, LossKind.L2,
        meta.threshold(), norm, meta.dataset(), meta.training(), null, meta.networkSha256(), null);
    ModelBundle bundle = new ModelBundle(net, m);
    try (OnnxRuntimeModel ort = new OnnxRuntimeModel(OnnxExport.scoringGraph(bundle).toByteArray(), a.windowLength(),
        a.features(), 1)) {
      assertScoringParity(ort, Scorer.of(bundle, ScoringEngine.FUSED), windows);
      float[] normalised = WindowTensors.toTensor(windows, norm).data().asFloat();
      try (OnnxRuntimeModel network = new OnnxRuntimeModel(OnnxExport.networkGraph(net, a).toByteArray(), a.windowLength(),
          a.features(), 1)) {
        assertWithin(network.reconstruct(normalised, windows.size()),
            FusedLstmEngine.forModel(net, a).reconstruct(normalised, windows.size()), "network graph, 3 features");
      }
    }
  }

  /**
   * The small test data's first {@code count} windows scored by {@code bundle}'s exported scoring
   * graph in ONNX Runtime and by the fused scorer, compared as {@link #assertScoringParity} does.
   */
  public static void assertExportScoresAsFused(ModelBundle bundle, int count, double relative) {
    List<LabelledWindow> windows = DatasetReader.read(SmallModel.data()).windows().subList(0, count);
    Architecture a = bundle.architecture();
    try (OnnxRuntimeModel ort = new OnnxRuntimeModel(OnnxExport.scoringGraph(bundle).toByteArray(), a.windowLength(),
        a.features(), 1)) {
      assertScoringParity(ort, Scorer.of(bundle, ScoringEngine.FUSED), windows, relative);
    }
  }

  public static void assertScoringParity(OnnxRuntimeModel ort, Scorer scorer, List<LabelledWindow> windows) {
    assertScoringParity(ort, scorer, windows, RELATIVE);
  }

  public static void assertScoringParity(OnnxRuntimeModel ort, Scorer scorer, List<LabelledWindow> windows,
                                  double relative) {
    int batch = windows.size();
    int w = scorer.windowLength() * scorer.features();
    float[] flat = new float[batch * w];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(windows.get(i).values(), 0, flat, i * w, w);
    }
    ScoreBatch expected = scorer.score(flat, batch);
    Map<String, float[]> got = ort.run(flat, batch);
    if (expected.reconstruction() != null) {
      assertWithin(got.get(OnnxExport.RECONSTRUCTION), expected.reconstruction(), "reconstruction, batch " + batch);
    } else {
      // A latent-target model: its per-step errors from the graph's two latent outputs ([batch, time, 2E]).
      assertThat(got).doesNotContainKey(OnnxExport.RECONSTRUCTION);
      float[] target = got.get(OnnxExport.LATENT_TARGET);
      float[] rebuilt = got.get(OnnxExport.LATENT_RECONSTRUCTION);
      int width = target.length / (batch * scorer.windowLength());
      float[] steps = new float[batch * scorer.windowLength()];
      for (int k = 0; k < target.length; k++) {
        steps[k / width] += Math.abs(target[k] - rebuilt[k]);
      }
      assertWithin(steps, expected.absErrors(), width * ABSOLUTE, "latent step errors, batch " + batch);
    }
    float[] loss = got.get(OnnxExport.LOSS);
    assertThat(loss).hasSize(batch);
    double worst = 0;
    for (int i = 0; i < batch; i++) {
      worst = Math.max(worst, Math.abs(loss[i] - expected.loss(i)) / expected.loss(i));
    }
    System.out.printf("largest relative difference of the loss, batch %d: %.2e%n", batch, worst);
    assertThat(worst).as("largest relative difference of the loss, batch " + batch).isLessThanOrEqualTo(relative);
    assertThat(expected.loss(0)).as("losses are not trivially zero").isGreaterThan(0.01);
  }

  static void assertWithin(float[] actual, float[] expected, String what) {
    assertWithin(actual, expected, ABSOLUTE, what);
  }

  static void assertWithin(float[] actual, float[] expected, double tolerance, String what) {
    assertThat(actual).hasSameSizeAs(expected);
    double worst = 0;
    double spread = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
      spread = Math.max(spread, Math.abs(expected[i]));
    }
    System.out.printf("largest absolute difference from the fused engine, %s: %.2e (largest value %.2f)%n", what, worst, spread);
    assertThat(worst).as("largest absolute difference from the fused engine, " + what).isLessThanOrEqualTo(tolerance);
    assertThat(spread).as("outputs are not trivially zero, " + what).isGreaterThan(0.05);
  }
}

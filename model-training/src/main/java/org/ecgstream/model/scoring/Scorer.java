package org.ecgstream.model.scoring;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.WindowTensors;

/**
 * Scores batches of windows with a trained model: the library the Flink job, the CLI and the
 * tests all call. Not thread-safe: use one instance per thread (per operator instance).
 */
public final class Scorer {
  private final ModelMetadata meta;
  private final ReconstructionEngine engine;
  private final FeatureNormalizer norm;
  private final int length;
  private final int features;
  /** What each error value is divided by for the error score: the feature's std, or 1 for latent errors. */
  private final float[] errorScale;
  private float[] normalised = new float[0];

  private Scorer(ModelBundle bundle, ScoringEngine kind) {
    this.meta = bundle.metadata();
    Architecture a = bundle.architecture();
    this.length = a.windowLength();
    this.features = a.features();
    this.norm = bundle.normalizer();
    this.errorScale = a.variant().rebuildsInput() ? norm.std() : new float[] {1f};
    this.engine = switch (kind) {
      case DL4J -> new Dl4jEngine(bundle.network(), a);
      case FUSED -> FusedLstmEngine.forModel(bundle.network(), a);
    };
  }

  /** Loads a model file and starts ND4J with {@code threads} native threads for this JVM. */
  public static Scorer load(Path modelFile, ScoringEngine kind, int threads) {
    Nd4jRuntime.setThreads(threads);
    return new Scorer(ModelFile.load(modelFile), kind);
  }

  /** Loads a model file to be scored by its {@linkplain ScoringEngine#reference reference engine}. */
  public static Scorer loadReference(Path modelFile, int threads) {
    Nd4jRuntime.setThreads(threads);
    ModelBundle bundle = ModelFile.load(modelFile);
    return new Scorer(bundle, ScoringEngine.reference(bundle.architecture()));
  }

  /** Wraps an already-loaded bundle (its network must not be shared with another thread). */
  public static Scorer of(ModelBundle bundle, ScoringEngine kind) {
    Nd4jRuntime.ensureStarted();
    return new Scorer(bundle, kind);
  }

  public ModelMetadata metadata() {
    return meta;
  }

  public int windowLength() {
    return length;
  }

  public int features() {
    return features;
  }

  public String engineName() {
    return engine.name();
  }

  /** Whether its engine runs on OpenBLAS (see {@link ReconstructionEngine#usesOpenBlas()}). */
  public boolean usesOpenBlas() {
    return engine.usesOpenBlas();
  }

  /**
   * Scores {@code batch} windows given time-major and back to back in {@code windows}
   * ({@code batch * length * features} values, original units).
   */
  public ScoreBatch score(float[] windows, int batch) {
    return score(windows, batch, false);
  }

  /** As {@link #score(float[], int)}; with {@code embed}, also each window's encoder embedding. */
  public ScoreBatch score(float[] windows, int batch, boolean embed) {
    int window = length * features;
    if (batch < 1 || windows.length < batch * window) {
      throw new IllegalArgumentException("expected " + batch + " windows of " + length + "x" + features
          + " (" + batch * window + " values), got " + windows.length + " values");
    }
    if (normalised.length < batch * window) {
      normalised = new float[batch * window];
    }
    for (int i = 0; i < batch; i++) {
      for (int j = i * window; j < (i + 1) * window; j++) {
        if (!Float.isFinite(windows[j])) {
          throw new IllegalArgumentException("window " + i + " has a non-finite value at index " + (j - i * window));
        }
      }
      WindowTensors.writeNormalised(windows, i * window, length, features, norm, normalised, i * window);
    }
    float[] input = normalised.length == batch * window ? normalised : Arrays.copyOf(normalised, batch * window);
    Architecture a = meta.architecture();
    float[] embeddings = embed ? new float[batch * a.embedding()] : null;
    double[] losses = new double[batch];
    if (!a.variant().rebuildsInput()) {
      float[] targets = new float[batch * a.outputWidth() * length];
      float[] decoded = engine.reconstruct(input, batch, embeddings, targets);
      float[] stepErrors = new float[batch * length];
      ReconstructionErrors.computeLatent(decoded, targets, batch, length, a.outputWidth(), meta.loss(), stepErrors,
          losses);
      applyErrorScore(stepErrors, batch, losses);
      return decided(new ScoreBatch(batch, length, a.outputWidth(), a.errorsPerStep(), losses, stepErrors, null,
          new boolean[batch],
          meta.threshold().value(), embeddings));
    }
    float[] reconstruction = engine.reconstruct(input, batch, embeddings);
    float[] restored = new float[batch * window];
    float[] absErrors = new float[batch * window];
    ReconstructionErrors.compute(windows, reconstruction, batch, length, features, norm, meta.loss(), restored,
        absErrors, losses, a.firstDecodedStep());
    applyErrorScore(absErrors, batch, losses);
    return decided(new ScoreBatch(batch, length, features, a.errorsPerStep(), losses, absErrors, restored,
        new boolean[batch],
        meta.threshold().value(), embeddings));
  }

  /** Replaces the summed losses by the model's error score of the errors, unless that is the sum. */
  private void applyErrorScore(float[] absErrors, int batch, double[] losses) {
    ErrorScore errorScore = meta.score();
    if (!errorScore.isSum()) {
      for (int i = 0; i < batch; i++) {
        losses[i] = errorScore.score(absErrors, i, length, meta.architecture().errorsPerStep(), errorScale, losses[i]);
      }
    }
  }

  /**
   * What each of a window's error values is divided by before the error score sees it, by its
   * place in the step: the features' standard deviations, or 1 for a latent-target model's errors.
   */
  public float[] errorScale() {
    return errorScale.clone();
  }

  /** Sets each window's decision at the model's threshold. */
  private ScoreBatch decided(ScoreBatch b) {
    for (int i = 0; i < b.size(); i++) {
      b.anomalous()[i] = meta.threshold().isAnomalous(b.loss(i));
    }
    return b;
  }

  /** Scores labelled windows in batches of at most {@code maxBatch}; returns their losses in order. */
  public double[] losses(List<LabelledWindow> windows, int maxBatch) {
    return eachWindow(windows, maxBatch, false, ScoreBatch::loss).stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The absolute errors of each labelled window (time-major, original units; for a latent-target
   * model one per step, see {@link ScoreBatch}), in batches of at most {@code maxBatch}.
   */
  public List<float[]> absErrors(List<LabelledWindow> windows, int maxBatch) {
    return eachWindow(windows, maxBatch, false, (b, i) -> {
      int window = length * b.errorsPerStep();
      return Arrays.copyOfRange(b.absErrors(), i * window, (i + 1) * window);
    });
  }

  /** The encoder's embedding of each labelled window, in order, scored in batches of at most {@code maxBatch}. */
  public float[][] embeddings(List<LabelledWindow> windows, int maxBatch) {
    return eachWindow(windows, maxBatch, true, ScoreBatch::embedding).toArray(float[][]::new);
  }

  /** Scores the windows in batches of at most {@code maxBatch} and takes {@code of} each window's result, in order. */
  private <T> List<T> eachWindow(List<LabelledWindow> windows, int maxBatch, boolean embed,
                                 java.util.function.BiFunction<ScoreBatch, Integer, T> of) {
    List<T> out = new java.util.ArrayList<>(windows.size());
    for (int from = 0; from < windows.size(); from += maxBatch) {
      ScoreBatch b = score(windows.subList(from, Math.min(windows.size(), from + maxBatch)), embed);
      for (int i = 0; i < b.size(); i++) {
        out.add(of.apply(b, i));
      }
    }
    return out;
  }

  private ScoreBatch score(List<LabelledWindow> windows, boolean embed) {
    int window = length * features;
    float[] flat = new float[windows.size() * window];
    for (int i = 0; i < windows.size(); i++) {
      LabelledWindow w = windows.get(i);
      if (w.length() != length || w.features() != features) {
        throw new IllegalArgumentException("window " + w.id() + " is " + w.length() + "x" + w.features()
            + ", the model expects " + length + "x" + features);
      }
      System.arraycopy(w.values(), 0, flat, i * window, window);
    }
    return score(flat, windows.size(), embed);
  }
}

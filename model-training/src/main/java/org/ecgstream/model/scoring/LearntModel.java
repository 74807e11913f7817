package org.ecgstream.model.scoring;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.nn.WindowTensors;
import org.ecgstream.model.threshold.ThresholdSelector;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An autoencoder learnt from one source's own first windows (a machine's, a sensor set's), with
 * the fast backward pass: its weights as a flat array (so they fit in checkpointed state), the
 * standardisation fitted on those windows, and the threshold {@code factor} × the {@code quantile}
 * of those windows' own scores (SKAB's LSTM-AE rule). A window's score is the sum over channels of
 * the mean absolute error over its steps, in standardised units, so that channels of different
 * units compare (SKAB's window score).
 */
public record LearntModel(Architecture architecture, float[] params, FeatureNormalizer normalizer, double threshold,
                          int epochs) {
  /** How a source's model is learnt. */
  public record Settings(int maxEpochs, int patience, double quantile, double factor, long seed) {}

  /**
   * Learns from {@code windows}, each time-major ({@code length × features} values); the last tenth
   * is held out for early stopping.
   */
  public static LearntModel learn(List<float[]> windows, Architecture a, Settings s) {
    return learn(windows, a, s, null);
  }

  /** As {@link #learn(List, Architecture, Settings)}, starting from {@code initial}'s weights when not null. */
  public static LearntModel learn(List<float[]> windows, Architecture a, Settings s, MultiLayerNetwork initial) {
    if (windows.size() < 10) {
      throw new IllegalArgumentException("a source's model needs at least 10 windows, got " + windows.size());
    }
    List<LabelledWindow> train = new ArrayList<>();
    List<LabelledWindow> validation = new ArrayList<>();
    int held = Math.max(1, windows.size() / 10);
    for (int i = 0; i < windows.size(); i++) {
      LabelledWindow w = new LabelledWindow("w" + i, LabelledWindow.UNLABELLED, a.windowLength(), a.features(),
          windows.get(i));
      (i >= windows.size() - held ? validation : train).add(w);
    }
    TrainingConfig cfg = new TrainingConfig(a.embedding(), LossKind.L1, 1e-3, 32, s.maxEpochs(), s.patience(), s.seed(),
        a.variant());
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    AutoencoderTrainer.Result r = initial == null
        ? AutoencoderTrainer.train(train, validation, cfg, AutoencoderTrainer.Engine.BACKPROP, quiet)
        : AutoencoderTrainer.trainFrom(initial, train, validation, cfg, AutoencoderTrainer.Engine.BACKPROP, quiet);
    LearntModel unthresholded = new LearntModel(a, r.network().params().dup().data().asFloat(), r.normalizer(), 0,
        r.history().size());
    ReconstructionEngine engine = unthresholded.engine();
    double[] scores = windows.stream().mapToDouble(w -> unthresholded.score(engine, w).score()).toArray();
    double threshold = s.factor() * ThresholdSelector.percentile(scores, 100 * s.quantile()).value();
    return new LearntModel(a, unthresholded.params(), r.normalizer(), threshold, r.history().size());
  }

  /** An engine for this model (one per thread). */
  public ReconstructionEngine engine() {
    MultiLayerNetwork net = AutoencoderFactory.create(architecture, LossKind.L1, 1e-3, 0);
    net.setParams(Nd4j.create(params, new long[] {1, params.length}));
    return new FusedLstmEngine(net, architecture);
  }

  /**
   * One window's score, its channels' errors, and its absolute errors per step and channel (time-major), all in
   * standardised units.
   */
  public record Scored(double score, float[] channelErrors, float[] absErrors) {}

  public Scored score(ReconstructionEngine engine, float[] window) {
    int t = architecture.windowLength();
    int f = architecture.features();
    float[] x = new float[t * f];
    WindowTensors.writeNormalised(window, 0, t, f, normalizer, x, 0);
    float[] y = engine.reconstruct(x, 1);
    float[] abs = new float[t * f];
    float[] channels = new float[f];
    for (int c = 0; c < f; c++) {
      for (int s = 0; s < t; s++) {
        // The engine's layout is [features][time]; the errors are kept time-major, like the input.
        float e = Math.abs(x[c * t + s] - y[c * t + s]);
        abs[s * f + c] = e;
        channels[c] += e;
      }
    }
    double score = 0;
    for (int c = 0; c < f; c++) {
      channels[c] /= t;
      score += channels[c];
    }
    return new Scored(score, channels, abs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LearntModel m && architecture.equals(m.architecture) && Arrays.equals(params, m.params)
        && normalizer.equals(m.normalizer) && threshold == m.threshold && epochs == m.epochs;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(params);
  }
}

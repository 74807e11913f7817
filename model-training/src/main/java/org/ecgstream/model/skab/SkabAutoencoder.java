package org.ecgstream.model.skab;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.nn.WindowTensors;
import org.ecgstream.model.scoring.FusedLstmEngine;
import org.ecgstream.model.scoring.ReconstructionEngine;

/**
 * The project's LSTM autoencoder on one SKAB experiment, as the protocol builds one model per file:
 * trained with the fast backward pass on the windows of the file's first {@value SkabFile#TRAIN_ROWS}
 * rows (their labels unused; the last tenth of them held out for early stopping, as the
 * leaderboard's Keras models do), then run over every window of the file.
 */
public final class SkabAutoencoder {
  /** How a model is built: window length N (rows), embedding E, learning rate, epochs at most, patience, seed. */
  public record Settings(int window, int embedding, double learningRate, int maxEpochs, int patience, long seed) {
    public Settings {
      if (window < 2 || window > SkabFile.TRAIN_ROWS / 4) {
        throw new IllegalArgumentException("window must be 2.." + SkabFile.TRAIN_ROWS / 4 + " rows, got " + window);
      }
    }
  }

  /**
   * Each window's score, indexed by the row the window ends at ({@code NaN} for the first N-1 rows,
   * where no window ends): the protocol's r = sum over the sensors of the mean absolute error over
   * the window's steps, in standardised units.
   */
  public record Scores(int window, double[] byEndRow, int epochs) {
    /** Scores of the windows that lie wholly in the training rows. */
    public double[] training() {
      double[] t = new double[SkabFile.TRAIN_ROWS - window + 1];
      System.arraycopy(byEndRow, window - 1, t, 0, t.length);
      return t;
    }
  }

  private SkabAutoencoder() {}

  public static Scores trainAndScore(SkabFile f, Settings s, PrintStream progress) {
    int n = s.window();
    int features = f.channels().size();
    List<LabelledWindow> train = new ArrayList<>();
    List<LabelledWindow> validation = new ArrayList<>();
    int trainWindows = SkabFile.TRAIN_ROWS - n + 1;
    int held = Math.max(1, trainWindows / 10);
    for (int start = 0; start < trainWindows; start++) {
      LabelledWindow w = new LabelledWindow(f.name() + "@" + start, LabelledWindow.UNLABELLED, n, features,
          flatten(f, start, n));
      (start >= trainWindows - held ? validation : train).add(w);
    }
    TrainingConfig cfg = new TrainingConfig(s.embedding(), LossKind.L1, s.learningRate(), 32, s.maxEpochs(), s.patience(), s.seed(),
        Variant.RECONSTRUCTION);
    AutoencoderTrainer.Result r = AutoencoderTrainer.train(train, validation, cfg, AutoencoderTrainer.Engine.BACKPROP,
        progress);
    Architecture arch = new Architecture(n, features, s.embedding(), Variant.RECONSTRUCTION);
    ReconstructionEngine engine = new FusedLstmEngine(r.network(), arch);
    FeatureNormalizer norm = r.normalizer();
    double[] byEnd = new double[f.rows()];
    java.util.Arrays.fill(byEnd, Double.NaN);
    int batch = 128;
    for (int from = 0; from + n <= f.rows(); from += batch) {
      int count = Math.min(batch, f.rows() - n + 1 - from);
      float[] x = new float[count * n * features];
      for (int b = 0; b < count; b++) {
        // The engines take [batch][features][time]; the window is time-major.
        WindowTensors.writeNormalised(flatten(f, from + b, n), 0, n, features, norm, x, b * n * features);
      }
      float[] y = engine.reconstruct(x, count);
      for (int b = 0; b < count; b++) {
        double sum = 0;
        for (int k = 0; k < n * features; k++) {
          sum += Math.abs(x[b * n * features + k] - y[b * n * features + k]);
        }
        byEnd[from + b + n - 1] = sum / n;
      }
    }
    return new Scores(n, byEnd, r.history().size());
  }

  private static float[] flatten(SkabFile f, int start, int n) {
    int features = f.channels().size();
    float[] v = new float[n * features];
    for (int t = 0; t < n; t++) {
      System.arraycopy(f.values()[start + t], 0, v, t * features, features);
    }
    return v;
  }
}

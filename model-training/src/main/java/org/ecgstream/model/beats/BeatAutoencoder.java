package org.ecgstream.model.beats;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderTrainer;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.TrainingConfig;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.FusedLstmEngine;
import org.ecgstream.model.scoring.ReconstructionEngine;
import org.ecgstream.model.wfdb.WfdbBeats;

/**
 * The project's LSTM autoencoder as the beat classifier uses it: trained on the normal beats of
 * many patients (at most {@value #PER_RECORD} from each training record, drawn with a fixed seed,
 * cut as the job cuts them), it reconstructs any beat; a beat unlike every normal beat it learnt
 * reconstructs badly. Its loss, raw and over the patient's own median loss, joins the beat's
 * features ({@link #LOSS}, {@link #RELATIVE_LOSS}).
 */
public final class BeatAutoencoder {
  public static final int PER_RECORD = 100;
  static final int EMBEDDING = 16;
  static final int EPOCHS = 8;
  public static final String LOSS = "autoencoder loss";
  public static final String RELATIVE_LOSS = "autoencoder loss / patient median";

  private final MultiLayerNetwork net;
  private final Architecture arch;
  private final FeatureNormalizer norm;

  private BeatAutoencoder(MultiLayerNetwork net, Architecture arch, FeatureNormalizer norm) {
    this.net = net;
    this.arch = arch;
    this.norm = norm;
  }

  /** Trains on the normal beats of {@code records} (with the backward pass, one thread). */
  public static BeatAutoencoder train(List<RecordBeats> records, long seed, PrintStream progress) {
    Random random = new Random(seed);
    List<LabelledWindow> train = new ArrayList<>();
    List<LabelledWindow> validation = new ArrayList<>();
    for (RecordBeats r : records) {
      List<Integer> normal = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        if (r.isNormal(i)) {
          normal.add(i);
        }
      }
      java.util.Collections.shuffle(normal, random);
      for (int k = 0; k < Math.min(PER_RECORD, normal.size()); k++) {
        LabelledWindow w = LabelledWindow.univariate(r.record() + "@" + r.peaks()[normal.get(k)], 1,
            r.windows()[normal.get(k)]);
        (k % 10 == 0 ? validation : train).add(w);
      }
    }
    TrainingConfig cfg = new TrainingConfig(EMBEDDING, LossKind.L1, 1e-3, 64, EPOCHS, EPOCHS, seed,
        Variant.RECONSTRUCTION);
    AutoencoderTrainer.Result result = AutoencoderTrainer.train(train, validation, cfg,
        AutoencoderTrainer.Engine.BACKPROP, progress);
    Architecture a = new Architecture(WfdbBeats.LENGTH, 1, EMBEDDING, Variant.RECONSTRUCTION);
    return new BeatAutoencoder(result.network(), a, result.normalizer());
  }

  /** Each window's L1 reconstruction loss, summed over its 140 values. */
  public double[] losses(float[][] windows) {
    ReconstructionEngine engine = new FusedLstmEngine(net, arch);
    int length = arch.windowLength();
    float mean = norm.mean()[0];
    float std = norm.std()[0];
    double[] out = new double[windows.length];
    int batch = 256;
    for (int from = 0; from < windows.length; from += batch) {
      int n = Math.min(batch, windows.length - from);
      float[] x = new float[n * length];
      for (int b = 0; b < n; b++) {
        for (int t = 0; t < length; t++) {
          x[b * length + t] = (windows[from + b][t] - mean) / std;
        }
      }
      float[] y = engine.reconstruct(x, n);
      for (int b = 0; b < n; b++) {
        double sum = 0;
        for (int t = 0; t < length; t++) {
          sum += Math.abs(windows[from + b][t] - (y[b * length + t] * std + mean));
        }
        out[from + b] = sum;
      }
    }
    return out;
  }

  /**
   * The two features for a record's beats: the loss, and the loss over the median loss of the
   * record's beats in its first {@code learningSeconds} (the patient's own level, known when the
   * learning period ends).
   */
  public double[][] features(RecordBeats r, double learningSeconds) {
    double[] loss = losses(r.windows());
    long end = Math.round(learningSeconds * r.samplingHz());
    List<Double> learning = new ArrayList<>();
    for (int i = 0; i < loss.length && r.peaks()[i] < end; i++) {
      learning.add(loss[i]);
    }
    double median = learning.isEmpty() ? 1 : learning.stream().sorted().toList().get(learning.size() / 2);
    double[][] f = new double[loss.length][];
    for (int i = 0; i < loss.length; i++) {
      f[i] = new double[] {loss[i], loss[i] / Math.max(1e-6, median)};
    }
    return f;
  }
}

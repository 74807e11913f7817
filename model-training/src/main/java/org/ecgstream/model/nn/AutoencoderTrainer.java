package org.ecgstream.model.nn;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.console.ProgressBar;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.backprop.BackpropFitter;

/**
 * Trains the autoencoder on normal windows with mini-batches, keeps the weights of the epoch with
 * the lowest validation loss, and stops after {@code patience} epochs without improvement.
 * Losses reported here are the network's objective: the per-window loss sum in normalised units.
 */
public final class AutoencoderTrainer {
  /** One epoch's losses and duration. */
  public record Epoch(int epoch, double trainLoss, double validationLoss, double seconds) {}

  /** The trained network (best epoch's weights) and how it got there. */
  public record Result(MultiLayerNetwork network, FeatureNormalizer normalizer, List<Epoch> history,
                       int bestEpoch, double seconds) {}

  private AutoencoderTrainer() {}

  /** How batches are fitted: DL4J's own training, or the hand-written backward pass (same gradients, faster). */
  public enum Engine { DL4J, BACKPROP }

  public static Result train(List<LabelledWindow> train, List<LabelledWindow> validation, TrainingConfig cfg,
                             PrintStream progress) {
    return train(train, validation, cfg, Engine.DL4J, progress);
  }

  public static Result train(List<LabelledWindow> train, List<LabelledWindow> validation, TrainingConfig cfg,
                             Engine engine, PrintStream progress) {
    if (train.isEmpty() || validation.isEmpty()) {
      throw new IllegalArgumentException("need training and validation windows");
    }
    LabelledWindow first = train.get(0);
    Architecture arch = new Architecture(first.length(), first.features(), cfg.embedding(), cfg.variant());
    FeatureNormalizer norm = FeatureNormalizer.fit(train);
    MultiLayerNetwork net = AutoencoderFactory.create(arch, cfg.loss(), cfg.learningRate(), cfg.seed());

    int window = arch.windowLength() * arch.features();
    float[] trainData = new float[train.size() * window];
    for (int i = 0; i < train.size(); i++) {
      WindowTensors.writeNormalised(train.get(i).values(), 0, arch.windowLength(), arch.features(), norm, trainData, i * window);
    }
    float[] validationData = new float[validation.size() * window];
    for (int i = 0; i < validation.size(); i++) {
      WindowTensors.writeNormalised(validation.get(i).values(), 0, arch.windowLength(), arch.features(), norm,
          validationData, i * window);
    }
    BatchFitter fitter = engine == Engine.BACKPROP
        ? new BackpropFitter(net, arch, cfg.loss(), cfg.learningRate()) : new Dl4jFitter(net, arch);

    Random shuffle = new Random(cfg.seed());
    int[] order = new int[train.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int batches = (train.size() + cfg.batchSize() - 1) / cfg.batchSize();
    List<Epoch> history = new ArrayList<>();
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    long start = System.nanoTime();

    for (int epoch = 1; epoch <= cfg.maxEpochs(); epoch++) {
      long epochStart = System.nanoTime();
      shuffle(order, shuffle);
      ProgressBar bar = new ProgressBar(progress, String.format("epoch %3d/%d", epoch, cfg.maxEpochs()), batches);
      double lossSum = 0;
      for (int b = 0; b < batches; b++) {
        int from = b * cfg.batchSize();
        int n = Math.min(cfg.batchSize(), order.length - from);
        float[] batch = new float[n * window];
        for (int k = 0; k < n; k++) {
          System.arraycopy(trainData, order[from + k] * window, batch, k * window, window);
        }
        lossSum += fitter.fit(batch, n) * n;
        bar.update(b + 1, String.format("loss %.4f", lossSum / (from + n)));
      }
      double trainLoss = lossSum / train.size();
      double validationLoss = fitter.meanLoss(validationData, validation.size());
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      history.add(new Epoch(epoch, trainLoss, validationLoss, seconds));
      boolean improved = validationLoss < bestLoss;
      if (improved) {
        bestLoss = validationLoss;
        bestEpoch = epoch;
        fitter.keepBest();
      }
      long left = cfg.maxEpochs() - epoch;
      bar.finish(batches, String.format("loss %.4f val %.4f%s (at most %s more)", trainLoss, validationLoss,
          improved ? " *" : "", ProgressBar.clock(Math.round(left * seconds))));
      if (epoch - bestEpoch >= cfg.patience()) {
        progress.printf("early stop: no validation improvement for %d epochs; keeping epoch %d (val %.4f)%n",
            cfg.patience(), bestEpoch, bestLoss);
        break;
      }
    }
    return new Result(fitter.best(), norm, List.copyOf(history), bestEpoch, (System.nanoTime() - start) / 1e9);
  }

  private static void shuffle(int[] a, Random r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

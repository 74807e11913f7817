package org.ecgstream.model.nn;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.console.ProgressBar;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.backprop.AutoencoderBackprop;
import org.ecgstream.model.nn.backprop.BackpropFitter;

/**
 * Trains the autoencoder on normal windows with mini-batches, keeps the weights of the epoch with
 * the lowest validation loss, and stops after {@code patience} epochs without improvement.
 * Losses reported here are the network's objective: the per-window loss sum in normalised units.
 * The latent-target variant trains in two stages: a reconstruction autoencoder of the same size,
 * then the latent model started from its LSTMs (see {@link Variant#LATENT}); its history is the
 * second stage's, its time both stages'.
 */
public final class AutoencoderTrainer {
  /** The parameters the latent-target model takes from its reconstruction autoencoder: all but the output layer's. */
  private static final List<String> STAGE_ONE_KEYS = AutoencoderBackprop.KEYS.stream()
      .filter(k -> !k.startsWith(AutoencoderFactory.OUTPUT + "_")).toList();

  /** One epoch's losses and duration. */
  public record Epoch(int epoch, double trainLoss, double validationLoss, double seconds) {}

  /**
   * The trained network (best epoch's weights) and how it got there.
   *
   * @param firstStage for the latent-target variant, where its first stage came from, in words; null otherwise
   */
  public record Result(MultiLayerNetwork network, FeatureNormalizer normalizer, List<Epoch> history,
                       int bestEpoch, double seconds, String firstStage) {}

  private AutoencoderTrainer() {}

  /** How batches are fitted: DL4J's own training, or the hand-written backward pass (same gradients, faster). */
  public enum Engine { DL4J, BACKPROP }

  public static Result train(List<LabelledWindow> train, List<LabelledWindow> validation, TrainingConfig cfg,
                             PrintStream progress) {
    return train(train, validation, cfg, Engine.DL4J, progress);
  }

  public static Result train(List<LabelledWindow> train, List<LabelledWindow> validation, TrainingConfig cfg,
                             Engine engine, PrintStream progress) {
    return train(train, validation, cfg, engine, null, progress);
  }

  /**
   * As above; for the latent-target variant, {@code firstStage} (when not null) is its already
   * trained reconstruction autoencoder, trained on these windows with this normalisation, and only
   * the second stage runs.
   */
  public static Result train(List<LabelledWindow> train, List<LabelledWindow> validation, TrainingConfig cfg,
                             Engine engine, FirstStage firstStage, PrintStream progress) {
    if (train.isEmpty() || validation.isEmpty()) {
      throw new IllegalArgumentException("need training and validation windows");
    }
    LabelledWindow first = train.get(0);
    Architecture arch = new Architecture(first.length(), first.features(), cfg.embedding(), cfg.variant());
    FeatureNormalizer norm = FeatureNormalizer.fit(train);
    float[] trainData = normalised(train, arch, norm);
    float[] validationData = normalised(validation, arch, norm);
    MultiLayerNetwork net = AutoencoderFactory.create(arch, cfg.loss(), cfg.learningRate(), cfg.seed());
    if (arch.variant() != Variant.LATENT) {
      if (firstStage != null) {
        throw new IllegalArgumentException("a first stage is for the latent-target variant, not " + arch.variant());
      }
      return fit(net, arch, norm, trainData, validationData, cfg, engine, progress, 0, null);
    }
    if (engine != Engine.BACKPROP) {
      throw new IllegalArgumentException("the latent-target variant trains with --engine BACKPROP only: DL4J's fit "
          + "cannot freeze its first layer nor take that layer's outputs as targets");
    }
    double earlier = 0;
    if (firstStage == null) {
      progress.println("latent target, stage 1 of 2: the reconstruction autoencoder whose first layer gives the targets");
      Architecture pretrained = new Architecture(arch.windowLength(), arch.features(), arch.embedding(),
          Variant.RECONSTRUCTION);
      Result stage1 = fit(AutoencoderFactory.create(pretrained, cfg.loss(), cfg.learningRate(), cfg.seed()),
          pretrained, norm, trainData, validationData, cfg, engine, progress, 0, null);
      earlier = stage1.seconds();
      firstStage = new FirstStage(stage1.network(), String.format(java.util.Locale.ROOT,
          "trained in this run: %d epochs, epoch %d kept, %.0f s", stage1.history().size(), stage1.bestEpoch(),
          stage1.seconds()));
    } else {
      progress.println("latent target: stage 1 " + firstStage.description());
    }
    // Its encoder and decoder LSTMs start the latent model; the output layer (2E wide) starts afresh.
    for (String key : STAGE_ONE_KEYS) {
      net.setParam(key, firstStage.network().getParam(key).dup());
    }
    progress.println("latent target, stage 2 of 2: rebuilding the frozen first layer's outputs");
    return fit(net, arch, norm, trainData, validationData, cfg, engine, progress, earlier, firstStage.description());
  }

  /**
   * As {@link #train(List, List, TrainingConfig, Engine, PrintStream)}, starting from {@code initial}'s
   * weights (a network of the same shape, e.g. a shipped model's) instead of random ones; the
   * standardisation is fitted on {@code train} as always. Not for the latent-target variant.
   */
  public static Result trainFrom(MultiLayerNetwork initial, List<LabelledWindow> train, List<LabelledWindow> validation,
                                 TrainingConfig cfg, Engine engine, PrintStream progress) {
    if (train.isEmpty() || validation.isEmpty()) {
      throw new IllegalArgumentException("need training and validation windows");
    }
    LabelledWindow first = train.get(0);
    Architecture arch = new Architecture(first.length(), first.features(), cfg.embedding(), cfg.variant());
    if (arch.variant() == Variant.LATENT) {
      throw new IllegalArgumentException("the latent-target variant trains in two stages; start it from random weights");
    }
    MultiLayerNetwork net = AutoencoderFactory.create(arch, cfg.loss(), cfg.learningRate(), cfg.seed());
    if (net.numParams() != initial.numParams()) {
      throw new IllegalArgumentException("the starting network has " + initial.numParams() + " weights; a "
          + arch + " network has " + net.numParams());
    }
    net.setParams(initial.params().dup());
    FeatureNormalizer norm = FeatureNormalizer.fit(train);
    return fit(net, arch, norm, normalised(train, arch, norm), normalised(validation, arch, norm), cfg, engine, progress,
        0, null);
  }

  /**
   * The latent-target variant's first stage: a reconstruction autoencoder of the same window,
   * features and E, and where it came from, in words (kept in the model file).
   */
  public record FirstStage(MultiLayerNetwork network, String description) {}

  private static float[] normalised(List<LabelledWindow> windows, Architecture arch, FeatureNormalizer norm) {
    int window = arch.windowLength() * arch.features();
    float[] data = new float[windows.size() * window];
    for (int i = 0; i < windows.size(); i++) {
      WindowTensors.writeNormalised(windows.get(i).values(), 0, arch.windowLength(), arch.features(), norm, data,
          i * window);
    }
    return data;
  }

  /**
   * The epochs of one network: mini-batches in a seeded order, the best validation epoch kept,
   * early stop. {@code earlierSeconds} (a previous stage's) is added to the result's time.
   */
  private static Result fit(MultiLayerNetwork net, Architecture arch, FeatureNormalizer norm, float[] trainData,
                            float[] validationData, TrainingConfig cfg, Engine engine, PrintStream progress,
                            double earlierSeconds, String firstStage) {
    int window = arch.windowLength() * arch.features();
    int trainSize = trainData.length / window;
    BatchFitter fitter = engine == Engine.BACKPROP
        ? new BackpropFitter(net, arch, cfg.loss(), cfg.learningRate()) : new Dl4jFitter(net, arch);

    Random shuffle = new Random(cfg.seed());
    int[] order = new int[trainSize];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int batches = (trainSize + cfg.batchSize() - 1) / cfg.batchSize();
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
      double trainLoss = lossSum / trainSize;
      double validationLoss = fitter.meanLoss(validationData, validationData.length / window);
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
    return new Result(fitter.best(), norm, List.copyOf(history), bestEpoch,
        earlierSeconds + (System.nanoTime() - start) / 1e9, firstStage);
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

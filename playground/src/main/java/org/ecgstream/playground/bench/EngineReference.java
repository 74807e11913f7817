package org.ecgstream.playground.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.scoring.Dl4jEngine;
import org.ecgstream.model.scoring.FusedLstmEngine;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.scoring.ReconstructionEngine;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;

/**
 * The model level, timed in the pipeline benchmark's own process with the job's engine, batch
 * size and thread count, so that the pipeline's rate can be set against it side by side. Two
 * figures: the engine's reconstruction alone, as the model-level benchmark times it, and the
 * scorer library's whole call the job makes per batch (checks, normalisation, reconstruction,
 * per-step errors and losses).
 */
final class EngineReference {
  /** Beats per second of the two calls. */
  record Rates(double reconstruction, double scorer) {}

  private final ReconstructionEngine engine;
  private final Scorer scorer;
  private final int batch;
  private final float[] gaussian;
  private final float[] beats;

  EngineReference(Path model, String engineName, int threads, int batch, List<LabelledWindow> windows) {
    Nd4jRuntime.setThreads(threads);
    ScoringEngine kind = ScoringEngine.valueOf(engineName.toUpperCase());
    ModelBundle bundle = ModelFile.load(model);
    Architecture a = bundle.architecture();
    this.engine = kind == ScoringEngine.DL4J ? new Dl4jEngine(bundle.network(), a)
        : FusedLstmEngine.forModel(bundle.network(), a);
    this.scorer = Scorer.load(model, kind, threads);
    this.batch = batch;
    int window = a.windowLength() * a.features();
    // As the model-level benchmark: standard normal input (already in normalised units).
    this.gaussian = new float[batch * window];
    Random r = new Random(1);
    for (int i = 0; i < gaussian.length; i++) {
      gaussian[i] = (float) r.nextGaussian();
    }
    // As the job: real beats, in original units.
    this.beats = new float[batch * window];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(windows.get(i % windows.size()).values(), 0, beats, i * window, window);
    }
  }

  /** Medians over five equal slices of {@code seconds} per call, after half a second of warm-up each. */
  Rates measure(double seconds) {
    return new Rates(median(() -> engine.reconstruct(gaussian, batch), seconds),
        median(() -> scorer.score(beats, batch), seconds));
  }

  private double median(Runnable call, double seconds) {
    runFor(call, 0.5);
    double[] rates = new double[5];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = runFor(call, seconds / rates.length);
    }
    Arrays.sort(rates);
    return rates[rates.length / 2];
  }

  private double runFor(Runnable call, double seconds) {
    long start = System.nanoTime();
    long until = start + (long) (seconds * 1e9);
    long calls = 0;
    do {
      call.run();
      calls++;
    } while (System.nanoTime() < until);
    return calls * batch / ((System.nanoTime() - start) / 1e9);
  }
}

package org.ecgstream.job.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.scoring.Dl4jEngine;
import org.ecgstream.model.scoring.FusedLstmEngine;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.scoring.ReconstructionEngine;

/**
 * The scoring engine alone, timed the way the model-level benchmark times it (same engine, batch
 * and thread count as the job), so that the pipeline's rate can be set against it in one process.
 */
final class EngineReference {
  private final ReconstructionEngine engine;
  private final int batch;
  private final float[] input;

  EngineReference(Path model, String engineName, int threads, int batch) {
    Nd4jRuntime.setThreads(threads);
    ModelBundle bundle = ModelFile.load(model);
    Architecture a = bundle.architecture();
    this.engine = "dl4j".equals(engineName) ? new Dl4jEngine(bundle.network(), a.windowLength(), a.features())
        : new FusedLstmEngine(bundle.network(), a);
    this.batch = batch;
    this.input = new float[batch * a.windowLength() * a.features()];
    Random r = new Random(1);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) r.nextGaussian();
    }
  }

  /** Median beats/s over five equal slices of {@code seconds}, after half a second of warm-up. */
  double beatsPerSecond(double seconds) {
    runFor(0.5);
    double[] rates = new double[5];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = runFor(seconds / rates.length);
    }
    Arrays.sort(rates);
    return rates[rates.length / 2];
  }

  private double runFor(double seconds) {
    long start = System.nanoTime();
    long until = start + (long) (seconds * 1e9);
    long calls = 0;
    do {
      engine.reconstruct(input, batch);
      calls++;
    } while (System.nanoTime() < until);
    return calls * batch / ((System.nanoTime() - start) / 1e9);
  }
}

package org.ecgstream.model.scoring;

import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.WindowTensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder both OpenBLAS fused engines ({@link FusedLstmEngine}, {@link ConditionalFusedEngine})
 * share: LSTM(features→2E) → LSTM(2E→E) over a window's first {@link Architecture#encoderSteps()}
 * steps, with its native scratch memory kept between calls.
 * Not thread-safe: it belongs to the one engine that owns it.
 */
final class FusedEncoder {
  final FusedLstmLayer first;
  final FusedLstmLayer second;
  private final int length;
  private final int features;
  private final int steps;
  private final ScratchMemory<Scratch> scratch = new ScratchMemory<>(Scratch::new);

  FusedEncoder(Map<String, INDArray> params, Architecture a) {
    first = new FusedLstmLayer(params, AutoencoderFactory.ENCODER_1);
    second = new FusedLstmLayer(params, AutoencoderFactory.ENCODER_2);
    length = a.windowLength();
    features = a.features();
    steps = a.encoderSteps();
  }

  /**
   * Encodes windows {@code from} to {@code from + n} of {@code in} ([batch][features][length],
   * normalised) and returns the last hidden state, [n, E] row-major: the embedding, valid until the
   * next call. {@code prof}, when not null, is told when the input is in place.
   */
  FloatPointer encode(float[] in, int from, int n, int gemvMaxBatch, FusedLstmProfile prof) {
    long lap = prof == null ? 0 : System.nanoTime();
    Scratch sc = scratch.atLeast(n);
    WindowTensors.timeMajor(in, from, n, length, steps, features, sc.xj);
    sc.x.put(sc.xj, 0, steps * n * features);
    if (prof != null) {
      prof.lap(FusedLstmProfile.EnginePart.INPUT, lap);
    }
    first.project(sc.x, steps * n, sc.xw1);
    first.run(sc.xw1, false, n, steps, sc.h1, gemvMaxBatch);
    second.project(sc.h1, steps * n, sc.xw2);
    return second.run(sc.xw2, false, n, steps, null, gemvMaxBatch);
  }

  /**
   * The last {@link #encode}'s first-layer outputs, time-major [steps * n, 2E] (row s * n + b is
   * window b at step s); valid until the next call.
   */
  FloatPointer firstLayerOutputs() {
    return scratch.last().h1;
  }

  /** The last {@link #encode}'s final cell state, [n, E] row-major; valid until the next call. */
  float[] lastCell() {
    return second.lastCell();
  }

  /** The time-major input (Java and native), both layers' input projections and the first layer's outputs. */
  private final class Scratch {
    final float[] xj;
    final FloatPointer x;
    final FloatPointer xw1;
    final FloatPointer xw2;
    final FloatPointer h1;

    Scratch(int n) {
      long rows = (long) steps * n;
      xj = new float[(int) rows * features];
      x = new FloatPointer(rows * features);
      xw1 = new FloatPointer(rows * 4 * first.hidden);
      xw2 = new FloatPointer(rows * 4 * second.hidden);
      h1 = new FloatPointer(rows * first.hidden);
    }
  }
}

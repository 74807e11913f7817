package org.ecgstream.model.scoring;

import java.util.Locale;

/**
 * Where {@link FusedLstmEngine} spends its time, part by part: a simple timing breakdown (one
 * {@link System#nanoTime()} per part and step) for the benchmark's {@code --profile}. Attached
 * with {@link FusedLstmEngine#profile}; an engine without one pays a null check per part.
 */
public final class FusedLstmProfile {
  /** Per LSTM layer. */
  enum LayerPart {
    INPUT_PROJECTION("input projection (GEMM, once per layer)"),
    RECURRENT_PRODUCT("recurrent product (GEMM or GEMV per step)"),
    COPY_OUT("pre-activations native → Java"),
    ACTIVATION("gate activations (tanh of every gate)"),
    GATE_SPLIT("gate split (array copies)"),
    CELL_AND_OUTPUT("cell update and h = o·tanh(c)"),
    COPY_IN("hidden state Java → native");

    final String label;

    LayerPart(String label) {
      this.label = label;
    }
  }

  /** Outside the layers. */
  enum EnginePart {
    INPUT("input: transpose to time-major, copy to native"),
    OUTPUT_PRODUCT("output layer (GEMM)"),
    OUTPUT_COPY("output: copy back, bias, transpose");

    final String label;

    EnginePart(String label) {
      this.label = label;
    }
  }

  static final String[] LAYERS = {"encoder 1", "encoder 2", "decoder 1", "decoder 2"};

  final long[][] layerNanos = new long[LAYERS.length][LayerPart.values().length];
  final long[] engineNanos = new long[EnginePart.values().length];
  private long batches;

  /** The clock for one layer's parts. */
  final class Layer {
    private final long[] nanos;

    Layer(int index) {
      this.nanos = layerNanos[index];
    }

    /** Adds the time since {@code since} to {@code part}; returns now, the next part's start. */
    long lap(LayerPart part, long since) {
      long now = System.nanoTime();
      nanos[part.ordinal()] += now - since;
      return now;
    }
  }

  long lap(EnginePart part, long since) {
    long now = System.nanoTime();
    engineNanos[part.ordinal()] += now - since;
    return now;
  }

  void countBatch() {
    batches++;
  }

  public long batches() {
    return batches;
  }

  /** All parts' time per batch, in milliseconds. */
  public double totalMsPerBatch() {
    long sum = 0;
    for (long[] l : layerNanos) {
      for (long v : l) {
        sum += v;
      }
    }
    for (long v : engineNanos) {
      sum += v;
    }
    return sum / 1e6 / Math.max(1, batches);
  }

  /**
   * A Markdown table: each layer's parts and the engine's own, in ms per batch, µs per time step
   * (for the layers) and share of the total.
   */
  public String table(int length) {
    double total = totalMsPerBatch();
    StringBuilder sb = new StringBuilder("| layer | part | ms per batch | µs per step | share |\n|---|---|---:|---:|---:|\n");
    double[] partSums = new double[LayerPart.values().length];
    for (int l = 0; l < LAYERS.length; l++) {
      for (LayerPart p : LayerPart.values()) {
        double ms = layerNanos[l][p.ordinal()] / 1e6 / Math.max(1, batches);
        partSums[p.ordinal()] += ms;
        sb.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.1f | %.1f %% |%n", LAYERS[l], p.label, ms,
            ms * 1000 / length, 100 * ms / total));
      }
    }
    for (EnginePart p : EnginePart.values()) {
      double ms = engineNanos[p.ordinal()] / 1e6 / Math.max(1, batches);
      sb.append(String.format(Locale.ROOT, "| engine | %s | %.3f | | %.1f %% |%n", p.label, ms, 100 * ms / total));
    }
    for (LayerPart p : LayerPart.values()) {
      double ms = partSums[p.ordinal()];
      sb.append(String.format(Locale.ROOT, "| all layers | %s | %.3f | %.1f | %.1f %% |%n", p.label, ms, ms * 1000 / length,
          100 * ms / total));
    }
    sb.append(String.format(Locale.ROOT, "| all | | %.3f | | 100 %% |%n", total));
    return sb.toString();
  }
}

package org.ecgstream.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ecgstream.model.scoring.ReconstructionEngine;

/**
 * An exported model run by ONNX Runtime on the CPU: used to check exports against the fused
 * engine and to time ONNX Runtime beside it. ONNX Runtime is an optional dependency: check
 * {@link OnnxRuntimeClasspath#available()} before touching this class. Not thread-safe.
 *
 * <p>As a {@link ReconstructionEngine} it runs a {@link OnnxExport#networkGraph network graph}:
 * normalised windows laid out [batch][features][time] in and out, as the other engines take them.
 */
public final class OnnxRuntimeModel implements ReconstructionEngine, AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final int length;
  private final int features;
  private FloatBuffer input = FloatBuffer.allocate(0);

  /**
   * A session with {@code threads} intra-op threads and sequential execution: one thread
   * compares with the fused engine on one thread.
   */
  public OnnxRuntimeModel(byte[] model, int length, int features, int threads) {
    this.length = length;
    this.features = features;
    try {
      env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(model, o);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime refused the model: " + e.getMessage(), e);
    }
  }

  /** ONNX Runtime's version, e.g. 1.23.2. */
  public static String version() {
    return OrtEnvironment.getEnvironment().getVersion();
  }

  /**
   * Runs the model on {@code batch} windows given as [batch][time][features] and returns every
   * output by name, flattened in row-major order.
   */
  public Map<String, float[]> run(float[] timeMajor, int batch) {
    int size = batch * length * features;
    if (input.capacity() < size) {
      input = ByteBuffer.allocateDirect(4 * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
    FloatBuffer in = input.duplicate();
    in.put(timeMajor, 0, size).flip();
    try (OnnxTensor t = OnnxTensor.createTensor(env, in, new long[] {batch, length, features});
         OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, t))) {
      Map<String, float[]> out = new LinkedHashMap<>();
      for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
        FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
        float[] values = new float[b.remaining()];
        b.get(values);
        out.put(e.getKey(), values);
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  @Override
  public float[] reconstruct(float[] normalised, int batch) {
    float[] timeMajor = features == 1 ? normalised : transpose(normalised, batch, features, length);
    float[] y = run(timeMajor, batch).get(OnnxExport.RECONSTRUCTION);
    // The features, or for a latent-target model the first layer's 2E outputs.
    int width = y.length / (batch * length);
    return width == 1 ? y : transpose(y, batch, length, width);
  }

  /** Swaps the two inner axes of [batch][rows][cols]. */
  private static float[] transpose(float[] x, int batch, int rows, int cols) {
    float[] out = new float[x.length];
    for (int b = 0; b < batch; b++) {
      int base = b * rows * cols;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          out[base + c * rows + r] = x[base + r * cols + c];
        }
      }
    }
    return out;
  }

  /** The model's metadata properties (the scoring graph carries the threshold and loss kind). */
  public Map<String, String> metadata() {
    try {
      return session.getMetadata().getCustomMetadata();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String name() {
    return "onnxruntime";
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}

package org.ecgstream.model.onnx;

/**
 * Whether ONNX Runtime (an optional dependency) is on the classpath. A class of its own: the JVM
 * links {@link OnnxRuntimeModel} against ONNX Runtime's classes, so even a static method of it
 * fails where they are missing.
 */
public final class OnnxRuntimeClasspath {
  private OnnxRuntimeClasspath() {}

  /** True when ONNX Runtime's Java API can be loaded (its natives load on first use). */
  public static boolean available() {
    try {
      Class.forName("ai.onnxruntime.OrtEnvironment", false, OnnxRuntimeClasspath.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}

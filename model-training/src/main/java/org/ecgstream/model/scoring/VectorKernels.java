package org.ecgstream.model.scoring;

import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.Variant;

/**
 * Whether the fused engine runs on Java's Vector API ({@link VectorLstmEngine}, and
 * {@link VectorConditionalEngine} for the conditional variant) or on OpenBLAS ({@link FusedLstmEngine},
 * {@link ConditionalFusedEngine}), and the one place that builds the former, so that no class touching
 * {@code jdk.incubator.vector} is loaded in a JVM without that module.
 *
 * <p>The Vector API is used when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (bin/ecg, the tests and the deploy files do), its preferred vectors are at
 * least 256 bits (AVX2 or AVX-512 on x86; the JVM finds which itself, nothing is forced), and the
 * system property {@value #PROPERTY} is not {@code openblas}.
 */
public final class VectorKernels {
  /** System property: {@code openblas} keeps the fused engine on OpenBLAS even where the Vector API could run it. */
  public static final String PROPERTY = "ecg.scoring.kernels";
  static final String MODULE = "jdk.incubator.vector";

  private VectorKernels() {}

  /** Whether the fused engine runs on the Vector API in this JVM. */
  public static boolean usable() {
    String chosen = System.getProperty(PROPERTY, "vector").toLowerCase(Locale.ROOT);
    if (!chosen.equals("vector") && !chosen.equals("openblas")) {
      throw new IllegalArgumentException(PROPERTY + " must be 'vector' or 'openblas', not '" + chosen + "'");
    }
    return chosen.equals("vector") && ModuleLayer.boot().findModule(MODULE).isPresent()
        && VectorLstmLayer.S.vectorBitSize() >= 256;
  }

  /** Why the fused engine runs where it does, for logs and the benchmark. */
  public static String describe() {
    if (usable()) {
      return "Java Vector API, " + VectorLstmLayer.S.vectorBitSize() + "-bit vectors";
    }
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return "OpenBLAS (the JVM was started without --add-modules " + MODULE + ")";
    }
    return "OpenBLAS (" + PROPERTY + "=" + System.getProperty(PROPERTY, "vector") + ", or vectors under 256 bits)";
  }

  /** The Vector API engine for a model of any variant; only when {@link #usable()}. */
  static ReconstructionEngine engine(MultiLayerNetwork net, Architecture a) {
    return a.variant() == Variant.CONDITIONAL ? new VectorConditionalEngine(net, a) : new VectorLstmEngine(net, a);
  }
}

package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.junit.jupiter.api.Test;

/**
 * The Vector API engines' AVX2 code (256-bit vectors, tiles of two, for AVX2's 16 registers) on
 * any x86 machine: a child JVM held to AVX2 ({@code -XX:UseAVX=2}) checks them against DL4J, and
 * against the OpenBLAS engine for the conditional variant, and that a window scores the same in
 * every batch. On an AVX2-only machine the other tests run this code anyway; on an AVX-512 one
 * only this does.
 */
class Avx2KernelsTest {
  /**
   * The conditional variant is checked against the OpenBLAS engine, not DL4J (which cannot run
   * it); {@link Float32Bound} does not model its decoder yet, so this one bound is still a fixed one.
   */
  static final double CONDITIONAL_TOLERANCE = 1e-5;

  @Test
  void theAvx2KernelsMatchDl4jAndTheirOwnResultsInEveryBatch() throws Exception {
    assumeTrue(List.of("amd64", "x86_64").contains(System.getProperty("os.arch")), "-XX:UseAVX is for x86 only");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-XX:UseAVX=2", "--add-modules", "jdk.incubator.vector", "-cp", classpath, Probe.class.getName());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try {
      // Read to the end first: the child's logging must not fill the pipe and stall it.
      out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as(out).isZero();
    String result = out.lines().filter(l -> l.startsWith("bits ")).findFirst().orElseThrow(() -> new AssertionError(out));
    assumeTrue(!result.startsWith("bits 0"), "this CPU has no AVX2: " + result);
    // bits, then per variant: the largest difference from the reference as a share of what float32
    // allows (Float32Bound; for the conditional variant, against the OpenBLAS engine, CONDITIONAL_TOLERANCE),
    // and whether batches agreed.
    assertThat(result).as(out).startsWith("bits 256 ");
    String[] f = result.split(" ");
    for (int i = 2; i < f.length; i += 3) {
      assertThat(Double.parseDouble(f[i + 1])).as("%s: largest difference from the reference, share of its bound", f[i])
          .isLessThanOrEqualTo(1.0);
      assertThat(f[i + 2]).as("%s: the same in every batch", f[i]).isEqualTo("same");
    }
  }

  /** Child JVM: "bits B" then, per variant, "VARIANT largestDifference same|differs". */
  public static final class Probe {
    public static void main(String[] args) {
      if (!VectorKernels.usable()) {
        System.out.println("bits 0 (" + VectorKernels.describe() + ")");
        return;
      }
      Nd4jRuntime.ensureStarted();
      StringBuilder line = new StringBuilder("bits " + VectorLstmLayer.S.vectorBitSize());
      for (Variant v : List.of(Variant.RECONSTRUCTION, Variant.PREDICTION, Variant.LATENT, Variant.CONDITIONAL)) {
        Architecture a = new Architecture(40, 2, 24, v);
        MultiLayerNetwork net = AutoencoderFactory.create(a, LossKind.L1, 1e-3, 11);
        ReconstructionEngine engine = FusedLstmEngine.forModel(net, a);
        ReconstructionEngine reference =
            v == Variant.CONDITIONAL ? new ConditionalFusedEngine(net, a) : new Dl4jEngine(net, a);
        int n = 7;
        int size = a.windowLength() * a.features();
        // Outputs per window: a latent-target model's are its 2E values per step (48: two panels here).
        int outSize = a.windowLength() * a.outputWidth();
        float[] x = new float[n * size];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) r.nextGaussian();
        }
        float[] all = engine.reconstruct(x, n);
        float[] expected = reference.reconstruct(x, n);
        double[] bound = v == Variant.CONDITIONAL ? null : Float32Bound.of(net, a, x, n).output();
        double worst = 0;
        for (int i = 0; i < all.length; i++) {
          double allowed = bound == null ? CONDITIONAL_TOLERANCE : 2 * bound[i];
          double d = Math.abs(all[i] - expected[i]);
          // A prediction model's context steps are copied: allowed 0, so they must be equal.
          worst = Math.max(worst, d == 0 ? 0 : d / allowed);
        }
        boolean same = true;
        for (int b = 0; b < n; b++) {
          float[] alone = engine.reconstruct(Arrays.copyOfRange(x, b * size, (b + 1) * size), 1);
          same &= Arrays.equals(alone, Arrays.copyOfRange(all, b * outSize, (b + 1) * outSize));
        }
        line.append(' ').append(v).append(' ').append(worst).append(' ').append(same ? "same" : "differs");
      }
      System.out.println(line);
    }
  }
}

package org.ecgstream.model.scoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells operators when OpenBLAS is likely running slower kernels than the CPU allows. The OpenBLAS
 * shipped with ND4J 1.0.0-M2.1 (0.3.19) picks its kernels by CPU model and takes AMD CPUs newer
 * than it with AVX-512 (seen here on Zen 5) for older ones; {@code OPENBLAS_CORETYPE=SkylakeX}
 * makes it use its AVX-512 kernels, which scored 1.6–3x faster at batch 32 here (BENCHMARKS.md).
 * OpenBLAS reads the variable when it loads, so it has to be set in the process's environment.
 */
public final class OpenBlasKernels {
  public static final String VARIABLE = "OPENBLAS_CORETYPE";
  private static final Set<String> AVX512_FOR_SKYLAKEX = Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl");
  private static final Pattern FLAGS = Pattern.compile("(?m)^flags\\s*:(.*)$");

  private OpenBlasKernels() {}

  /** The hint for this machine and process, or empty when there is none to give. */
  public static Optional<String> hint() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    try {
      return Files.isReadable(cpuinfo) ? hint(Files.readString(cpuinfo), System.getenv(VARIABLE)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static Optional<String> hint(String cpuinfo, String coretype) {
    if (coretype != null || !cpuinfo.contains("AuthenticAMD")) {
      return Optional.empty();
    }
    var m = FLAGS.matcher(cpuinfo);
    if (!m.find() || !Set.of(m.group(1).trim().split("\\s+")).containsAll(AVX512_FOR_SKYLAKEX)) {
      return Optional.empty();
    }
    return Optional.of("this AMD CPU has AVX-512, which the OpenBLAS bundled with ND4J leaves unused unless told: set "
        + VARIABLE + "=SkylakeX in the environment of the JVM (scoring was 1.6–3x faster at batch 32 on the project's machines, see BENCHMARKS.md)");
  }
}

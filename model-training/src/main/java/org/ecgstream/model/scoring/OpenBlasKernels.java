package org.ecgstream.model.scoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

  /**
   * The CPU instructions OpenBLAS's kernels for a forced core type use (names as OpenBLAS reads
   * them, in capitals). Forced on a CPU without them, OpenBLAS kills the JVM with SIGILL at its first
   * product, so a forced kernel is checked before ND4J loads.
   */
  private static final Map<String, Set<String>> NEEDS = Map.ofEntries(
      Map.entry("SKYLAKEX", AVX512_FOR_SKYLAKEX),
      Map.entry("COOPERLAKE", Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16")),
      Map.entry("SAPPHIRERAPIDS", Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16")),
      Map.entry("HASWELL", Set.of("avx2", "fma")),
      Map.entry("ZEN", Set.of("avx2", "fma")),
      Map.entry("EXCAVATOR", Set.of("avx2", "fma")),
      Map.entry("STEAMROLLER", Set.of("avx", "fma")),
      Map.entry("PILEDRIVER", Set.of("avx", "fma")),
      Map.entry("BULLDOZER", Set.of("avx")),
      Map.entry("SANDYBRIDGE", Set.of("avx")));

  private OpenBlasKernels() {}

  /**
   * Refuses, with the reason, a kernel forced by {@value #VARIABLE} that this CPU cannot run; does
   * nothing when none is forced, when the CPU's flags cannot be read, or the kernel is not known here.
   */
  public static void refuseUnsupported() {
    String coretype = System.getenv(VARIABLE);
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (coretype == null || !Files.isReadable(cpuinfo)) {
      return;
    }
    try {
      refusal(Files.readString(cpuinfo), coretype).ifPresent(reason -> {
        throw new IllegalStateException(reason);
      });
    } catch (IOException e) {
      // No flags to check against: leave the choice to OpenBLAS.
    }
  }

  static Optional<String> refusal(String cpuinfo, String coretype) {
    Set<String> needs = NEEDS.get(coretype.trim().toUpperCase(java.util.Locale.ROOT));
    var m = FLAGS.matcher(cpuinfo);
    if (needs == null || !m.find()) {
      return Optional.empty();
    }
    Set<String> has = Set.of(m.group(1).trim().split("\\s+"));
    List<String> missing = needs.stream().filter(f -> !has.contains(f)).sorted().toList();
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(VARIABLE + "=" + coretype + " forces OpenBLAS kernels that need CPU instructions this CPU "
        + "lacks (" + String.join(", ", missing) + "); OpenBLAS would stop the JVM with an illegal instruction. "
        + "Unset " + VARIABLE + " to let OpenBLAS choose, or set a kernel this CPU has.");
  }

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

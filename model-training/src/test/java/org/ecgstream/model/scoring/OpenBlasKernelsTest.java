package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenBlasKernelsTest {
  private static final String AMD_AVX512 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n"
      + "flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl\n\nprocessor\t: 1\n";

  @Test
  void hintsOnlyForAmdWithTheAvx512SetAndNoChoiceMadeYet() {
    assertThat(OpenBlasKernels.hint(AMD_AVX512, null)).hasValueSatisfying(h -> assertThat(h).contains("OPENBLAS_CORETYPE=SkylakeX"));
    // Already chosen, whatever the value: the operator decided.
    assertThat(OpenBlasKernels.hint(AMD_AVX512, "Zen")).isEmpty();
    // Intel CPUs with AVX-512 are recognised by OpenBLAS itself.
    assertThat(OpenBlasKernels.hint(AMD_AVX512.replace("AuthenticAMD", "GenuineIntel"), null)).isEmpty();
    // AVX2 only, or AVX-512 without the subsets the SkylakeX kernels use: forcing them would crash.
    assertThat(OpenBlasKernels.hint(AMD_AVX512.replace(" avx512f avx512dq avx512cd avx512bw avx512vl", ""), null)).isEmpty();
    assertThat(OpenBlasKernels.hint(AMD_AVX512.replace(" avx512vl", ""), null)).isEmpty();
    assertThat(OpenBlasKernels.hint("vendor_id : AuthenticAMD\n", null)).isEmpty();
  }

  @Test
  void refusesAForcedKernelWhoseInstructionsTheCpuLacks() {
    String avx2Only = AMD_AVX512.replace(" avx512f avx512dq avx512cd avx512bw avx512vl", "");
    // The crash the issue reports: SkylakeX forced on an AVX2 machine.
    assertThat(OpenBlasKernels.refusal(avx2Only, "SkylakeX")).hasValueSatisfying(r -> assertThat(r)
        .startsWith("OPENBLAS_CORETYPE=SkylakeX forces OpenBLAS kernels that need CPU instructions this CPU lacks "
            + "(avx512bw, avx512dq, avx512f, avx512vl)")
        .contains("Unset OPENBLAS_CORETYPE"));
    assertThat(OpenBlasKernels.refusal(AMD_AVX512.replace(" avx512vl", ""), "skylakex")).isPresent();
    assertThat(OpenBlasKernels.refusal(AMD_AVX512, "Cooperlake")).hasValueSatisfying(r -> assertThat(r)
        .contains("(avx512_bf16)"));
    assertThat(OpenBlasKernels.refusal("flags : fpu sse sse2\n", "Haswell")).hasValueSatisfying(r -> assertThat(r)
        .contains("(avx2, fma)"));
    // Kernels the CPU has, names this check does not know, and unreadable flags are left to OpenBLAS.
    assertThat(OpenBlasKernels.refusal(AMD_AVX512, "SkylakeX")).isEmpty();
    assertThat(OpenBlasKernels.refusal(avx2Only, "Haswell")).isEmpty();
    assertThat(OpenBlasKernels.refusal(avx2Only, "Nehalem")).isEmpty();
    assertThat(OpenBlasKernels.refusal("vendor_id : AuthenticAMD\n", "SkylakeX")).isEmpty();
  }
}

package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import sun.misc.Unsafe;

class CacheLineAlignmentTest {

  /**
   * Two arrays allocated one after the other lie one array's size apart, so the second's line
   * offset follows from the first's: a wrong reading of references (a wrong shift, say) breaks that.
   * Run in child JVMs with each reference encoding HotSpot has (compressed and unshifted, as below
   * a 4 GB heap; compressed and shifted; shifted by more with a larger object alignment; full
   * 64-bit references) and with another collector.
   */
  @ParameterizedTest
  @ValueSource(strings = {"-Xmx512m", "-Xmx6g", "-Xmx1g -XX:ObjectAlignmentInBytes=16", "-Xmx1g -XX:-UseCompressedOops",
      "-Xmx6g -XX:+UseSerialGC"})
  void readsWhereArraysLieUnderEveryReferenceEncoding(String options) throws Exception {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(options.split(" ")));
    command.addAll(List.of("-cp", classpath, Probe.class.getName()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try {
      out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as(out).isZero();
    // known, then how many of 32 back-to-back pairs agreed.
    String[] fields = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
    assertThat(fields[0]).as(out).isEqualTo("true");
    assertThat(Integer.parseInt(fields[1])).as(out).isGreaterThanOrEqualTo(24);
  }

  @Test
  void alignedValuesSurviveTheCollectorMovingThem() {
    assumeTrue(CacheLineAlignment.known(), "this JVM's array addresses cannot be read");
    float[] values = new float[5000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.5f - 7;
    }
    List<LineAlignedFloats> kept = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      kept.add(new LineAlignedFloats(values));
    }
    int moved = 0;
    for (int round = 0; round < 3; round++) {
      int[] before = kept.stream().mapToInt(LineAlignedFloats::realign).toArray();
      // A full collection compacts: the arrays get new addresses, and most of them other offsets.
      System.gc();
      for (int i = 0; i < kept.size(); i++) {
        LineAlignedFloats f = kept.get(i);
        int from = f.realign();
        moved += from != before[i] ? 1 : 0;
        float[] now = new float[values.length];
        System.arraycopy(f.data, from, now, 0, values.length);
        assertThat(now).containsExactly(values);
      }
    }
    assertThat(moved).as("values moved to a new line start after a collection").isPositive();
  }

  /** Child JVM: prints whether addresses are known and in how many of 32 pairs they agree. */
  public static final class Probe {
    public static void main(String[] args) {
      long alignment = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("ObjectAlignmentInBytes").getValue());
      Object[] holder = new Object[1];
      int agreed = 0;
      for (int trial = 0; trial < 32; trial++) {
        // 5 floats: 20 bytes after the header, so the second array is not a whole line further on.
        float[] first = new float[5];
        float[] second = new float[3];
        int a = CacheLineAlignment.floatsToLineStart(first, holder);
        int b = CacheLineAlignment.floatsToLineStart(second, holder);
        long size = (Unsafe.ARRAY_FLOAT_BASE_OFFSET + 5L * Float.BYTES + alignment - 1) / alignment * alignment;
        if (Math.floorMod(a - size / Float.BYTES, 16) == b) {
          agreed++;
        }
      }
      System.out.println(CacheLineAlignment.known() + " " + agreed);
    }
  }
}

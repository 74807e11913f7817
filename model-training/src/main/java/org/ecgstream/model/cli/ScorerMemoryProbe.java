package org.ecgstream.model.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Pointer;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;

/**
 * {@code benchmark --memory}: what the fused scorer costs in resident memory, in a process that
 * does nothing else. Reads VmRSS and VmHWM from /proc/self/status before ND4J starts, after it
 * starts, after the model is loaded and after scoring at each batch size; then loads further
 * scorers (the job has one per slot) to show what each adds; and ends with the process's resident
 * memory by mapping (/proc/self/smaps), so that one can see what dominates. Each stage ends with a
 * full GC for its live-heap column, so the next stage's resident figures follow a collection.
 */
final class ScorerMemoryProbe {
  private static final Pattern MAPPING = Pattern.compile("^[0-9a-f]+-[0-9a-f]+ .*");
  /** Each measured batch size is scored for at least this long, and at least {@link #MIN_CALLS} times. */
  private static final long SCORE_NANOS = 2_000_000_000L;
  private static final int MIN_CALLS = 20;

  private ScorerMemoryProbe() {}

  static int run(Path model, List<Integer> batches, int threads, int slots, Path out) throws IOException {
    StringBuilder report = new StringBuilder();
    report.append(String.format("Resident memory of the fused scorer alone (%s, %d thread(s), %d scorer(s))%n%n",
        model.getFileName(), threads, slots));
    report.append(String.format("| stage | VmRSS MB | VmHWM MB | Java heap used MB | Java heap live MB "
        + "| Java heap committed MB | JVM non-heap committed MB | JavaCPP native MB |%n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|%n"));
    System.out.print(report);
    stage(report, "JVM started, nothing loaded");
    Nd4jRuntime.setThreads(threads);
    stage(report, "ND4J and OpenBLAS started");
    List<Scorer> scorers = new ArrayList<>();
    scorers.add(Scorer.load(model, ScoringEngine.FUSED, threads));
    stage(report, "model loaded, fused scorer 1 built");
    for (int batch : batches) {
      int calls = score(scorers.get(0), batch);
      stage(report, "scorer 1 scored batch " + batch + " (" + calls + " calls)");
    }
    int largest = batches.stream().mapToInt(Integer::intValue).max().orElse(32);
    for (int k = 2; k <= slots; k++) {
      scorers.add(Scorer.load(model, ScoringEngine.FUSED, threads));
      int calls = score(scorers.get(k - 1), largest);
      stage(report, "scorer " + k + " loaded, scored batch " + largest + " (" + calls + " calls)");
    }
    stage(report, "at the end");
    report.append(String.format("%nResident memory by mapping at the end (/proc/self/smaps, largest first):%n%n"
        + "| mapping | RSS MB |%n|---|---:|%n"));
    Map<String, Long> byMapping = residentByMapping();
    long total = byMapping.values().stream().mapToLong(Long::longValue).sum();
    byMapping.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(12)
        .forEach(e -> report.append(String.format(Locale.ROOT, "| %s | %.1f |%n", e.getKey(), e.getValue() / 1024.0)));
    report.append(String.format(Locale.ROOT, "| all mappings | %.1f |%n", total / 1024.0));
    System.out.print(report.substring(report.indexOf("\nResident memory by mapping")));
    if (out != null) {
      Files.writeString(out, report);
    }
    // Keep the scorers reachable until the end, so that the figures above include them all.
    return scorers.size() == slots ? 0 : 1;
  }

  /** Scores random windows (original units) at {@code batch}; returns the number of calls made. */
  private static int score(Scorer scorer, int batch) {
    Random r = new Random(batch);
    float[] windows = new float[batch * scorer.windowLength() * scorer.features()];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) r.nextGaussian();
    }
    long until = System.nanoTime() + SCORE_NANOS;
    int calls = 0;
    while (calls < MIN_CALLS || System.nanoTime() < until) {
      scorer.score(windows, batch);
      calls++;
    }
    return calls;
  }

  /**
   * One row. "Live" is the heap in use after a full GC, taken last: the Vector API engine keeps its
   * buffers on the Java heap, and "used" alone mixes them with the garbage of the calls before.
   */
  private static void stage(StringBuilder report, String what) {
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long nonHeap = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.NON_HEAP) {
        nonHeap += p.getUsage().getCommitted();
      }
    }
    long rss = BenchmarkCommand.rssMb("VmRSS");
    long hwm = BenchmarkCommand.rssMb("VmHWM");
    System.gc();
    long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    String row = String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.1f | %.0f | %.0f | %.1f |%n", what, rss, hwm,
        heap.getUsed() / 1048576.0, live / 1048576.0, heap.getCommitted() / 1048576.0, nonHeap / 1048576.0,
        Pointer.totalBytes() / 1048576.0);
    report.append(row);
    System.out.print(row);
  }

  /**
   * Resident kB per mapping: shared libraries and other files by file name, anonymous memory (the
   * Java heap, malloc's arenas, JavaCPP's and ND4J's buffers, thread stacks) as "[anonymous]".
   */
  static Map<String, Long> residentByMapping() {
    Map<String, Long> kb = new LinkedHashMap<>();
    Path smaps = Path.of("/proc/self/smaps");
    if (!Files.isReadable(smaps)) {
      return kb;
    }
    try {
      String current = null;
      for (String line : Files.readAllLines(smaps)) {
        if (MAPPING.matcher(line).matches()) {
          String[] f = line.trim().split("\\s+", 6);
          String path = f.length < 6 ? "" : f[5].trim();
          current = path.isEmpty() ? "[anonymous]" : path.startsWith("/") ? Path.of(path).getFileName().toString() : path;
        } else if (line.startsWith("Rss:") && current != null) {
          kb.merge(current, Long.parseLong(line.replaceAll("[^0-9]", "")), Long::sum);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Map.of();
    }
    return kb;
  }
}

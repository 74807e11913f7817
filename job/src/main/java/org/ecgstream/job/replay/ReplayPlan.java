package org.ecgstream.job.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.wfdb.WfdbRecord;

/**
 * Which beat each simulated patient sends, in order. Each patient's beats follow each other
 * without gaps: beat j of a patient starts at sequence {@code j * length} (j counted from the
 * plan's first beat number, 0 unless a replay continues an earlier one).
 */
public record ReplayPlan(int length, int channels, Map<String, List<PlannedBeat>> bySource) {

  /** Deals the windows out to {@code patients} patients in turn. */
  public static ReplayPlan roundRobin(List<LabelledWindow> windows, int patients, String prefix) {
    return roundRobin(windows, patients, prefix, 0);
  }

  /**
   * As {@link #roundRobin(List, int, String)}, but each patient's first beat is beat number
   * {@code firstBeat}: a later replay continues the patients' streams where an earlier one stopped.
   */
  public static ReplayPlan roundRobin(List<LabelledWindow> windows, int patients, String prefix, long firstBeat) {
    if (patients < 1 || windows.isEmpty()) {
      throw new IllegalArgumentException("need at least one patient and one beat");
    }
    if (firstBeat < 0) {
      throw new IllegalArgumentException("first beat must be >= 0, got " + firstBeat);
    }
    Builder b = new Builder(windows.get(0).length(), windows.get(0).features(), firstBeat);
    for (int i = 0; i < windows.size(); i++) {
      b.add(prefix + (i % patients), windows.get(i));
    }
    return b.build();
  }

  /**
   * Continuous records as patients: each record one source, sent in chunks of {@code chunk}
   * consecutive samples (one "beat" of the plan each; the last may be shorter) of the given
   * channels, in physical units. Labels are -1: a continuous record has no per-chunk label.
   */
  public static ReplayPlan ofRecords(List<WfdbRecord> records, List<String> sourceIds, int[] channels, int chunk,
                                     int maxChunks) {
    int[][] each = new int[records.size()][];
    java.util.Arrays.fill(each, channels);
    return ofRecords(records, sourceIds, each, chunk, maxChunks);
  }

  /**
   * As above, with each record's own channels ({@code channels[r]}, the same count for every
   * record): a lead such as MLII is not on the same channel in every record (MIT-BIH 114 has it second).
   */
  public static ReplayPlan ofRecords(List<WfdbRecord> records, List<String> sourceIds, int[][] perRecord, int chunk,
                                     int maxChunks) {
    if (records.isEmpty() || perRecord.length != records.size() || sourceIds.size() != records.size()) {
      throw new IllegalArgumentException("need one source id and one channel list per record, and at least one record; "
          + "got " + records.size() + " record(s), " + sourceIds.size() + " id(s), " + perRecord.length + " channel list(s)");
    }
    Map<String, List<PlannedBeat>> bySource = new LinkedHashMap<>();
    for (int r = 0; r < records.size(); r++) {
      int[] channels = perRecord[r];
      if (channels.length != perRecord[0].length) {
        throw new IllegalArgumentException("record " + records.get(r).header().record() + " sends " + channels.length
            + " lead(s), the first " + perRecord[0].length + "; send the same number from every record");
      }
      float[][] signals = new float[channels.length][];
      for (int c = 0; c < channels.length; c++) {
        signals[c] = records.get(r).physical(channels[c]);
      }
      int samples = signals[0].length;
      List<PlannedBeat> chunks = new ArrayList<>();
      for (int from = 0; from < samples && (maxChunks <= 0 || chunks.size() < maxChunks); from += chunk) {
        int n = Math.min(chunk, samples - from);
        float[] values = new float[n * channels.length];
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < channels.length; c++) {
            values[i * channels.length + c] = signals[c][from + i];
          }
        }
        chunks.add(new PlannedBeat(sourceIds.get(r), from, -1, values));
      }
      bySource.put(sourceIds.get(r), List.copyOf(chunks));
    }
    return new ReplayPlan(chunk, perRecord[0].length, bySource);
  }

  public int beats() {
    return bySource.values().stream().mapToInt(List::size).sum();
  }

  /** All planned beats, patient by patient. */
  public List<PlannedBeat> all() {
    List<PlannedBeat> out = new ArrayList<>();
    bySource.values().forEach(out::addAll);
    return out;
  }

  /** Builds a plan source by source; beats of a source get consecutive sequence ranges. */
  public static final class Builder {
    private final int length;
    private final int channels;
    private final long firstBeat;
    private final Map<String, List<PlannedBeat>> bySource = new LinkedHashMap<>();

    public Builder(int length, int channels) {
      this(length, channels, 0);
    }

    public Builder(int length, int channels, long firstBeat) {
      this.length = length;
      this.channels = channels;
      this.firstBeat = firstBeat;
    }

    public Builder add(String sourceId, LabelledWindow w) {
      if (w.length() != length || w.features() != channels) {
        throw new IllegalArgumentException("window " + w.id() + " is " + w.length() + "x" + w.features());
      }
      List<PlannedBeat> beats = bySource.computeIfAbsent(sourceId, k -> new ArrayList<>());
      beats.add(new PlannedBeat(sourceId, (firstBeat + beats.size()) * length, w.label(), w.values()));
      return this;
    }

    public Builder addAll(String sourceId, List<LabelledWindow> windows) {
      windows.forEach(w -> add(sourceId, w));
      return this;
    }

    public ReplayPlan build() {
      Map<String, List<PlannedBeat>> copy = new LinkedHashMap<>();
      bySource.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return new ReplayPlan(length, channels, copy);
    }
  }
}

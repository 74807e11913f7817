package org.ecgstream.model.eval;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@link AlertKinds}' rules beat by beat, for one patient: takes each beat's R peak, the peak
 * before it and whether it was called ventricular, and says which kinds open and close at that
 * beat and which are open. The offline evaluation and the job both run this one object, so the
 * rhythms a score names are the ones the evaluation counted.
 */
public final class RhythmTracker {
  private static final int KINDS = AlertKinds.Kind.values().length;
  /** Verdicts kept: enough for bigeminy's alternation. */
  private static final int VERDICTS = 2 * AlertKinds.BIGEMINY_CYCLES;

  private long beats;
  private long verdicts;
  private final long[] rr = new long[AlertKinds.RATE_BEATS];
  private int rrCount;
  /** R peaks of the ventricular beats of the last minute, oldest first. */
  private long[] ventricular = new long[16];
  private int ventricularCount;
  private final boolean[] open = new boolean[KINDS];
  private final int[] quiet = new int[KINDS];

  /** What one beat changed: the kinds opened and closed at it. */
  public record Change(Set<AlertKinds.Kind> opened, Set<AlertKinds.Kind> closed) {}

  /**
   * Takes the next beat: its R peak at sample {@code peak}, the previous beat's at {@code previous}
   * ({@code -1}: none, the beat only joins the history), its verdict, the rate {@code fs}.
   */
  public Change next(long peak, long previous, boolean isVentricular, double fs) {
    verdicts = (verdicts << 1) | (isVentricular ? 1 : 0);
    beats++;
    while (ventricularCount > 0 && peak - ventricular[0] >= 60 * fs) {
      System.arraycopy(ventricular, 1, ventricular, 0, --ventricularCount);
    }
    if (isVentricular) {
      if (ventricularCount == ventricular.length) {
        ventricular = Arrays.copyOf(ventricular, 2 * ventricular.length);
      }
      ventricular[ventricularCount++] = peak;
    }
    Set<AlertKinds.Kind> opened = EnumSet.noneOf(AlertKinds.Kind.class);
    Set<AlertKinds.Kind> closed = EnumSet.noneOf(AlertKinds.Kind.class);
    if (previous < 0) {
      return new Change(opened, closed);
    }
    rr[rrCount++ % rr.length] = peak - previous;
    double median = medianRr(fs);
    boolean[] now = new boolean[KINDS];
    now[AlertKinds.Kind.VENTRICULAR_RUN.ordinal()] = beats >= AlertKinds.RUN
        && Long.bitCount(verdicts & ((1L << AlertKinds.RUN) - 1)) == AlertKinds.RUN;
    // Ending on a ventricular beat, alternating: V . V . V . V over the last eight.
    now[AlertKinds.Kind.BIGEMINY.ordinal()] = beats >= VERDICTS && (verdicts & ((1L << VERDICTS) - 1)) == 0x55;
    now[AlertKinds.Kind.FREQUENT_PVC.ordinal()] = ventricularCount >= AlertKinds.FREQUENT;
    now[AlertKinds.Kind.PAUSE.ordinal()] = (peak - previous) / fs > AlertKinds.PAUSE_S;
    now[AlertKinds.Kind.BRADYCARDIA.ordinal()] = median > AlertKinds.BRADY_S;
    now[AlertKinds.Kind.TACHYCARDIA.ordinal()] = median > 0 && median < AlertKinds.TACHY_S;
    for (AlertKinds.Kind k : AlertKinds.Kind.values()) {
      int o = k.ordinal();
      if (!open[o] && now[o]) {
        open[o] = true;
        quiet[o] = 0;
        opened.add(k);
      } else if (open[o]) {
        quiet[o] = now[o] ? 0 : quiet[o] + 1;
        int close = k == AlertKinds.Kind.FREQUENT_PVC
            ? (int) Math.max(AlertKinds.CLOSE_BEATS, 60 / Math.max(0.3, median)) : AlertKinds.CLOSE_BEATS;
        if (quiet[o] >= close) {
          open[o] = false;
          closed.add(k);
        }
      }
    }
    return new Change(opened, closed);
  }

  /** The kinds open now, in {@link AlertKinds.Kind}'s order. */
  public List<AlertKinds.Kind> open() {
    List<AlertKinds.Kind> out = new ArrayList<>();
    for (AlertKinds.Kind k : AlertKinds.Kind.values()) {
      if (open[k.ordinal()]) {
        out.add(k);
      }
    }
    return out;
  }

  /** The median of the last {@value AlertKinds#RATE_BEATS} RR intervals in seconds; 0 before there are that many. */
  private double medianRr(double fs) {
    if (rrCount < rr.length) {
      return 0;
    }
    long[] sorted = rr.clone();
    Arrays.sort(sorted);
    return sorted[rr.length / 2] / fs;
  }

  /** Format of {@link #toBytes}. */
  static final int FORMAT = 1;

  /** Everything the tracker holds, for keyed state. */
  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeLong(beats);
      out.writeLong(verdicts);
      out.writeInt(rrCount);
      for (long r : rr) {
        out.writeLong(r);
      }
      out.writeInt(ventricularCount);
      for (int i = 0; i < ventricularCount; i++) {
        out.writeLong(ventricular[i]);
      }
      for (int k = 0; k < KINDS; k++) {
        out.writeBoolean(open[k]);
        out.writeInt(quiet[k]);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tracker {@link #toBytes} wrote; refuses another format. */
  public static RhythmTracker fromBytes(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      int format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("rhythm state of format " + format + ", this build reads " + FORMAT);
      }
      RhythmTracker t = new RhythmTracker();
      t.beats = in.readLong();
      t.verdicts = in.readLong();
      t.rrCount = in.readInt();
      for (int i = 0; i < t.rr.length; i++) {
        t.rr[i] = in.readLong();
      }
      t.ventricularCount = in.readInt();
      t.ventricular = new long[Math.max(16, Integer.highestOneBit(Math.max(1, t.ventricularCount)) << 1)];
      for (int i = 0; i < t.ventricularCount; i++) {
        t.ventricular[i] = in.readLong();
      }
      for (int k = 0; k < KINDS; k++) {
        t.open[k] = in.readBoolean();
        t.quiet[k] = in.readInt();
      }
      return t;
    } catch (IOException e) {
      throw new IllegalArgumentException("rhythm state is truncated: " + e.getMessage(), e);
    }
  }
}

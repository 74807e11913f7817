package org.ecgstream.model.beats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one patient's beats so far say about the next one, learnt without labels: up to
 * {@value #MAX_CLUSTERS} morphology clusters (beats grouped by the correlation and size of their
 * QRS), the dominant one among them, and the recent RR intervals. Nothing assumes that the first
 * beats are normal. The dominant cluster is the one with the most beats on time (not premature) net of its premature ones,
 * counted with a decay so that it can change when the patient's rhythm does; in bigeminy the
 * normal beats follow a pause and the ectopic ones come early, so timing, not majority, tells them
 * apart. Every beat is then described relative to the dominant cluster and to the cluster it
 * matched ({@link BeatFeatures}), which is what makes the description carry from one patient to
 * another.
 */
public final class PatientBeats {
  static final int MAX_CLUSTERS = 8;
  /** A beat joins a cluster when its QRS correlates at least this well in the primary lead ... */
  static final double JOIN_CORRELATION = 0.90;
  /** ... and this well in the second lead, often a noisier chest lead ... */
  static final double JOIN_CORRELATION_2 = 0.75;
  /** ... and its peak-to-peak size is within this factor of the cluster's. */
  static final double JOIN_SIZE = 1.4;
  /** Per-beat decay of the cluster counts: a half-life of about 350 beats (five minutes). */
  static final double DECAY = 0.998;
  /** A beat is on time when its RR interval is at least this share of the recent median. */
  static final double ON_TIME = 0.88;
  private static final int RR_HISTORY = 16;

  private final List<Cluster> clusters = new ArrayList<>();
  private final double[] rr = new double[RR_HISTORY];
  private int rrCount;
  private long beats;
  private double total;
  private int dominant = -1;
  private double[] previous;

  /** One morphology: the running mean of its beats' shapes and how its beats are timed. */
  static final class Cluster {
    final float[][] qrs;
    final float[][] full;
    double count;
    double onTime;
    double meanRrRatio = 1;
    long lastBeat;
    int members;

    Cluster(BeatShape s, long beat) {
      qrs = copy(s.qrs());
      full = copy(s.full());
      lastBeat = beat;
    }

    void add(BeatShape s, double rrRatio, long beat) {
      members++;
      double w = 1.0 / Math.min(members, 32);
      blend(qrs, s.qrs(), w);
      blend(full, s.full(), w);
      meanRrRatio += (rrRatio - meanRrRatio) * w;
      count += 1;
      onTime += rrRatio >= ON_TIME ? 1 : 0;
      lastBeat = beat;
    }

    /**
     * On-time beats net of premature ones: a normal morphology scores its whole count; an ectopic
     * one, mostly premature, scores little or below zero however many beats it has. (On-time beats
     * alone let 208's ventricular cluster, whose beats after a pause count as on time, outscore a
     * normal morphology split into two clusters.)
     */
    double timeliness() {
      return 2 * onTime - count;
    }

    private static void blend(float[][] mean, float[][] x, double w) {
      for (int l = 0; l < mean.length; l++) {
        for (int i = 0; i < mean[l].length; i++) {
          mean[l][i] += (float) ((x[l][i] - mean[l][i]) * w);
        }
      }
    }

    private static float[][] copy(float[][] a) {
      float[][] c = new float[a.length][];
      for (int i = 0; i < a.length; i++) {
        c[i] = a[i].clone();
      }
      return c;
    }
  }

  /** The first sample a beat's shape reads, for its R peak at {@code peak}. */
  public static long firstSample(long peak, double fs) {
    return peak - (long) Math.ceil(BeatShape.FULL_BEFORE_MS * fs / 1000) - 1;
  }

  /** The last sample a beat's shape reads. */
  public static long lastSample(long peak, double fs) {
    return peak + (long) Math.ceil(BeatShape.FULL_AFTER_MS * fs / 1000) + 1;
  }

  /** Samples a stream keeps to describe its beats: a ring of at least 8 s, a power of two. */
  public static int historySamples(double fs) {
    return Integer.highestOneBit((int) (8 * fs)) << 1;
  }

  /**
   * Whether a stream can describe the beat at {@code peak} when the next peak is reported, with
   * {@code seen} samples taken and the last {@link #historySamples} of them at hand. Not at the
   * ends of the signal, nor in a rhythm so fast (RR under about 250 ms) that the next peak is
   * reported before the beat's shape is complete, nor after a pause of about 8 s.
   */
  public static boolean describable(long peak, double fs, long seen) {
    return firstSample(peak, fs) >= Math.max(0, seen - historySamples(fs)) && lastSample(peak, fs) < seen;
  }

  /**
   * Takes the next beat as a stream meets it, the one step both the evaluation and the job run:
   * the R peak at sample {@code peak}, the detector's peaks before and after it ({@code -1} when
   * there is none: the interval on the other side stands in), and the filtered leads
   * ({@link LeadFilter}), which must hold {@link #firstSample} to {@link #lastSample}.
   */
  public double[] next(BeatShape.Leads filtered, int leads, long peak, long previous, long next, double fs) {
    double rrBefore = previous >= 0 ? (peak - previous) / fs : -1;
    double rrAfter = next >= 0 ? (next - peak) / fs : -1;
    if (rrBefore < 0) {
      rrBefore = Math.max(0, rrAfter);
    }
    if (rrAfter < 0) {
      rrAfter = rrBefore;
    }
    return next(BeatShape.cut(filtered, leads, peak, fs), rrBefore, rrAfter);
  }

  /**
   * Takes the next beat (its shape and the RR intervals before and after it, in seconds; the one
   * after is known once the next beat is detected) and describes it ({@link BeatFeatures#NAMES}).
   */
  public double[] next(BeatShape shape, double rrBefore, double rrAfter) {
    double recent = recentRr(rrBefore);
    double rrRatio = rrBefore / recent;
    for (Cluster c : clusters) {
      c.count *= DECAY;
      c.onTime *= DECAY;
    }
    total = total * DECAY + 1;
    int matched = match(shape);
    Cluster m;
    if (matched < 0) {
      m = new Cluster(shape, beats);
      matched = place(m);
    } else {
      m = clusters.get(matched);
    }
    double ownCorrelation = Shapes.correlation(m.qrs[0], shape.qrs()[0], Shapes.MAX_SHIFT);
    m.add(shape, rrRatio, beats);
    if (dominant < 0 || m.timeliness() > clusters.get(dominant).timeliness()) {
      dominant = matched;
    }
    Cluster d = clusters.get(dominant);
    double[] f = BeatFeatures.describe(shape, d, m, matched == dominant, m.count / total, ownCorrelation,
        rrRatio, rrAfter / recent, rrBefore, rrAfter, previous);
    previous = f;
    remember(rrBefore);
    beats++;
    return f;
  }

  private int match(BeatShape s) {
    int best = -1;
    double bestScore = 0;
    for (int i = 0; i < clusters.size(); i++) {
      Cluster c = clusters.get(i);
      double score = 1;
      for (int l = 0; l < s.leads(); l++) {
        double corr = Shapes.correlation(c.qrs[l], s.qrs()[l], Shapes.MAX_SHIFT);
        double size = Shapes.peakToPeak(s.qrs()[l]) / Math.max(1e-6, Shapes.peakToPeak(c.qrs[l]));
        if (corr < (l == 0 ? JOIN_CORRELATION : JOIN_CORRELATION_2) || size > JOIN_SIZE || size < 1 / JOIN_SIZE) {
          score = -1;
          break;
        }
        score = l == 0 ? corr : score;
      }
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }

  /** Adds a new cluster, replacing the least recently matched one other than the dominant when all places are taken. */
  private int place(Cluster c) {
    if (clusters.size() < MAX_CLUSTERS) {
      clusters.add(c);
      return clusters.size() - 1;
    }
    int oldest = -1;
    for (int i = 0; i < clusters.size(); i++) {
      if (i != dominant && (oldest < 0 || clusters.get(i).lastBeat < clusters.get(oldest).lastBeat)) {
        oldest = i;
      }
    }
    clusters.set(oldest, c);
    return oldest;
  }

  /** Format of {@link #toBytes}: bumped when what it holds changes, so old state is refused, not misread. */
  static final int FORMAT = 1;

  /** Everything learnt so far, for keyed state; {@link #fromBytes} gives back an equal learner. */
  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeLong(beats);
      out.writeDouble(total);
      out.writeInt(dominant);
      out.writeInt(rrCount);
      for (double r : rr) {
        out.writeDouble(r);
      }
      out.writeBoolean(previous != null);
      if (previous != null) {
        writeDoubles(out, previous);
      }
      out.writeByte(clusters.size());
      for (Cluster c : clusters) {
        out.writeDouble(c.count);
        out.writeDouble(c.onTime);
        out.writeDouble(c.meanRrRatio);
        out.writeLong(c.lastBeat);
        out.writeInt(c.members);
        writeFloats(out, c.qrs);
        writeFloats(out, c.full);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The learner {@link #toBytes} wrote; refuses bytes of another format. */
  public static PatientBeats fromBytes(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      int format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("patient beat state of format " + format + ", this build reads " + FORMAT);
      }
      PatientBeats p = new PatientBeats();
      p.beats = in.readLong();
      p.total = in.readDouble();
      p.dominant = in.readInt();
      p.rrCount = in.readInt();
      for (int i = 0; i < RR_HISTORY; i++) {
        p.rr[i] = in.readDouble();
      }
      p.previous = in.readBoolean() ? readDoubles(in) : null;
      int n = in.readByte();
      for (int i = 0; i < n; i++) {
        double count = in.readDouble();
        double onTime = in.readDouble();
        double meanRrRatio = in.readDouble();
        long lastBeat = in.readLong();
        int members = in.readInt();
        Cluster c = new Cluster(new BeatShape(readFloats(in), readFloats(in)), lastBeat);
        c.count = count;
        c.onTime = onTime;
        c.meanRrRatio = meanRrRatio;
        c.members = members;
        p.clusters.add(c);
      }
      return p;
    } catch (IOException e) {
      throw new IllegalArgumentException("patient beat state is truncated: " + e.getMessage(), e);
    }
  }

  private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
    out.writeShort(a.length);
    for (double x : a) {
      out.writeDouble(x);
    }
  }

  private static double[] readDoubles(DataInputStream in) throws IOException {
    double[] a = new double[in.readShort()];
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readDouble();
    }
    return a;
  }

  private static void writeFloats(DataOutputStream out, float[][] a) throws IOException {
    out.writeByte(a.length);
    for (float[] row : a) {
      out.writeShort(row.length);
      for (float x : row) {
        out.writeFloat(x);
      }
    }
  }

  private static float[][] readFloats(DataInputStream in) throws IOException {
    float[][] a = new float[in.readByte()][];
    for (int l = 0; l < a.length; l++) {
      a[l] = new float[in.readShort()];
      for (int i = 0; i < a[l].length; i++) {
        a[l][i] = in.readFloat();
      }
    }
    return a;
  }

  /** The median of the recent RR intervals; before there are any, the interval given. */
  private double recentRr(double fallback) {
    if (rrCount == 0) {
      return fallback > 0 ? fallback : 1;
    }
    double[] r = Arrays.copyOf(rr, Math.min(rrCount, RR_HISTORY));
    Arrays.sort(r);
    return r[r.length / 2];
  }

  private void remember(double rrBefore) {
    if (rrBefore > 0) {
      rr[rrCount++ % RR_HISTORY] = rrBefore;
    }
  }
}

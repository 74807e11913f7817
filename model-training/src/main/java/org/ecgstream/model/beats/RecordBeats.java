package org.ecgstream.model.beats;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.rpeak.BeatWindow;
import org.ecgstream.model.rpeak.RPeakDetector;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.ReferenceBeats;
import org.ecgstream.model.wfdb.WfdbBeats;
import org.ecgstream.model.wfdb.WfdbRecord;

/**
 * A record's beats as the classifier meets them in a stream: R peaks found by the streaming
 * detector on the primary lead, each described by {@link PatientBeats} once the next peak is
 * known (for the pause after it), with the reference annotation it matches (EC57's 150 ms) for
 * evaluation. Beats too close to either end of the record for a whole window are left out.
 */
public record RecordBeats(String record, double samplingHz, long samples, LeadChoice leads, long[] peaks,
                          double[][] features, float[][] windows, String[] codes, List<Annotation> annotations) {

  public static RecordBeats of(WfdbRecord r, String lead) {
    return of(r, lead, true);
  }

  /**
   * The record's beats described from its primary lead and, with {@code secondLead} where it has
   * one, its other signal too. Each beat goes through {@link PatientBeats#next(BeatShape.Leads,
   * int, long, long, long, double)} exactly as the job's stream does, so their verdicts agree.
   */
  public static RecordBeats of(WfdbRecord r, String lead, boolean secondLead) {
    LeadChoice choice = LeadChoice.of(r, lead);
    double fs = r.header().frequency();
    float[] primary = r.physical(choice.primary());
    RPeakDetector detector = new RPeakDetector(fs);
    List<Long> found = new ArrayList<>();
    // Samples seen when each peak was reported: the stream describes a beat when the next is reported.
    List<Long> seen = new ArrayList<>();
    for (float x : primary) {
      detector.push(x, p -> {
        found.add(p);
        seen.add(detector.samplesSeen());
      });
    }
    detector.finish(p -> {
      found.add(p);
      seen.add((long) primary.length);
    });
    int leads = secondLead && choice.secondary() != LeadChoice.NONE ? 2 : 1;
    float[][] filtered = new float[leads][];
    filtered[0] = LeadFilter.filter(primary, fs);
    if (leads == 2) {
      filtered[1] = LeadFilter.filter(r.physical(choice.secondary()), fs);
    }
    PatientBeats patient = new PatientBeats();
    BeatShape.Leads signal = (l, k) -> filtered[l][(int) k];
    List<Long> kept = new ArrayList<>();
    List<double[]> described = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      long p = found.get(i);
      // As the job: described when the next peak is reported (or the signal ends), if its shape is at hand.
      if (!PatientBeats.describable(p, fs, i + 1 < found.size() ? seen.get(i + 1) : primary.length)) {
        continue;
      }
      long previous = i > 0 ? found.get(i - 1) : -1;
      long next = i + 1 < found.size() ? found.get(i + 1) : -1;
      kept.add(p);
      described.add(patient.next(signal, leads, p, previous, next, fs));
    }
    int n = kept.size();
    long[] peaks = kept.stream().mapToLong(Long::longValue).toArray();
    double[][] features = described.toArray(new double[0][]);
    // The window the job's autoencoder scores: the raw primary lead around the peak, 140 samples, z-normalised.
    long wBefore = BeatWindow.before(WfdbBeats.BEFORE_MS, fs);
    long wAfter = BeatWindow.after(WfdbBeats.AFTER_MS, fs);
    float[][] windows = new float[n][];
    for (int i = 0; i < n; i++) {
      long p = peaks[i];
      windows[i] = p - wBefore >= 0 && p + wAfter <= primary.length
          ? BeatWindow.cut((k, c) -> primary[(int) k], p - wBefore, p + wAfter, WfdbBeats.LENGTH, 1)
          : new float[WfdbBeats.LENGTH];
    }
    ReferenceBeats ref = ReferenceBeats.of(r);
    String[] codes = new String[n];
    for (int i = 0; i < n; i++) {
      Annotation a = ref.at(peaks[i]);
      codes[i] = a == null ? "" : a.code();
    }
    return new RecordBeats(r.header().record(), fs, primary.length, choice, peaks, features, windows, codes,
        r.annotations());
  }

  /** The same beats with each one's features extended by {@code extra} (one row per beat). */
  public RecordBeats withExtraFeatures(double[][] extra) {
    double[][] f = new double[features.length][];
    for (int i = 0; i < f.length; i++) {
      f[i] = java.util.Arrays.copyOf(features[i], features[i].length + extra[i].length);
      System.arraycopy(extra[i], 0, f[i], features[i].length, extra[i].length);
    }
    return new RecordBeats(record, samplingHz, samples, leads, peaks, f, windows, codes, annotations);
  }

  public int size() {
    return peaks.length;
  }

  /** A normal beat as EC57 classes it (N, L, R, e, j): what the autoencoder learns from. */
  public boolean isNormal(int i) {
    return switch (codes[i]) {
      case "N", "L", "R", "e", "j" -> true;
      default -> false;
    };
  }

  /** EC57's ventricular class: V and E. */
  public boolean isVentricular(int i) {
    return codes[i].equals("V") || codes[i].equals("E");
  }

  /** EC57's supraventricular ectopic class: A, a, J, S. */
  public boolean isSupraventricular(int i) {
    return switch (codes[i]) {
      case "A", "a", "J", "S" -> true;
      default -> false;
    };
  }
}

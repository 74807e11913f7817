package org.ecgstream.job.functions;

import java.io.Serializable;
import java.util.function.Consumer;
import org.ecgstream.job.records.Beat;
import org.ecgstream.job.records.ClassifierState;
import org.ecgstream.job.records.RPeakState;
import org.ecgstream.model.beats.BeatClassifier;
import org.ecgstream.model.beats.BeatContext;
import org.ecgstream.model.beats.LeadFilter;
import org.ecgstream.model.beats.PatientBeats;
import org.ecgstream.model.eval.RhythmTracker;
import org.ecgstream.model.rpeak.BeatWindow;
import org.ecgstream.model.rpeak.RPeakDetector;

/**
 * Cuts beats around R peaks found in a source's continuous signal, as {@link BeatWindow} defines
 * them, from the last seconds of samples kept in a ring ({@link PatientBeats#historySamples}: the
 * window plus the detector's longest delay). A beat is cut when the next peak is reported, so it
 * carries both RR intervals; the window is complete by then, as a peak is reported well after its
 * window ends.
 *
 * <p>With a beat classifier, each source's classifier leads are also filtered sample by sample
 * into a ring of their own, and every beat is described by {@link PatientBeats} and given the
 * classifier's probability that it is ventricular (its second stage reading the first's verdicts
 * on the beats before), exactly as the offline evaluation
 * ({@code RecordBeats}) does it: same filter, same peaks, same order, so the same numbers.
 */
final class RPeakWindows implements Serializable {
  private final int length;
  private final int channels;
  private final int lead;
  private final long beforeMs;
  private final long afterMs;
  /** The classifier's bytes (the operator is serialised with the job graph; the trees are built on first use). */
  private final byte[] classifierBytes;
  private transient BeatClassifier classifier;
  /** The filter of the last rate seen: sources of one rate share it, and it is looked up per sample. */
  private transient LeadFilter filter;
  private transient double filterHz;

  RPeakWindows(int length, int channels, int lead, long beforeMs, long afterMs) {
    this(length, channels, lead, beforeMs, afterMs, null);
  }

  RPeakWindows(int length, int channels, int lead, long beforeMs, long afterMs, BeatClassifier classifier) {
    if (lead < 0 || lead >= channels) {
      throw new IllegalArgumentException("rpeak.lead must be a channel index within 0.." + (channels - 1) + ", got " + lead);
    }
    if (classifier != null && classifier.leads() > channels) {
      throw new IllegalArgumentException("the model file's beat classifier reads " + classifier.leads()
          + " leads, the model's frames have " + channels + " channel(s)");
    }
    this.length = length;
    this.channels = channels;
    this.lead = lead;
    this.beforeMs = beforeMs;
    this.afterMs = afterMs;
    this.classifierBytes = classifier == null ? null : classifier.toBytes();
  }

  /** The channel of classifier lead {@code l}: the R-peak lead first, then the next channel. */
  private int channelOf(int l) {
    return l == 0 ? lead : (lead + 1) % channels;
  }

  private BeatClassifier classifier() {
    if (classifier == null && classifierBytes != null) {
      classifier = BeatClassifier.fromBytes(classifierBytes);
    }
    return classifier;
  }

  private LeadFilter filter(double fs) {
    if (filter == null || filterHz != fs) {
      filter = new LeadFilter(fs);
      filterHz = fs;
    }
    return filter;
  }

  private ClassifierState startClassifier(int size) {
    ClassifierState c = new ClassifierState();
    c.leads = classifier().leads();
    c.filters = new double[c.leads * LeadFilter.STATE];
    c.filtered = new float[size * c.leads];
    c.recent = new double[BeatContext.BEATS];
    return c;
  }

  RPeakState start(long sequence, double samplingHz) {
    RPeakState s = new RPeakState();
    s.detector = new RPeakDetector(samplingHz);
    s.firstSequence = sequence;
    int size = PatientBeats.historySamples(samplingHz);
    s.values = new float[size * channels];
    s.times = new long[size];
    return s;
  }

  /** Takes the next sample of the source; cuts the previous peak's beat when a new peak is reported. */
  void append(RPeakState s, long time, float[] sample, String source, Consumer<Beat> out, Runnable onIncomplete) {
    int size = s.times.length;
    int at = (int) (s.count & (size - 1));
    System.arraycopy(sample, 0, s.values, at * channels, channels);
    s.times[at] = time;
    if (classifierBytes != null) {
      if (s.classifier == null) {
        // A new source, or one restored from a savepoint taken before the job classified beats.
        s.classifier = startClassifier(size);
      }
      ClassifierState c = s.classifier;
      LeadFilter f = filter(s.detector.samplingHz());
      for (int l = 0; l < c.leads; l++) {
        c.filtered[at * c.leads + l] = (float) f.apply(sample[channelOf(l)], c.filters, l);
      }
    }
    s.count++;
    s.detector.push(sample[lead], peak -> peak(s, peak, source, out, onIncomplete));
  }

  /** The stream ended: the detector decides about its last samples, and the last beat is cut without a next RR. */
  void finish(RPeakState s, String source, Consumer<Beat> out, Runnable onIncomplete) {
    s.detector.finish(peak -> peak(s, peak, source, out, onIncomplete));
    if (s.pendingPeak >= 0) {
      cut(s, s.pendingPeak, -1, source, out, onIncomplete);
      s.pendingPeak = -1;
    }
  }

  /** A new peak was reported: the pending one's beat can be cut now that its next RR is known. */
  private void peak(RPeakState s, long peak, String source, Consumer<Beat> out, Runnable onIncomplete) {
    if (s.pendingPeak >= 0) {
      cut(s, s.pendingPeak, peak, source, out, onIncomplete);
    }
    s.previousPeak = s.pendingPeak;
    s.pendingPeak = peak;
  }

  private void cut(RPeakState s, long peak, long next, String source, Consumer<Beat> out, Runnable onIncomplete) {
    double fs = s.detector.samplingHz();
    Verdict verdict = classifierBytes == null ? null : classify(s, peak, next, fs);
    long from = peak - BeatWindow.before(beforeMs, fs);
    long to = peak + BeatWindow.after(afterMs, fs); // exclusive
    int size = s.times.length;
    if (from < 0 || from < s.count - size || to > s.count) {
      onIncomplete.run();
      return;
    }
    float[] window = BeatWindow.cut((k, c) -> s.values[(int) (k & (size - 1)) * channels + c], from, to, length,
        channels);
    Beat b = new Beat(source, s.firstSequence + from, s.firstSequence + to - 1, time(s, from), time(s, to - 1), channels,
        window, System.currentTimeMillis());
    b.rPeakSequence = s.firstSequence + peak;
    b.rPeakTimeMillis = time(s, peak);
    b.rrPreviousMillis = s.previousPeak < 0 ? -1 : (int) Math.round((peak - s.previousPeak) * 1000 / fs);
    b.rrNextMillis = next < 0 ? -1 : (int) Math.round((next - peak) * 1000 / fs);
    if (verdict != null) {
      b.ventricularProbability = verdict.probability();
      b.ventricularThreshold = classifier().threshold();
      b.rhythms = verdict.rhythms();
    }
    out.accept(b);
  }

  /** A classified beat: the probability that it is ventricular, and the rhythm kinds open after it. */
  private record Verdict(double probability, String[] rhythms) {}

  /**
   * Describes the beat at {@code peak} to the patient's learner, gets the classifier's probability
   * that it is ventricular and moves the rhythm rules on by it; null when its shape is not at hand
   * (the learner then does not see it, as offline).
   */
  private Verdict classify(RPeakState s, long peak, long next, double fs) {
    ClassifierState c = s.classifier;
    if (c == null || !PatientBeats.describable(peak, fs, s.count)) {
      return null;
    }
    int size = s.times.length;
    int leads = c.leads;
    PatientBeats patient = c.patient == null ? new PatientBeats() : PatientBeats.fromBytes(c.patient);
    double[] features = patient.next((l, k) -> c.filtered[(int) (k & (size - 1)) * leads + l], leads, peak,
        s.previousPeak, next, fs);
    c.patient = patient.toBytes();
    double p = classifier().next(features, c.recent);
    RhythmTracker rhythm = c.rhythm == null ? new RhythmTracker() : RhythmTracker.fromBytes(c.rhythm);
    rhythm.next(peak, c.lastPeak, p > classifier().threshold(), fs);
    c.rhythm = rhythm.toBytes();
    c.lastPeak = peak;
    return new Verdict(p, rhythm.open().stream().map(Enum::name).toArray(String[]::new));
  }

  private static long time(RPeakState s, long index) {
    return s.times[(int) (index & (s.times.length - 1))];
  }
}

package org.ecgstream.model.wfdb;

import java.util.List;
import java.util.TreeMap;

/**
 * A record's annotated beats, looked up by a detected R peak as EC57 matches them: the nearest
 * reference beat within 150 ms, or none (a false detection).
 */
public final class ReferenceBeats {
  /** EC57's match window. */
  public static final double MATCH_SECONDS = 0.150;

  private final TreeMap<Long, Annotation> bySample = new TreeMap<>();
  private final long tolerance;

  private ReferenceBeats(List<Annotation> annotations, double samplingHz) {
    annotations.stream().filter(Annotation::isBeat).forEach(a -> bySample.put(a.sample(), a));
    tolerance = Math.round(MATCH_SECONDS * samplingHz);
  }

  public static ReferenceBeats of(WfdbRecord record) {
    return new ReferenceBeats(record.annotations(), record.header().frequency());
  }

  /** From a record's annotations already read (only the beats among them count) and its sampling rate. */
  public static ReferenceBeats of(List<Annotation> annotations, double samplingHz) {
    return new ReferenceBeats(annotations, samplingHz);
  }

  /** The reference beat nearest to {@code peak} (a sample index) within the match window, or null. */
  public Annotation at(long peak) {
    var lo = bySample.floorEntry(peak);
    var hi = bySample.ceilingEntry(peak);
    Annotation best = lo != null && peak - lo.getKey() <= tolerance ? lo.getValue() : null;
    if (hi != null && hi.getKey() - peak <= tolerance && (best == null || hi.getKey() - peak < peak - best.sample())) {
      best = hi.getValue();
    }
    return best;
  }

  /**
   * The class the V-beat evaluation counts: "V" (V and E), "F" (fusion, partly ventricular),
   * "other" for other beats, "none" for a peak that matches no beat.
   */
  public String ventricularClass(long peak) {
    Annotation a = at(peak);
    return a == null ? "none" : a.isVentricular() ? "V" : "F".equals(a.code()) ? "F" : "other";
  }
}

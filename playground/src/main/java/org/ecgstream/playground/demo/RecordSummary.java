package org.ecgstream.playground.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ecgstream.model.rpeak.DetectionScore;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.ReferenceBeats;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;

/**
 * What the demo saw on one continuous record, judged against its reference annotations: R peaks
 * found (EC57 150 ms match), ventricular beats flagged after the learning period, and alerts,
 * each opened either on ventricular beats (a V or fusion beat among the {@code alert.m} beats up to
 * the one that opened it) or not.
 */
public record RecordSummary(String sourceId, int beatsScored, double rPeakSensitivity, double rPeakPositivePredictivity,
                     int learningBeats, int vBeats, int vFlagged, int otherFlagged, int alertsOpened,
                     int alertsOnVentricularBeats) {

  public static RecordSummary of(String sourceId, WfdbRecord record, List<BeatScore> scores, List<Alert> alerts,
                                 int alertM) {
    List<BeatScore> beats = new ArrayList<>(scores);
    beats.sort(Comparator.comparingLong(BeatScore::getRPeakSequence));
    ReferenceBeats ref = ReferenceBeats.of(record);
    DetectionScore peaks = DetectionScore.of(record.beats().stream().map(Annotation::sample).toList(),
        beats.stream().map(BeatScore::getRPeakSequence).toList(),
        Math.round(ReferenceBeats.MATCH_SECONDS * record.header().frequency()));
    String[] label = new String[beats.size()];
    Map<Long, Integer> byFirstSequence = new HashMap<>();
    int learning = 0;
    int v = 0;
    int vFlagged = 0;
    int otherFlagged = 0;
    for (int i = 0; i < label.length; i++) {
      BeatScore b = beats.get(i);
      label[i] = ref.ventricularClass(b.getRPeakSequence());
      byFirstSequence.put(b.getFirstSequence(), i);
      if ("learning".equals(b.getThresholdKind())) {
        learning++;
        continue;
      }
      boolean isV = "V".equals(label[i]);
      v += isV ? 1 : 0;
      vFlagged += isV && b.getAnomalous() ? 1 : 0;
      otherFlagged += !isV && b.getAnomalous() ? 1 : 0;
    }
    int opened = 0;
    int onVentricular = 0;
    for (Alert a : alerts) {
      if (a.getKind() != AlertKind.OPENED) {
        continue;
      }
      opened++;
      Integer at = byFirstSequence.get(a.getFirstSequence());
      if (at != null && List.of(label).subList(Math.max(0, at - alertM + 1), at + 1).stream()
          .anyMatch(c -> c.equals("V") || c.equals("F"))) {
        onVentricular++;
      }
    }
    return new RecordSummary(sourceId, beats.size(), peaks.sensitivity(), peaks.positivePredictivity(), learning, v,
        vFlagged, otherFlagged, opened, onVentricular);
  }

  public String text() {
    return String.format("%s: %d beats scored; R peaks Se %.2f %%, +P %.2f %%; after %d learning beats: "
            + "%d of %d ventricular beats flagged, %d other beats flagged; alerts opened %d, on ventricular beats %d",
        sourceId, beatsScored, 100 * rPeakSensitivity, 100 * rPeakPositivePredictivity, learningBeats, vFlagged, vBeats,
        otherFlagged, alertsOpened, alertsOnVentricularBeats);
  }
}

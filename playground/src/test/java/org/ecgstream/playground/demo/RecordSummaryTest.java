package org.ecgstream.playground.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;
import org.junit.jupiter.api.Test;

class RecordSummaryTest {
  @Test
  void shouldJudgeScoresAndAlertsAgainstTheRecordsAnnotations() {
    WfdbRecord r = WfdbRecord.read(ShippedData.mitdb(), "208");
    List<Annotation> beats = r.beats();
    List<BeatScore> scores = new ArrayList<>();
    Long normalAt = null;
    Long ventricularAt = null;
    boolean normalAfterVentricular = false;
    // Every annotated beat but the first is found; the first 100 are the learning period; after it
    // every V beat and the first normal beat are flagged.
    for (int i = 1; i < beats.size(); i++) {
      Annotation a = beats.get(i);
      boolean learning = i <= 100;
      boolean flag = !learning && (a.isVentricular() || normalAt == null && a.code().equals("N"));
      if (flag && a.code().equals("N")) {
        normalAt = a.sample() + 10 - 90;
        normalAfterVentricular = beats.subList(i - 4, i).stream().anyMatch(b -> b.isVentricular() || b.code().equals("F"));
      } else if (flag && ventricularAt == null) {
        ventricularAt = a.sample() + 10 - 90;
      }
      scores.add(score(a.sample() + 10, flag, learning ? "learning" : "patient"));
    }
    List<Alert> alerts = List.of(alert(ventricularAt, AlertKind.OPENED), alert(normalAt, AlertKind.OPENED),
        alert(ventricularAt, AlertKind.CLOSED));

    RecordSummary s = RecordSummary.of("mitdb-208", r, scores, alerts, 5);

    long v = beats.subList(101, beats.size()).stream().filter(Annotation::isVentricular).count();
    assertThat(s.beatsScored()).isEqualTo(beats.size() - 1);
    assertThat(s.rPeakSensitivity()).isEqualTo((beats.size() - 1) / (double) beats.size());
    assertThat(s.rPeakPositivePredictivity()).isEqualTo(1);
    assertThat(s.learningBeats()).isEqualTo(100);
    assertThat(s.vBeats()).isEqualTo(v);
    assertThat(s.vFlagged()).isEqualTo(v);
    assertThat(s.otherFlagged()).isEqualTo(1);
    assertThat(s.alertsOpened()).isEqualTo(2);
    // The alert opened on the normal beat counts as on ventricular beats only if one of the four
    // beats before it is V or F.
    assertThat(s.alertsOnVentricularBeats()).isEqualTo(normalAfterVentricular ? 2 : 1);
    assertThat(s.text()).contains("mitdb-208: " + (beats.size() - 1) + " beats scored")
        .contains(v + " of " + v + " ventricular beats flagged, 1 other beats flagged; alerts opened 2");
  }

  private static BeatScore score(long rPeak, boolean anomalous, String kind) {
    return BeatScore.newBuilder().setSourceId("mitdb-208").setFirstSequence(rPeak - 90).setLastSequence(rPeak + 161)
        .setStartTimeMillis(0).setEndTimeMillis(0).setLoss(1).setLossMean(1).setThreshold(1).setAnomalous(anomalous)
        .setModelVersion("m").setSegmentErrors(List.of()).setTopSteps(List.of()).setScoringLatencyMicros(1)
        .setRPeakSequence(rPeak).setThresholdKind(kind).build();
  }

  private static Alert alert(long firstSequence, AlertKind kind) {
    return Alert.newBuilder().setAlertId("mitdb-208/" + firstSequence).setSourceId("mitdb-208").setKind(kind)
        .setOpenedAtMillis(0).setEventTimeMillis(0).setFirstSequence(firstSequence).setLastSequence(firstSequence + 251)
        .setBeats(5).setAnomalousBeats(3).setPeakLoss(1).setThreshold(1).setModelVersion("m").setReason("r").build();
  }
}

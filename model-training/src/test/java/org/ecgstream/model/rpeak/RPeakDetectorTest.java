package org.ecgstream.model.rpeak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RPeakDetectorTest {
  @ParameterizedTest
  @ValueSource(strings = {"100", "101", "208"})
  void shouldFindTheAnnotatedBeatsOfMitBihRecords(String name) {
    WfdbRecord r = WfdbRecord.read(ShippedData.mitdb(), name);
    float[] lead = r.physical(r.signal("MLII"));
    RPeakDetector d = new RPeakDetector(r.header().frequency());
    List<Long> found = new ArrayList<>();
    for (float x : lead) {
      d.push(x, found::add);
    }
    d.finish(found::add);
    assertThat(found).isSorted();
    List<Long> reference = r.beats().stream().map(Annotation::sample).toList();
    DetectionScore s = DetectionScore.of(reference, found, Math.round(0.150 * r.header().frequency()));
    System.out.printf("record %s: TP %d FN %d FP %d Se %.4f +P %.4f offset %.1f%n", name, s.truePositives(),
        s.falseNegatives(), s.falsePositives(), s.sensitivity(), s.positivePredictivity(), s.meanOffsetSamples());
    assertThat(s.sensitivity()).isGreaterThanOrEqualTo(0.995);
    assertThat(s.positivePredictivity()).isGreaterThanOrEqualTo(0.995);
  }
}

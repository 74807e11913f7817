package org.ecgstream.model.beats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.WfdbHeader;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A record at another sample rate is described as at its own: 208 resampled from 360 Hz. */
class SampleRateTest {
  static WfdbRecord resampled(WfdbRecord r, double fs) {
    double from = r.header().frequency();
    int n = (int) Math.floor((r.adc()[0].length - 1) * fs / from) + 1;
    int[][] adc = new int[r.adc().length][n];
    for (int s = 0; s < adc.length; s++) {
      for (int i = 0; i < n; i++) {
        double t = i * from / fs;
        int k = (int) Math.floor(t);
        double f = t - k;
        int next = Math.min(k + 1, r.adc()[s].length - 1);
        adc[s][i] = (int) Math.round((1 - f) * r.adc()[s][k] + f * r.adc()[s][next]);
      }
    }
    List<Annotation> annotations = new ArrayList<>();
    for (Annotation a : r.annotations()) {
      annotations.add(new Annotation(Math.round(a.sample() * fs / from), a.code(), a.subtype(), a.channel(),
          a.number(), a.aux()));
    }
    WfdbHeader h = r.header();
    return new WfdbRecord(new WfdbHeader(h.record(), fs, n, h.signals()), adc, annotations);
  }

  @ParameterizedTest(name = "{0} Hz")
  @ValueSource(doubles = {128, 250, 500})
  void theBeatsAndTheirDescriptionsDoNotDependOnTheRate(double fs) {
    WfdbRecord original = WfdbRecord.read(ShippedData.mitdb(), "208");
    RecordBeats at360 = RecordBeats.of(original, "MLII");
    RecordBeats other = RecordBeats.of(resampled(original, fs), "MLII");
    assertThat(other.samplingHz()).isEqualTo(fs);
    // The detector finds the same beats (within 1 %) and they match the same reference classes.
    assertThat((double) other.size()).isCloseTo(at360.size(), org.assertj.core.data.Percentage.withPercentage(1));
    long v360 = IntStream.range(0, at360.size()).filter(at360::isVentricular).count();
    long vOther = IntStream.range(0, other.size()).filter(other::isVentricular).count();
    assertThat((double) vOther).isCloseTo(v360, org.assertj.core.data.Percentage.withPercentage(1));
    // Beat by beat, matched in time, the morphology numbers agree: the shapes are cut by time, not samples.
    int qrs = BeatFeatures.NAMES.indexOf("qrs correlation 1");
    int width = BeatFeatures.NAMES.indexOf("qrs width ms");
    double corrDiff = 0;
    double widthDiff = 0;
    int matched = 0;
    int j = 0;
    for (int i = 0; i < at360.size(); i++) {
      double t = at360.peaks()[i] / 360.0;
      while (j < other.size() - 1 && other.peaks()[j] / fs < t - 0.05) {
        j++;
      }
      if (Math.abs(other.peaks()[j] / fs - t) < 0.05) {
        corrDiff += Math.abs(other.features()[j][qrs] - at360.features()[i][qrs]);
        widthDiff += Math.abs(other.features()[j][width] - at360.features()[i][width]);
        matched++;
      }
    }
    assertThat(matched).isGreaterThan((int) (0.98 * at360.size()));
    // Interpolation at 128 Hz smooths a QRS (7.8 ms per sample against 2.8): small, not zero, differences.
    assertThat(corrDiff / matched).as("mean |difference| of the QRS correlation").isLessThan(0.05);
    assertThat(widthDiff / matched).as("mean |difference| of the QRS width, ms").isLessThan(8);
  }
}

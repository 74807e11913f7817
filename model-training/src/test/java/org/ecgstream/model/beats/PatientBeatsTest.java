package org.ecgstream.model.beats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A synthetic patient: narrow normal beats on time, and wide premature beats followed by a pause. */
class PatientBeatsTest {
  static final double FS = 360;

  private static int feature(String name) {
    return BeatFeatures.NAMES.indexOf(name);
  }

  /** A QRS as a Gaussian of the given width (ms) and height (mV), a T wave after it. */
  private static BeatShape shape(double widthMs, double height, double polarity) {
    BeatShape.Leads signal = (lead, k) -> {
      double t = (k - 1000) / FS * 1000;
      double qrs = polarity * height * Math.exp(-0.5 * Math.pow(t / (widthMs / 4), 2));
      double tWave = 0.3 * Math.exp(-0.5 * Math.pow((t - 300) / 40, 2));
      return (lead == 0 ? 1 : 0.6) * (qrs + tWave);
    };
    return BeatShape.cut(signal, 2, 1000, FS);
  }

  @Test
  void describesAnEctopicBeatRelativeToThePatientsOwnAndLearnsWhichIsDominantFromTiming() {
    BeatShape normal = shape(40, 1.0, 1);
    BeatShape ectopic = shape(120, 1.6, -1);
    PatientBeats p = new PatientBeats();
    List<double[]> f = new ArrayList<>();
    // Bigeminy first (half the learning beats are ectopic, and the very first one), then sinus rhythm.
    for (int i = 0; i < 40; i++) {
      boolean e = i % 2 == 0;
      f.add(p.next(e ? ectopic : normal, e ? 0.6 : 1.2, e ? 1.2 : 0.6));
    }
    for (int i = 0; i < 20; i++) {
      f.add(p.next(normal, 0.9, 0.9));
    }
    double[] lastNormal = f.get(f.size() - 1);
    double[] lastEctopic = f.get(38);
    // The normal beats came on time, so their cluster is the dominant one, although an ectopic beat came first.
    assertThat(lastNormal[feature("cluster is dominant")]).isEqualTo(1);
    assertThat(lastNormal[feature("qrs correlation 1")]).isGreaterThan(0.99);
    assertThat(lastNormal[feature("width ratio 1")]).isCloseTo(1, org.assertj.core.data.Offset.offset(0.05));
    assertThat(lastEctopic[feature("cluster is dominant")]).isZero();
    assertThat(lastEctopic[feature("qrs correlation 1")]).isLessThan(0);
    assertThat(lastEctopic[feature("polarity agrees")]).isZero();
    assertThat(lastEctopic[feature("width ratio 1")]).isGreaterThan(2);
    assertThat(lastEctopic[feature("log size 1")]).isCloseTo(Math.log(1.6), org.assertj.core.data.Offset.offset(0.05));
    // Premature against the recent median interval, then a pause.
    assertThat(lastEctopic[feature("rr before / recent")]).isLessThan(0.7);
    assertThat(lastEctopic[feature("rr after / before")]).isCloseTo(2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(lastEctopic[feature("cluster rr ratio")]).isLessThan(0.8);
    assertThat(f).allSatisfy(row -> assertThat(row).hasSize(BeatFeatures.NAMES.size()).doesNotContain(Double.NaN));
  }

  @Test
  void aSingleLeadRepeatsItsNumbersForTheSecond() {
    BeatShape.Leads signal = (lead, k) -> Math.exp(-0.5 * Math.pow((k - 1000) / 5.0, 2));
    BeatShape one = BeatShape.cut(signal, 1, 1000, FS);
    double[] f = new PatientBeats().next(one, 1, 1);
    assertThat(f[feature("qrs correlation 2")]).isEqualTo(f[feature("qrs correlation 1")]);
    assertThat(f[feature("width ratio 2")]).isEqualTo(f[feature("width ratio 1")]);
  }

  @Test
  void shapesAreTheSameAtAnySampleRate() {
    BeatShape.Leads at360 = (lead, k) -> Math.sin(k / 360.0 * 7) + Math.exp(-0.5 * Math.pow((k - 3600) / 360.0 / 0.02, 2));
    BeatShape.Leads at128 = (lead, k) -> Math.sin(k / 128.0 * 7) + Math.exp(-0.5 * Math.pow((k - 1280) / 128.0 / 0.02, 2));
    BeatShape a = BeatShape.cut(at360, 1, 3600, 360);
    BeatShape b = BeatShape.cut(at128, 1, 1280, 128);
    assertThat(a.qrs()[0]).hasSameSizeAs(b.qrs()[0]).hasSize(101);
    assertThat(a.full()[0]).hasSize(71);
    // Linear interpolation at 128 Hz of a 20 ms-wide peak: within a few hundredths of a millivolt.
    for (int i = 0; i < a.qrs()[0].length; i++) {
      assertThat((double) b.qrs()[0][i]).isCloseTo(a.qrs()[0][i], org.assertj.core.data.Offset.offset(0.06));
    }
  }
}

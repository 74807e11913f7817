package org.ecgstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.wfdb.Annotation;
import org.junit.jupiter.api.Test;

class Ec57CountsTest {
  @Test
  void countsBeatsAndAlertEpisodesAsEc57FromTheEndOfLearning() {
    // Reference: 12 beats 100 samples apart; beat 0 is a V in the learning period (not counted).
    String[] ref = {"V", "N", "N", "V", "V", "N", "N", "N", "N", "N", "F", "V"};
    List<Annotation> annotations = new ArrayList<>();
    for (int i = 0; i < ref.length; i++) {
      annotations.add(new Annotation(100L * i, ref[i], 0, 0, 0, ""));
    }
    annotations.add(new Annotation(1150, "+", 0, 0, 0, "(VT"));
    // Detections: every beat but the last (missed), plus a false detection at 650 matching nothing.
    long[] peaks = {0, 100, 200, 300, 400, 500, 600, 650, 700, 800, 900, 1000};
    String[] codes = {"V", "N", "N", "V", "V", "N", "N", "", "N", "N", "N", "F"};
    boolean[] flagged = {true, false, true, true, true, false, false, true, false, false, false, true};
    Ec57Counts c = Ec57Counts.of(peaks, codes, flagged, annotations, Ec57Counts.VENTRICULAR, 50, 0.5,
        new Ec57Counts.AlertRule(3, 5, 2));
    assertThat(c.positives()).isEqualTo(3);
    assertThat(c.truePositives()).isEqualTo(2);
    assertThat(c.falseNegatives()).isEqualTo(1);
    // The N at 200, the detection of nothing at 650 and the fusion beat at 1000.
    assertThat(c.falsePositives()).isEqualTo(3);
    assertThat(c.fusion()).isEqualTo(1);
    assertThat(c.sensitivity()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(c.positivePredictivity()).isCloseTo(0.4, within(1e-12));
    // 200, 300, 400 flagged open an episode with V beats in it; it closes after 500 and 600; the
    // flags at 650 and 1000 never make 3 of 5 again.
    assertThat(c.episodes()).isEqualTo(1);
    assertThat(c.falseEpisodes()).isZero();
    assertThat(c.falseAlertsPerHour()).isZero();
  }

  @Test
  void anEpisodeOpenedByNormalBeatsAloneIsFalseAndGrossTotalsAdd() {
    List<Annotation> annotations = new ArrayList<>();
    long[] peaks = new long[6];
    String[] codes = new String[6];
    boolean[] flagged = new boolean[6];
    for (int i = 0; i < 6; i++) {
      annotations.add(new Annotation(100L * i, "N", 0, 0, 0, ""));
      peaks[i] = 100L * i;
      codes[i] = "N";
      flagged[i] = i >= 2;
    }
    Ec57Counts c = Ec57Counts.of(peaks, codes, flagged, annotations, Ec57Counts.VENTRICULAR, 0, 0.25,
        new Ec57Counts.AlertRule(3, 5, 5));
    assertThat(c.episodes()).isEqualTo(1);
    assertThat(c.falseEpisodes()).isEqualTo(1);
    assertThat(c.falseAlertsPerHour()).isEqualTo(4);
    assertThat(c.sensitivity()).isNaN();
    Ec57Counts sum = c.plus(c);
    assertThat(sum.falseEpisodes()).isEqualTo(2);
    assertThat(sum.hours()).isEqualTo(0.5);
    assertThat(sum.falseAlertsPerHour()).isEqualTo(4);
  }

  @Test
  void anEpisodeOpenedAfterACloseLooksOnlyAtBeatsSinceTheClose() {
    // Rule 3 of 5, closing after 2: V V V opens (real), then a missed V and an N close it, then
    // three flagged N beats open a second episode. Its window of five still holds the missed V
    // from before the close; the flags were reset there, so it is false.
    String[] codes = {"V", "V", "V", "V", "N", "N", "N", "N"};
    boolean[] flagged = {true, true, true, false, false, true, true, true};
    long[] peaks = new long[codes.length];
    List<Annotation> annotations = new ArrayList<>();
    for (int i = 0; i < codes.length; i++) {
      peaks[i] = 100L * i;
      annotations.add(new Annotation(peaks[i], codes[i], 0, 0, 0, ""));
    }
    Ec57Counts c = Ec57Counts.of(peaks, codes, flagged, annotations, Ec57Counts.VENTRICULAR, 0, 1,
        new Ec57Counts.AlertRule(3, 5, 2));
    assertThat(c.episodes()).isEqualTo(2);
    assertThat(c.falseEpisodes()).isEqualTo(1);
  }

  @Test
  void twoDetectionsOfOneBeatCountItOnceAndBadRulesAreRefused() {
    List<Annotation> annotations = List.of(new Annotation(1000, "V", 0, 0, 0, ""));
    // Both detections lie within 150 ms (54 samples at 360 Hz) of the one V beat.
    long[] peaks = {960, 1040};
    String[] codes = {"V", "V"};
    Ec57Counts c = Ec57Counts.of(peaks, codes, new boolean[] {true, true}, annotations, Ec57Counts.VENTRICULAR, 0, 1,
        new Ec57Counts.AlertRule(3, 5, 5));
    assertThat(c.truePositives()).isEqualTo(1);
    assertThat(c.falsePositives()).isEqualTo(1);
    assertThat(c.falseNegatives()).isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Ec57Counts.AlertRule(3, 32, 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 <= k <= m <= 31");
  }
}

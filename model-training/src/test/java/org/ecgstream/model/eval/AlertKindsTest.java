package org.ecgstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.wfdb.Annotation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertKindsTest {
  static final double FS = 100;

  /** Beats every {@code rr} seconds, with the ventricular flags given by {@code pattern} ('V' or '.'). */
  private static long[] peaks(double rr, int n) {
    long[] p = new long[n];
    for (int i = 0; i < n; i++) {
      p[i] = Math.round(i * rr * FS);
    }
    return p;
  }

  private static boolean[] flags(String pattern) {
    boolean[] f = new boolean[pattern.length()];
    for (int i = 0; i < f.length; i++) {
      f[i] = pattern.charAt(i) == 'V';
    }
    return f;
  }

  @Test
  void aRunOfThreeIsOneAlertThatClosesAfterFiveOtherBeatsAndBigeminyIsItsOwnKind() {
    String pattern = "..........VVVVV......" + ".V.V.V.V.V......" + "..........";
    long[] p = peaks(0.8, pattern.length());
    List<AlertKinds.Alert> alerts = AlertKinds.of(p, flags(pattern), FS, 0);
    List<AlertKinds.Alert> runs = alerts.stream().filter(a -> a.kind() == AlertKinds.Kind.VENTRICULAR_RUN).toList();
    assertThat(runs).containsExactly(new AlertKinds.Alert(AlertKinds.Kind.VENTRICULAR_RUN, 12, 19));
    List<AlertKinds.Alert> big = alerts.stream().filter(a -> a.kind() == AlertKinds.Kind.BIGEMINY).toList();
    // The fourth V of the alternation (beat 28) opens it; five beats without the pattern close it.
    assertThat(big).containsExactly(new AlertKinds.Alert(AlertKinds.Kind.BIGEMINY, 28, 35));
    // 10 ventricular beats within a minute (48 beats at 0.8 s = 38 s): frequent PVCs, once.
    assertThat(alerts.stream().filter(a -> a.kind() == AlertKinds.Kind.FREQUENT_PVC)).hasSize(1);
    assertThat(alerts.stream().filter(a -> a.kind() == AlertKinds.Kind.PAUSE)).isEmpty();
    assertThat(alerts.stream().filter(a -> a.kind() == AlertKinds.Kind.TACHYCARDIA)).isEmpty();
  }

  @Test
  void ratesAndPausesFromTheRrIntervals() {
    long[] slow = peaks(1.6, 30);
    assertThat(AlertKinds.of(slow, new boolean[30], FS, 0)).extracting(AlertKinds.Alert::kind)
        .containsExactly(AlertKinds.Kind.BRADYCARDIA);
    long[] fast = peaks(0.35, 30);
    assertThat(AlertKinds.of(fast, new boolean[30], FS, 0)).extracting(AlertKinds.Alert::kind)
        .containsExactly(AlertKinds.Kind.TACHYCARDIA);
    long[] gap = peaks(0.8, 20);
    for (int i = 10; i < 20; i++) {
      gap[i] += Math.round(2.5 * FS);
    }
    List<AlertKinds.Alert> pause = AlertKinds.of(gap, new boolean[20], FS, 0);
    assertThat(pause).containsExactly(new AlertKinds.Alert(AlertKinds.Kind.PAUSE, 10, 15));
    // Nothing before the first beat counted: the same pause in the learning period raises nothing.
    assertThat(AlertKinds.of(gap, new boolean[20], FS, 11)).isEmpty();
  }

  @Test
  void runsAreScoredAgainstTheReferenceVtEpisodes() {
    List<Annotation> annotations = new ArrayList<>();
    annotations.add(new Annotation(0, "+", 0, 0, 0, "(N"));
    annotations.add(new Annotation(1000, "+", 0, 0, 0, "(VT"));
    annotations.add(new Annotation(1300, "+", 0, 0, 0, "(N"));
    annotations.add(new Annotation(5000, "+", 0, 0, 0, "(VT"));
    annotations.add(new Annotation(5300, "+", 0, 0, 0, "(N"));
    RhythmEpisodes rhythms = RhythmEpisodes.of(annotations, 8000);
    assertThat(rhythms.of("VT", 0)).hasSize(2);
    assertThat(rhythms.of("N", 6000)).containsExactly(new RhythmEpisodes.Episode(5300, 8000, "N"));
    long[] p = peaks(0.5, 160);
    boolean[] v = new boolean[160];
    // A run at beats 20-23 (samples 1000-1150, inside the first VT) and a false one at 60-62 (3000-3100).
    for (int i : new int[] {20, 21, 22, 23, 60, 61, 62}) {
      v[i] = true;
    }
    List<AlertKinds.Alert> alerts = AlertKinds.of(p, v, FS, 0);
    KindScore s = KindScore.of(alerts, AlertKinds.Kind.VENTRICULAR_RUN, rhythms.of("VT", 0), p, 0, FS, 0.5);
    assertThat(s.episodes()).isEqualTo(2);
    assertThat(s.found()).isEqualTo(1);
    assertThat(s.alerts()).isEqualTo(2);
    assertThat(s.falseAlerts()).isEqualTo(1);
    assertThat(s.falseAlertsPerHour()).isEqualTo(2);
    assertThat(s.sensitivity()).isEqualTo(0.5);
  }

  @Test
  void oseaDecisionsAreReadOrRefusedWithTheLine(@TempDir Path dir) throws Exception {
    Path ok = dir.resolve("100.csv");
    Files.writeString(ok, "sample,type,match\n370,1,0\n662,5,1\n");
    OseaDecisions d = OseaDecisions.read(ok);
    assertThat(d.samples()).containsExactly(370, 662);
    assertThat(d.ventricular()).containsExactly(false, true);
    Path bad = dir.resolve("101.csv");
    Files.writeString(bad, "sample,type,match\n370,1,0\nx,5\n");
    assertThatThrownBy(() -> OseaDecisions.read(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3");
  }
}

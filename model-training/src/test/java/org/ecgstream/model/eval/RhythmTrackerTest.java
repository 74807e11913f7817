package org.ecgstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rhythm rules beat by beat: what the job keeps in state must carry on exactly where it stopped. */
class RhythmTrackerTest {
  static final double FS = 360;

  @Test
  void aTrackerRestoredFromItsBytesCarriesOnAsIfNeverInterrupted() {
    Random r = new Random(7);
    RhythmTracker straight = new RhythmTracker();
    RhythmTracker restored = new RhythmTracker();
    long peak = 0;
    long previous = -1;
    int opened = 0;
    for (int i = 0; i < 3000; i++) {
      // Runs, bigeminy, pauses and fast stretches, all in one patient.
      boolean v = i % 400 < 40 ? i % 2 == 0 : i % 400 < 60 || r.nextDouble() < 0.05;
      peak += i % 500 == 0 ? Math.round(2.5 * FS) : i % 300 < 30 ? Math.round(0.35 * FS) : Math.round(0.8 * FS);
      RhythmTracker.Change a = straight.next(peak, previous, v, FS);
      RhythmTracker.Change b = restored.next(peak, previous, v, FS);
      assertThat(b).isEqualTo(a);
      assertThat(restored.open()).isEqualTo(straight.open());
      opened += a.opened().size();
      if (i % 37 == 0) {
        restored = RhythmTracker.fromBytes(restored.toBytes());
      }
      previous = peak;
    }
    assertThat(opened).as("every kind opened and closed many times").isGreaterThan(30);
    byte[] bytes = straight.toBytes();
    bytes[0] = 3;
    assertThatThrownBy(() -> RhythmTracker.fromBytes(bytes)).hasMessageContaining("format 3");
  }

  @Test
  void theEvaluationsAlertsAreTheTrackersOpeningsAndClosings() {
    long[] peaks = new long[40];
    boolean[] v = new boolean[40];
    for (int i = 0; i < peaks.length; i++) {
      peaks[i] = Math.round(i * 0.8 * FS);
      v[i] = i >= 12 && i < 16;
    }
    RhythmTracker t = new RhythmTracker();
    for (int i = 0; i <= 14; i++) {
      t.next(peaks[i], i > 0 ? peaks[i - 1] : -1, v[i], FS);
    }
    assertThat(t.open()).containsExactly(AlertKinds.Kind.VENTRICULAR_RUN);
    assertThat(AlertKinds.of(peaks, v, FS, 0))
        .containsExactly(new AlertKinds.Alert(AlertKinds.Kind.VENTRICULAR_RUN, 14, 20));
    assertThat(List.of(AlertKinds.Kind.values())).hasSize(6);
  }
}

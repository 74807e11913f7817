package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.junit.jupiter.api.Test;

/** A source's model learnt from its own windows: from random weights, or from a given network's. */
class LearntModelTest {
  static final Architecture A = new Architecture(10, 3, 4, Variant.RECONSTRUCTION);

  static List<float[]> windows(int n) {
    Random r = new Random(2);
    List<float[]> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[30];
      for (int t = 0; t < 10; t++) {
        for (int c = 0; c < 3; c++) {
          v[t * 3 + c] = (float) (c + Math.sin(2 * Math.PI * (i * 10 + t) / 40) + 0.05 * r.nextGaussian());
        }
      }
      w.add(v);
    }
    return w;
  }

  @Test
  void itsThresholdIsTheFactorTimesTheQuantileOfItsOwnWindowsScores() {
    List<float[]> w = windows(50);
    LearntModel m = LearntModel.learn(w, A, new LearntModel.Settings(10, 5, 0.99, 1.5, 1));
    ReconstructionEngine e = m.engine();
    double[] scores = w.stream().mapToDouble(x -> m.score(e, x).score()).sorted().toArray();
    double pos = 0.99 * (scores.length - 1);
    int lo = (int) pos;
    double q = scores[lo] + (pos - lo) * (scores[lo + 1] - scores[lo]);
    assertThat(m.threshold()).isCloseTo(1.5 * q, org.assertj.core.api.Assertions.within(1e-9 * q));
    // The score is the channels' errors summed.
    LearntModel.Scored s = m.score(e, w.get(0));
    assertThat(s.channelErrors()).hasSize(3);
    assertThat(s.score()).isCloseTo(s.channelErrors()[0] + s.channelErrors()[1] + s.channelErrors()[2],
        org.assertj.core.api.Assertions.within(1e-5));
  }

  @Test
  void fromAGivenNetworkItStartsFromItsWeights() {
    MultiLayerNetwork start = AutoencoderFactory.create(A, LossKind.L1, 1e-3, 77);
    float[] p0 = start.params().dup().data().asFloat();
    // One epoch of 45 training windows at batch 32: two Adam steps. An Adam step moves a weight by
    // at most lr (1 - b1) / sqrt(1 - b2) = 1e-3 x 0.1 / 0.0316 = 3.16e-3 (Kingma and Ba, 2.1), so
    // two by at most 6.3e-3.
    LearntModel m = LearntModel.learn(windows(50), A, new LearntModel.Settings(1, 1, 0.99, 1.5, 1), start);
    double moved = 0;
    for (int i = 0; i < p0.length; i++) {
      moved = Math.max(moved, Math.abs(m.params()[i] - p0[i]));
    }
    assertThat(moved).isPositive().isLessThan(6.4e-3);
    // From random weights (another seed's) the same learning ends far from them.
    LearntModel fresh = LearntModel.learn(windows(50), A, new LearntModel.Settings(1, 1, 0.99, 1.5, 1));
    double apart = 0;
    for (int i = 0; i < p0.length; i++) {
      apart = Math.max(apart, Math.abs(fresh.params()[i] - p0[i]));
    }
    assertThat(apart).isGreaterThan(0.05);
  }
}

package org.ecgstream.model.beats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.junit.jupiter.api.Test;

class BeatAutoencoderTest {
  @Test
  void learnsNormalBeatsOfSomePatientsAndDescribesAnotherPatientsBeatsAgainstItsOwnLevel() {
    Nd4jRuntime.ensureStarted();
    RecordBeats r100 = RecordBeats.of(WfdbRecord.read(ShippedData.mitdb(), "100"), "MLII");
    RecordBeats r101 = RecordBeats.of(WfdbRecord.read(ShippedData.mitdb(), "101"), "MLII");
    RecordBeats r208 = RecordBeats.of(WfdbRecord.read(ShippedData.mitdb(), "208"), "MLII");
    BeatAutoencoder ae = BeatAutoencoder.train(List.of(r100, r101), 3,
        new PrintStream(java.io.OutputStream.nullOutputStream()));
    double[][] f = ae.features(r208, 300);
    assertThat(f).hasNumberOfRows(r208.size());
    long end = 300 * 360;
    double[] learning = java.util.stream.IntStream.range(0, r208.size()).filter(i -> r208.peaks()[i] < end)
        .mapToDouble(i -> f[i][1]).sorted().toArray();
    // The relative loss is the loss over the learning period's median: its median there is 1.
    assertThat(learning[learning.length / 2]).isCloseTo(1, within(1e-9));
    assertThat(Arrays.stream(f).mapToDouble(row -> row[0])).allSatisfy(loss -> assertThat(loss).isPositive());
    // The patients it learnt from reconstruct better than one it never saw: 100's normal beats
    // (200 of them trained on) against 208's, measured over each record's beats.
    double own = median(ae.losses(r100.windows()));
    double other = median(ae.losses(r208.windows()));
    assertThat(own).isLessThan(other);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}

package org.ecgstream.model.beats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.eval.Ec57Counts;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.junit.jupiter.api.Test;

/**
 * The protocol on real records: beats found and described on every record, and a classifier that
 * never saw a record finds that record's ventricular beats.
 */
class LeaveOneRecordOutTest {
  /** The DS1 records beside the checkout, where they are (they are not shipped). */
  static Path ds1() {
    return Stream.of(Path.of("..", "shared", "data", "mitdb"), Path.of("..", "..", "shared", "data", "mitdb"))
        .filter(p -> Files.exists(p.resolve("119.hea"))).findFirst().orElse(null);
  }

  @Test
  void shippedRecordsAreDescribedBeatByBeatWithTheirReferenceClasses() {
    RecordBeats r = RecordBeats.of(WfdbRecord.read(ShippedData.mitdb(), "208"), "MLII");
    assertThat(r.leads().note()).isEmpty();
    assertThat(r.leads().secondary()).isEqualTo(1);
    // 2955 reference beats; the detector finds nearly all of them (README: Se and +P above 99 %).
    assertThat(r.size()).isBetween(2900, 2990);
    long v = java.util.stream.IntStream.range(0, r.size()).filter(r::isVentricular).count();
    assertThat(v).isBetween(970L, 992L);
    assertThat(java.util.Arrays.asList(r.features()))
        .allSatisfy(f -> assertThat(f).hasSize(BeatFeatures.NAMES.size()).doesNotContain(Double.NaN));
  }

  @Test
  void aClassifierThatNeverSawARecordFindsItsVentricularBeats() {
    Path dir = ds1();
    assumeTrue(dir != null, "the DS1 records are not beside this checkout (shared/data/mitdb); skipped");
    List<RecordBeats> records = Stream.of("106", "116", "119", "208", "215", "220")
        .map(n -> RecordBeats.of(WfdbRecord.read(dir, n), "MLII", false)).toList();
    List<LeaveOneRecordOut.Fold> folds = LeaveOneRecordOut.run(records, (r, i) -> r.isVentricular(i),
        BoostedTrees.Settings.defaults(), true);
    Ec57Counts total = Ec57Counts.none();
    for (int k = 0; k < records.size(); k++) {
      RecordBeats r = records.get(k);
      long from = Math.round(300 * r.samplingHz());
      total = total.plus(Ec57Counts.of(r.peaks(), r.codes(), folds.get(k).flags(), r.annotations(),
          Ec57Counts.VENTRICULAR, from, (r.samples() - from) / r.samplingHz() / 3600, new Ec57Counts.AlertRule(3, 5, 5)));
      assertThat(folds.get(k).threshold()).isBetween(0.1, 0.9);
    }
    System.out.printf("six records: V %d, TP %d, FP %d, episodes %d, false %d%n", total.positives(),
        total.truePositives(), total.falsePositives(), total.episodes(), total.falseEpisodes());
    // Measured (AMD EPYC, AVX-512) with the job's classifier: one lead, two stages, beats described
    // as the stream describes them: TP 1855 of 1877 (Se 98.8 %), FP 39 (+P 97.9 %), 51 alert episodes,
    // none false (one stage, two leads: 1773, 105, 62). Math.exp may differ by an ulp between CPUs and
    // move a beat across a tree's split, so the bounds leave a few beats of room, not more.
    assertThat(total.positives()).isEqualTo(1877);
    assertThat(total.truePositives()).isBetween(1838, 1872);
    assertThat(total.falsePositives()).isBetween(23, 55);
    assertThat(total.falseEpisodes()).isLessThanOrEqualTo(1);
  }
}

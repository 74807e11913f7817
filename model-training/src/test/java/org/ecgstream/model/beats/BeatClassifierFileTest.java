package org.ecgstream.model.beats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelFileException;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.rpeak.Biquad;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier as the job gets it: written into a model file and read back it judges every beat
 * exactly as before, the learner's state survives a trip through bytes mid-record, and damaged
 * bytes are refused with what is wrong.
 */
class BeatClassifierFileTest {
  static RecordBeats r208;
  static BeatClassifier classifier;

  @BeforeAll
  static void train() {
    Path dir = ShippedData.mitdb();
    RecordBeats r100 = RecordBeats.of(WfdbRecord.read(dir, "100"), "MLII", false);
    RecordBeats r101 = RecordBeats.of(WfdbRecord.read(dir, "101"), "MLII", false);
    r208 = RecordBeats.of(WfdbRecord.read(dir, "208"), "MLII", false);
    // Small trees, trained on 100 and 208 (208 has the V beats), judged on 208 only for equality.
    classifier = LeaveOneRecordOut.fit(List.of(r100, r101, r208), (r, i) -> r.isVentricular(i), 1,
        new BoostedTrees.Settings(30, 3, 0.2, 40, 1.0, 32), true);
  }

  @Test
  void aClassifierReadBackFromItsBytesGivesEveryBeatTheSameProbability() {
    BeatClassifier back = BeatClassifier.fromBytes(classifier.toBytes());
    assertThat(back.leads()).isEqualTo(1);
    assertThat(back.second()).as("two stages").isNotNull();
    assertThat(back.threshold()).isEqualTo(classifier.threshold());
    assertThat(back.trainedOn()).containsExactly("100", "101", "208");
    double[] before = classifier.probabilities(r208.features());
    double[] after = back.probabilities(r208.features());
    assertThat(after).isEqualTo(before);
    int ventricular = 0;
    for (double p : after) {
      ventricular += p > back.threshold() ? 1 : 0;
    }
    // 208 has 992 V beats among its 2955; a classifier that saw them flags most, not all beats.
    assertThat(ventricular).isBetween(800, 1300);
  }

  @Test
  void beatByBeatTheSecondStageReadsTheFirstStagesVerdictsOnTheFourBeatsBefore() {
    double[][] f = r208.features();
    double[] recent = new double[BeatContext.BEATS];
    double[] firstStage = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      firstStage[i] = classifier.first().probability(f[i]);
      double[] context = BeatContext.of(f[i], firstStage[i], recent);
      assertThat(classifier.next(f[i], recent)).isEqualTo(classifier.second().probability(context));
      if (i >= 4) {
        assertThat(recent).containsExactly(firstStage[i - 3], firstStage[i - 2], firstStage[i - 1], firstStage[i]);
        int n = f[i].length;
        assertThat(context[n]).isEqualTo(firstStage[i]);
        assertThat(context[n + 1]).isEqualTo(firstStage[i - 1]);
        assertThat(context[n + 2]).isEqualTo(firstStage[i - 2]);
        assertThat(context[n + 3]).isEqualTo(Math.max(Math.max(firstStage[i - 1], firstStage[i - 2]),
            Math.max(firstStage[i - 3], firstStage[i - 4])));
      }
    }
    assertThat(classifier.probabilities(f)[2000]).isEqualTo(classifier.next(f[2000], contextBefore(firstStage, 2000)));
  }

  private static double[] contextBefore(double[] firstStage, int i) {
    return new double[] {firstStage[i - 4], firstStage[i - 3], firstStage[i - 2], firstStage[i - 1]};
  }

  @Test
  void theModelFileKeepsItsNetworkAndVersionAndGainsTheClassifier(@TempDir Path dir) throws Exception {
    Path shipped = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    Path model = dir.resolve("model.zip");
    Files.copy(shipped, model);
    var before = ModelFile.readMetadata(model);
    assertThat(ModelFile.readClassifier(model)).isEmpty();

    ModelFile.storeClassifier(model, classifier);
    assertThat(ModelFile.readMetadata(model)).isEqualTo(before);
    assertThat(ModelFile.load(model).metadata().networkSha256()).isEqualTo(before.networkSha256());
    BeatClassifier read = ModelFile.readClassifier(model).orElseThrow();
    assertThat(read.probabilities(r208.features())).isEqualTo(classifier.probabilities(r208.features()));
    assertThat(ModelFile.classifierVersion(read)).isEqualTo(ModelFile.classifierVersion(classifier)).startsWith("beats-");
  }

  @Test
  void damagedClassifierBytesAreRefusedWithTheirFault() {
    byte[] good = classifier.toBytes();
    assertThatThrownBy(() -> BeatClassifier.fromBytes(Arrays.copyOf(good, good.length - 9)))
        .hasMessageContaining("truncated");
    byte[] wrongMagic = good.clone();
    wrongMagic[0] ^= 1;
    assertThatThrownBy(() -> BeatClassifier.fromBytes(wrongMagic)).hasMessage("not a beat classifier");
    byte[] newer = good.clone();
    newer[7] = 9;
    assertThatThrownBy(() -> BeatClassifier.fromBytes(newer)).hasMessageContaining("format 9");
    byte[] longer = Arrays.copyOf(good, good.length + 3);
    assertThatThrownBy(() -> BeatClassifier.fromBytes(longer)).hasMessageContaining("3 bytes after");
  }

  @Test
  void aTreeNodePointingOutsideItsTreeIsRefused() {
    BoostedTrees.Tree t = classifier.first().trees().get(0);
    int split = 0;
    while (t.feature()[split] < 0) {
      split++;
    }
    int child = t.left()[split];
    t.left()[split] = split; // a cycle
    try {
      assertThatThrownBy(() -> BeatClassifier.fromBytes(classifier.toBytes()))
          .hasMessageContaining("tree 0 node " + split + " points outside");
    } finally {
      t.left()[split] = child;
    }
  }

  @Test
  void aModelFileWithADamagedClassifierSaysSo(@TempDir Path dir) throws Exception {
    Path shipped = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));
    Path model = dir.resolve("model.zip");
    try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(shipped));
         var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(model))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
        out.write(in.readAllBytes());
        out.closeEntry();
      }
      out.putNextEntry(new java.util.zip.ZipEntry("beat-classifier.bin"));
      out.write(Arrays.copyOf(classifier.toBytes(), 100));
      out.closeEntry();
    }
    assertThatThrownBy(() -> ModelFile.readClassifier(model)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("has a damaged beat-classifier.bin: beat classifier is truncated");
  }

  @Test
  void thePatientsLearnerSurvivesATripThroughBytesMidRecord() {
    WfdbRecord r = WfdbRecord.read(ShippedData.mitdb(), "208");
    double fs = r.header().frequency();
    float[] filtered = LeadFilter.filter(r.physical(0), fs);
    BeatShape.Leads signal = (l, k) -> filtered[(int) k];
    long[] peaks = r208.peaks();
    PatientBeats straight = new PatientBeats();
    PatientBeats restored = new PatientBeats();
    for (int i = 1; i + 1 < 1500; i++) {
      double[] a = straight.next(signal, 1, peaks[i], peaks[i - 1], peaks[i + 1], fs);
      double[] b = restored.next(signal, 1, peaks[i], peaks[i - 1], peaks[i + 1], fs);
      assertThat(b).isEqualTo(a);
      if (i % 250 == 0) {
        restored = PatientBeats.fromBytes(restored.toBytes());
      }
    }
    byte[] bytes = straight.toBytes();
    bytes[0] = 7;
    assertThatThrownBy(() -> PatientBeats.fromBytes(bytes)).hasMessageContaining("format 7");
  }

  @Test
  void theLeadFilterWithItsStateOutsideIsTheSameArithmeticAsTheBiquads() {
    double fs = 360;
    Biquad hp = Biquad.highPass(0.5, fs);
    Biquad lp = Biquad.lowPass(40, fs);
    float[] x = new float[2000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (Math.sin(i / 9.0) + 0.3 * Math.sin(i / 300.0) + (i % 360 == 0 ? 2 : 0));
    }
    float[] filtered = LeadFilter.filter(x, fs);
    for (int i = 0; i < x.length; i++) {
      assertThat(filtered[i]).isEqualTo((float) lp.apply(hp.apply(x[i])));
    }
  }
}

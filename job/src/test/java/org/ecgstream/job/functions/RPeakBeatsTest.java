package org.ecgstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.ecgstream.job.records.Beat;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.rpeak.DetectionScore;
import org.ecgstream.model.wfdb.Annotation;
import org.ecgstream.model.wfdb.ReferenceBeats;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.ecgstream.schemas.SampleFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Beats cut around R peaks by the assembler, from MIT-BIH records sent as a monitor would send them. */
class RPeakBeatsTest {
  static final int FRAME = 36;
  static final long PERIOD_MICROS = 1_000_000 / 360;
  static final Duration TTL = Duration.ofSeconds(10);
  static final long START = 1_800_000_000_000L;

  @ParameterizedTest
  @ValueSource(strings = {"100", "208"})
  void shouldCutOneBeatAroundEveryAnnotatedBeat(String name) throws Exception {
    WfdbRecord r = WfdbRecord.read(ShippedData.mitdb(), name);
    List<Beat> beats = send(r, BeatAssembler.aroundRPeaks(140, 1, 0, 250, 450, Duration.ofSeconds(1), TTL,
        "ecg.samples"));

    List<Long> peaks = beats.stream().map(b -> b.rPeakSequence).toList();
    DetectionScore s = DetectionScore.of(r.beats().stream().map(Annotation::sample).toList(), peaks, 54);
    System.out.printf("record %s through the assembler: %d beats, Se %.4f, +P %.4f%n", name, beats.size(),
        s.sensitivity(), s.positivePredictivity());
    assertThat(s.sensitivity()).isGreaterThanOrEqualTo(0.995);
    assertThat(s.positivePredictivity()).isGreaterThanOrEqualTo(0.995);
    assertThat(peaks).isSorted();
    assertThat(beats).allSatisfy(x -> assertThat(x.templateMismatch).as("no template asked for").isNaN());
    Beat b = beats.get(beats.size() / 2);
    // 250 + 450 ms at 360 Hz: 252 samples, resampled to 140 and z-normalised.
    assertThat(b.lastSequence - b.firstSequence).isEqualTo(251);
    assertThat(b.rPeakSequence - b.firstSequence).isEqualTo(90);
    assertThat(b.values).hasSize(140);
    double mean = 0;
    double sq = 0;
    for (float x : b.values) {
      mean += x / 140.0;
      sq += x * x / 140.0;
    }
    assertThat(mean).isCloseTo(0, within(1e-5));
    assertThat(Math.sqrt(sq - mean * mean)).isCloseTo(1, within(1e-4));
    assertThat(b.rrPreviousMillis).isBetween(300, 2000);
    assertThat(b.rPeakTimeMillis).isEqualTo(START + b.rPeakSequence * PERIOD_MICROS / 1000);
    // A peak less than 250 ms into the stream has no whole window: the first beat is a later one.
    assertThat(beats.get(0).firstSequence).isNotNegative();
    // Every beat but the stream's last knows the next peak (4.2 s in 208 where its lead fades and beats are missed).
    assertThat(beats.subList(0, beats.size() - 1)).allSatisfy(x -> assertThat(x.rrNextMillis).isBetween(200, 10_000));
  }

  @Test
  void shouldMarkRecord208sBeatsAfterTheLearningPeriodWithTheirMismatchToItsDominantBeat() throws Exception {
    WfdbRecord r = WfdbRecord.read(ShippedData.mitdb(), "208");
    List<Beat> beats = send(r, BeatAssembler.aroundRPeaks(140, 1, 0, 250, 450, Duration.ofSeconds(1), TTL,
        "ecg.samples").withPatientTemplates(Duration.ofMinutes(5), 5, 0.4));
    long firstEnd = beats.get(0).endTimeMillis;
    ReferenceBeats ref = ReferenceBeats.of(r);
    int v = 0;
    int vAbove = 0;
    int nAbove = 0;
    int n = 0;
    for (Beat b : beats) {
      if (b.endTimeMillis - firstEnd < 300_000) {
        assertThat(b.templateMismatch).as("learning beat").isNaN();
        continue;
      }
      assertThat(b.templateThreshold).isEqualTo(0.4);
      Annotation a = ref.at(b.rPeakSequence);
      if (a != null && a.isVentricular()) {
        v++;
        vAbove += b.templateMismatch > b.templateThreshold ? 1 : 0;
      } else if (a != null && "N".equals(a.code())) {
        n++;
        nAbove += b.templateMismatch > b.templateThreshold ? 1 : 0;
      }
    }
    System.out.printf("record 208 through the assembler after learning: %d of %d V beats and %d of %d N beats "
        + "above the template threshold%n", vAbove, v, nAbove, n);
    // As the evaluation measures (model-training/README.md): 822 of 824 V beats, 18 N beats.
    assertThat(v).isBetween(815, 824);
    assertThat(vAbove).isGreaterThanOrEqualTo(v - 4);
    assertThat(nAbove).isLessThanOrEqualTo(30);
  }

  /** Sends the record's first channel as 36-sample frames at 360 Hz, then lets the source fall silent. */
  private static List<Beat> send(WfdbRecord r, BeatAssembler assembler) throws Exception {
    float[] lead = r.physical(r.signal("MLII"));
    String id = "mitdb-" + r.header().record();
    var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(assembler),
        SampleFrame::getSourceId, Types.STRING);
    harness.open();
    for (int from = 0; from < lead.length; from += FRAME) {
      List<Float> v = new ArrayList<>();
      for (int i = from; i < Math.min(lead.length, from + FRAME); i++) {
        v.add(lead[i]);
      }
      harness.processElement(new StreamRecord<>(SampleFrame.newBuilder().setSourceId(id).setSequence(from)
          .setEventTimeMillis(START + from * PERIOD_MICROS / 1000).setSamplePeriodMicros(PERIOD_MICROS).setChannels(1)
          .setValues(v).build()));
    }
    // The source falls silent: its last beat is cut too, and all its state (templates too) goes.
    harness.setProcessingTime(TTL.toMillis());
    List<Beat> beats = harness.extractOutputValues();
    assertThat(harness.numKeyedStateEntries()).as("state of the silent source").isZero();
    harness.close();
    return beats;
  }
}

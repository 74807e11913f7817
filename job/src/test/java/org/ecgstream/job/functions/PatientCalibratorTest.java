package org.ecgstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.ecgstream.model.threshold.RobustThreshold;
import org.ecgstream.schemas.BeatScore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PatientCalibratorTest {
  static final Duration LEARNING = Duration.ofSeconds(10);
  static final Duration TTL = Duration.ofSeconds(60);
  private KeyedOneInputStreamOperatorTestHarness<String, BeatScore, BeatScore> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PatientCalibrator(LEARNING, 5, TTL)), BeatScore::getSourceId, Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void score(String id, long endMillis, double loss) throws Exception {
    score(id, endMillis, loss, null, null);
  }

  private void score(String id, long endMillis, double loss, Double mismatch, Double templateThreshold)
      throws Exception {
    harness.processElement(new StreamRecord<>(BeatScore.newBuilder()
        .setTemplateMismatch(mismatch).setTemplateThreshold(templateThreshold).setSourceId(id).setFirstSequence(endMillis)
        .setLastSequence(endMillis + 1).setStartTimeMillis(endMillis - 700).setEndTimeMillis(endMillis).setLoss(loss)
        .setLossMean(loss / 140).setThreshold(44.7).setAnomalous(loss > 44.7).setModelVersion("m")
        .setSegmentErrors(List.of()).setTopSteps(List.of()).setScoringLatencyMicros(1).setThresholdKind("model")
        .build()));
  }

  @Test
  void shouldLearnEachSourcesThresholdFromItsFirstBeatsAndJudgeTheRestByIt() throws Exception {
    // p1's normal beats sit around 100 (far above the model's 44.7), one in three learning beats is ectopic.
    float[] learnt = new float[10];
    for (int i = 0; i < 10; i++) {
      double loss = i % 3 == 0 ? 160 : 100 + i;
      learnt[i] = (float) loss;
      score("p1", i * 1000L, loss);
    }
    score("p2", 0, 30);
    score("p1", 10_000, 112);
    score("p1", 11_000, 200);
    List<BeatScore> out = harness.extractOutputValues();
    assertThat(out.subList(0, 11)).allSatisfy(s -> {
      assertThat(s.getThresholdKind()).isEqualTo("learning");
      assertThat(s.getAnomalous()).as("never flagged while learning").isFalse();
    });
    double threshold = RobustThreshold.of(learnt, 10, 5);
    assertThat(out.get(11).getThreshold()).isEqualTo(threshold);
    assertThat(out.get(11).getThresholdKind()).isEqualTo("patient");
    assertThat(out.get(11).getAnomalous()).isFalse();
    assertThat(out.get(12).getAnomalous()).isTrue();
    assertThat(threshold).isBetween(112.0, 200.0);
  }

  @Test
  void shouldLearnAgainAfterTheSourceFellSilent() throws Exception {
    for (int i = 0; i <= 10; i++) {
      score("p1", i * 1000L, 100);
    }
    assertThat(harness.numKeyedStateEntries()).isPositive();
    harness.setProcessingTime(TTL.toMillis());
    assertThat(harness.numKeyedStateEntries()).as("kept half a TTL longer than the assembler's state").isPositive();
    harness.setProcessingTime(TTL.toMillis() * 3 / 2);
    assertThat(harness.numKeyedStateEntries()).isZero();
    score("p1", 500_000, 100);
    assertThat(harness.extractOutputValues().get(11).getThresholdKind()).isEqualTo("learning");
  }

  @Test
  void shouldFlagABeatWhoseShapeIsFarFromThePatientsOwnEvenWhenItsLossIsNot() throws Exception {
    for (int i = 0; i < 10; i++) {
      score("p1", i * 1000L, 100 + i % 3);
    }
    score("p1", 10_000, 101, 0.05, 0.4);
    score("p1", 11_000, 101, 0.62, 0.4);
    score("p1", 12_000, 900, 0.05, 0.4);
    List<BeatScore> out = harness.extractOutputValues().subList(10, 13);
    assertThat(out).extracting(BeatScore::getThresholdKind).containsOnly("patient");
    assertThat(out).extracting(BeatScore::getAnomalous).containsExactly(false, true, true);
  }
}

package org.ecgstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.model.data.ShippedData;
import org.junit.jupiter.api.Test;

/** When the job judges beats by the model file's classifier: only where it can publish the classifier's verdicts. */
class BeatClassifierChoiceTest {
  private static JobConfig config(String model, String... more) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("model.path", ShippedData.find(Path.of("model-training", "models", model)).toString());
    m.put("beats", "r-peak");
    m.put("calibration.learning-ms", "300000");
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return JobConfig.fromMap(m, name -> null);
  }

  @Test
  void theShippedMitBihModelsClassifierJudgesBeatsCutAroundRPeaksAfterALearningPeriod() {
    var c = EcgAnomalyJob.beatClassifier(config("mitdb-autoencoder.zip"));
    assertThat(c).isNotNull();
    assertThat(c.leads()).as("the shipped model reads one lead, so does its classifier").isEqualTo(1);
    assertThat(c.trainedOn()).hasSize(22).contains("208", "223");
  }

  @Test
  void noClassifierWhenSwitchedOffOrWhereItsVerdictsWouldNotBePublished() {
    assertThat(EcgAnomalyJob.beatClassifier(config("mitdb-autoencoder.zip", "beat-classifier", "off"))).isNull();
    assertThat(EcgAnomalyJob.beatClassifier(config("mitdb-autoencoder.zip", "beats", "fixed-grid"))).isNull();
    assertThat(EcgAnomalyJob.beatClassifier(config("mitdb-autoencoder.zip", "calibration.learning-ms", "0"))).isNull();
    assertThat(EcgAnomalyJob.beatClassifier(config("ecg5000-autoencoder.zip"))).as("a model file without one").isNull();
  }
}

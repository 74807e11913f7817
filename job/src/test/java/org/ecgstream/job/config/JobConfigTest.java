package org.ecgstream.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaultsAreTheDocumentedOnes() {
    JobConfig c = JobConfig.fromArgs();
    assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.samplesTopic()).isEqualTo("ecg.samples");
    assertThat(c.scoresTopic()).isEqualTo("ecg.beat-scores");
    assertThat(c.alertsTopic()).isEqualTo("ecg.alerts");
    assertThat(c.deadLettersTopic()).isEqualTo("ecg.dead-letters");
    assertThat(c.exactlyOnce()).isTrue();
    assertThat(c.alertK()).isEqualTo(3);
    assertThat(c.alertM()).isEqualTo(5);
    assertThat(c.batchMaxSize()).isEqualTo(32);
    assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.asMap().keySet()).containsExactlyElementsOf(JobConfig.DEFAULTS.keySet());
  }

  @Test
  void argumentsOverrideTheFileAndKafkaKeysPassThrough() throws IOException {
    Path file = Files.writeString(dir.resolve("job.properties"),
        "batch.max-size=64\nalert.k=2\nkafka.security.protocol=SASL_SSL\n");
    JobConfig c = JobConfig.fromArgs("--config", file.toString(), "--alert.k", "4");
    assertThat(c.batchMaxSize()).isEqualTo(64);
    assertThat(c.alertK()).isEqualTo(4);
    assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("bootstrap.servers", "localhost:9092");
  }

  @Test
  void secretsComeFromTheEnvironmentAndAreNeverPrinted() {
    JobConfig c = JobConfig.fromMap(Map.of("kafka.sasl.jaas.config", "${env:KAFKA_JAAS}",
        "kafka.ssl.truststore.password", "${env:TRUST_PW}"), Map.of("KAFKA_JAAS", "very-secret-jaas", "TRUST_PW", "pw123")::get);
    assertThat(c.kafkaProperties()).containsEntry("sasl.jaas.config", "very-secret-jaas")
        .containsEntry("ssl.truststore.password", "pw123");
    assertThat(c.toString()).doesNotContain("very-secret-jaas", "pw123").contains("kafka.sasl.jaas.config=****");
    assertThatThrownBy(() -> JobConfig.fromMap(Map.of("kafka.sasl.jaas.config", "${env:MISSING}"), k -> null))
        .hasMessageContaining("environment variable MISSING");
  }

  @Test
  void toolsSettingsReadEnvironmentReferencesToo() {
    assertThat(JobConfig.resolvingEnvironment(Map.of("sasl.jaas.config", "${env:JAAS}", "security.protocol", "SASL_SSL"),
        name -> name.equals("JAAS") ? "x required;" : null))
        .containsEntry("sasl.jaas.config", "x required;").containsEntry("security.protocol", "SASL_SSL");
    assertThatThrownBy(() -> JobConfig.resolvingEnvironment(Map.of("ssl.truststore.password", "${env:NOPE}"), n -> null))
        .hasMessageContaining("environment variable NOPE, which is not set");
  }

  @Test
  void readmeDocumentsEveryKeyWithItsDefault() throws IOException {
    String readme = Files.readString(org.ecgstream.model.data.ShippedData.find(Path.of("README.md")));
    JobConfig.DEFAULTS.forEach((key, value) ->
        assertThat(readme).as("README row of %s", key).contains("| `" + key + "` | `" + value + "` |"));
  }

  @Test
  void badValuesAreClearErrors() {
    assertThatThrownBy(() -> JobConfig.fromArgs("--batch.max-size", "lots")).hasMessageContaining("batch.max-size must be a whole number");
    assertThatThrownBy(() -> JobConfig.fromArgs("--no.such.key", "1")).hasMessageContaining("unknown configuration key 'no.such.key'");
    assertThatThrownBy(() -> JobConfig.fromArgs("--alert.k", "6")).hasMessageContaining("alert.k (6) cannot exceed alert.m (5)");
    assertThatThrownBy(() -> JobConfig.fromArgs("--delivery.guarantee", "maybe")).hasMessageContaining("exactly-once or at-least-once");
    assertThatThrownBy(() -> JobConfig.fromArgs("--beat-classifier", "on"))
        .hasMessage("beat-classifier must be auto or off, got on");
    assertThat(JobConfig.fromArgs("--beat-classifier", "OFF").beatClassifier()).isFalse();
    assertThatThrownBy(() -> JobConfig.fromArgs("--checkpoint.interval.ms")).hasMessageContaining("--key value");
    assertThatThrownBy(() -> JobConfig.fromArgs("--channel.names", "Current,,Pressure"))
        .hasMessage("channel.names must be distinct non-empty names separated by commas, got 'Current,,Pressure'");
    assertThatThrownBy(() -> JobConfig.fromArgs("--channel.names", "Current,Current"))
        .hasMessageContaining("distinct non-empty names");
    assertThat(JobConfig.fromArgs("--channel.names", " Current, Pressure ").channelNames())
        .containsExactly("Current", "Pressure");
    assertThatThrownBy(() -> JobConfig.fromArgs("--source-learning.windows", "5"))
        .hasMessage("source-learning.windows must be 0 (off) or at least 10, got 5");
    assertThatThrownBy(() -> JobConfig.fromArgs("--source-learning.windows", "40", "--calibration.learning-ms", "300000"))
        .hasMessageContaining("both learn each source");
    assertThatThrownBy(() -> JobConfig.fromArgs("--config", dir.resolve("none.properties").toString()))
        .hasMessageContaining("cannot read configuration file");
  }
}

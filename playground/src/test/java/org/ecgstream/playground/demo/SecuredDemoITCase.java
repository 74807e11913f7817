package org.ecgstream.playground.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.ecgstream.model.bundle.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with {@code --secured}: the same pipeline on a broker that takes only TLS + SCRAM
 * logins and enforces ACLs, with the job, the replay and the console as three principals.
 */
class SecuredDemoITCase {
  @Test
  void securedDemoScoresEveryBeatWithThreePrincipals(@TempDir Path dir) throws Exception {
    Path summary = dir.resolve("summary.json");
    DemoConsole run = DemoConsole.run("--secured", "--patients", "3", "--arrhythmic", "1", "--beats", "21", "--pace",
        "max", "--web-ui-port", "0", "--stay", "no", "--summary-json", summary.toString());
    String console = run.output();
    int code = run.exitCode();
    assertThat(code).as(console).isZero();
    assertThat(console).contains("Kafka is secured: the job logs in as ecg-job (read samples, write results), the "
        + "replay as ecg-producer (write samples), this console as ecg-console (read results and dead letters, kept "
        + "without raw bytes)")
        .doesNotContain("bin/ecg tail");
    JsonNode json = ModelFile.json().readTree(summary.toFile());
    assertThat(json.get("beatsScored").asInt()).isEqualTo(63);
  }
}

package org.ecgstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.model.data.ShippedData;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The deployment files parse, carry what they must, and name no version that differs from the pom. */
class DeployFilesTest {
  static final Path ROOT = ShippedData.find(Path.of("docker-compose.yml")).getParent();
  static final List<String> TOPICS = List.of(JobConfig.DEFAULTS.get("topic.samples"), JobConfig.DEFAULTS.get("topic.scores"),
      JobConfig.DEFAULTS.get("topic.alerts"), JobConfig.DEFAULTS.get("topic.dead-letters"));

  static String pomProperty(String name) throws IOException {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertThat(m.find()).as("pom property %s", name).isTrue();
    return m.group(1);
  }

  static String projectVersion() throws IOException {
    Matcher m = Pattern.compile("<artifactId>ecg-anomaly-stream</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String key) {
    return (Map<String, Object>) ((Map<String, Object>) o).get(key);
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeVersionsComeFromDotEnvAndMatchThePom() throws IOException {
    Map<String, String> env = new java.util.HashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve(".env"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    assertThat(env).containsEntry("FLINK_VERSION", pomProperty("flink.version"))
        .containsEntry("KAFKA_VERSION", pomProperty("kafka.version")).containsEntry("JOB_VERSION", projectVersion());
    // The monitoring images have no counterpart in the pom; .env still pins them.
    assertThat(env.get("PROMETHEUS_VERSION")).matches("v\\d+\\.\\d+\\.\\d+");
    assertThat(env.get("GRAFANA_VERSION")).matches("\\d+\\.\\d+\\.\\d+");
    String text = Files.readString(ROOT.resolve("docker-compose.yml"));
    Map<String, Object> compose = new Yaml().load(text);
    Map<String, Object> services = map(compose, "services");
    assertThat(services).containsKeys("kafka", "create-topics", "jobmanager", "taskmanager-1", "taskmanager-2",
        "submit-job", "replay", "checkpoints-permissions", "prometheus", "grafana");
    for (Object s : services.values()) {
      String image = (String) ((Map<String, Object>) s).get("image");
      assertThat(image).matches("(apache/kafka:\\$\\{KAFKA_VERSION}|flink:\\$\\{FLINK_VERSION}-java17"
          + "|prom/prometheus:\\$\\{PROMETHEUS_VERSION}|grafana/grafana:\\$\\{GRAFANA_VERSION})");
    }
    assertThat(text).doesNotContainPattern("image:\\s*\\S*:\\d");
    TOPICS.forEach(t -> assertThat(text).contains(t));
    assertThat(text).contains("ecg-anomaly-job-${JOB_VERSION}.jar", "/models/ecg5000-autoencoder.zip");
    // The model is read where main() runs (the submitting client, the JobManager for the web UI)
    // and where tasks run.
    for (String service : List.of("jobmanager", "taskmanager-1", "taskmanager-2", "submit-job")) {
      assertThat((List<String>) ((Map<String, Object>) services.get(service)).get("volumes")).as(service)
          .contains("./model-training/models:/models:ro");
    }
  }

  @Test
  void localClusterScriptTakesEveryVersionFromTheBuild() throws IOException {
    String script = Files.readString(ROOT.resolve("deploy/local/cluster.sh"));
    assertThat(script).as("versions come from .env and the Maven-built classpaths")
        .doesNotContainPattern("\\b\\d+\\.\\d+\\.\\d+\\b");
    assertThat(script).contains("JOB_VERSION=", "flink-lib/target/lib", "kafka-libs/target/lib");
    for (String module : List.of("deploy/local/flink-lib/pom.xml", "deploy/local/kafka-libs/pom.xml", "deploy/local/pom.xml")) {
      Matcher v = Pattern.compile("<version>([^<]+)</version>").matcher(Files.readString(ROOT.resolve(module)));
      while (v.find()) {
        assertThat(v.group(1)).as(module).matches("\\$\\{[a-z0-9.]+}|" + Pattern.quote(projectVersion()));
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesManifestsHaveTheRequiredFieldsAndThePomsVersions() throws IOException {
    String flink = pomProperty("flink.version");
    List<Object> docs = new ArrayList<>();
    for (String f : List.of("flink-deployment.yaml", "kafka.yaml")) {
      new Yaml().loadAll(Files.readString(ROOT.resolve("deploy/k8s/" + f))).forEach(docs::add);
    }
    Map<String, Object> deployment = (Map<String, Object>) docs.stream()
        .filter(d -> "FlinkDeployment".equals(((Map<String, Object>) d).get("kind"))).findFirst().orElseThrow();
    Map<String, Object> spec = map(deployment, "spec");
    String[] mm = flink.split("\\.");
    assertThat(spec.get("flinkVersion")).isEqualTo("v" + mm[0] + "_" + mm[1]);
    assertThat(spec.get("image")).isEqualTo("ecg-anomaly-job:" + projectVersion());
    assertThat(map(spec, "job")).containsEntry("jarURI", "local:///opt/flink/usrlib/ecg-anomaly-job.jar")
        .containsEntry("entryClass", "org.ecgstream.job.EcgAnomalyJob").containsEntry("upgradeMode", "savepoint");
    assertThat(map(spec, "flinkConfiguration")).containsKeys("execution.checkpointing.dir", "restart-strategy.type",
        "taskmanager.memory.task.off-heap.size");
    assertThat(map(map(spec, "taskManager"), "resource")).containsKeys("memory", "cpu");

    Map<String, Object> kafka = (Map<String, Object>) docs.stream()
        .filter(d -> "Kafka".equals(((Map<String, Object>) d).get("kind"))).findFirst().orElseThrow();
    assertThat(map(map(kafka, "spec"), "kafka").get("version")).isEqualTo(pomProperty("kafka.version"));
    List<String> topics = docs.stream().filter(d -> "KafkaTopic".equals(((Map<String, Object>) d).get("kind")))
        .map(d -> (String) map(d, "metadata").get("name")).toList();
    assertThat(topics).containsExactlyInAnyOrderElementsOf(TOPICS);

    String dockerfile = Files.readString(ROOT.resolve("deploy/k8s/Dockerfile"));
    assertThat(dockerfile).contains("FROM flink:" + flink + "-java17", "ecg-anomaly-job-" + projectVersion() + ".jar");
  }
}

package org.ecgstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecgstream.deploy.DeployFilesTest.ROOT;
import static org.ecgstream.deploy.DeployFilesTest.map;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml starts as it is: the checkpoint volume is made the flink user's before Flink
 * starts, FLINK_PROPERTIES holds only settings, every Flink process serves Prometheus metrics that
 * the compose Prometheus scrapes and Grafana shows, and Kafka is reachable from the host.
 * (No Docker engine runs here: these read the files as compose and the images would.)
 */
class DeployFilesComposeTest {
  private static final String REPORTER = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
  private static Map<String, Object> services;

  @BeforeAll
  static void load() throws IOException {
    services = map(new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"))), "services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) {
    assertThat(services).as("compose services").containsKey(name);
    return (Map<String, Object>) services.get(name);
  }

  @SuppressWarnings("unchecked")
  private static List<String> list(Map<String, Object> service, String key) {
    Object value = service.get(key);
    return value == null ? List.of() : (List<String>) value;
  }

  /** The JobManager and TaskManager services: those started with the image's cluster commands. */
  private static Set<String> flinkProcesses() {
    Set<String> names = new TreeSet<>();
    services.forEach((name, s) -> {
      Object command = ((Map<?, ?>) s).get("command");
      if ("jobmanager".equals(command) || "taskmanager".equals(command)) {
        names.add(name);
      }
    });
    return names;
  }

  /** FLINK_PROPERTIES as the image's entrypoint reads it: each line split at its first ':'. */
  private static Map<String, String> flinkProperties(String service) {
    String block = (String) map(service(service), "environment").get("FLINK_PROPERTIES");
    assertThat(block).as("%s sets FLINK_PROPERTIES", service).isNotNull();
    Map<String, String> properties = new LinkedHashMap<>();
    for (String line : block.strip().split("\n", -1)) {
      assertThat(line).as("a line of %s's FLINK_PROPERTIES", service).isNotBlank().doesNotStartWith("#")
          .contains(":");
      // The same line as YAML must be one key with a plain value: what Flink's config.yaml would hold.
      Map<String, Object> asYaml = new Yaml().load(line);
      assertThat(asYaml).as(line).hasSize(1);
      String key = line.substring(0, line.indexOf(':')).strip();
      assertThat(asYaml).as(line).containsKey(key);
      assertThat(asYaml.get(key)).as(line).isNotNull().isNotInstanceOf(Map.class).isNotInstanceOf(List.class);
      assertThat(properties.put(key, line.substring(line.indexOf(':') + 1).strip())).as("%s set twice", key).isNull();
    }
    return properties;
  }

  @Test
  void checkpointVolumeIsHandedToTheFlinkUserBeforeFlinkStarts() {
    Map<String, Object> init = service("checkpoints-permissions");
    assertThat(init.get("image")).isEqualTo("flink:${FLINK_VERSION}-java17");
    assertThat(init.get("user")).isEqualTo("root");
    assertThat(list(init, "entrypoint")).containsExactly("chown", "-R", "flink:flink", "/checkpoints");
    assertThat(list(init, "volumes")).containsExactly("checkpoints:/checkpoints");
    Set<String> mounting = new TreeSet<>();
    services.forEach((name, s) -> {
      if (!name.equals("checkpoints-permissions") && list(service(name), "volumes").contains("checkpoints:/checkpoints")) {
        mounting.add(name);
        assertThat(map(map(s, "depends_on"), "checkpoints-permissions")).as(name)
            .containsEntry("condition", "service_completed_successfully");
        assertThat(flinkProperties(name)).as(name).containsEntry("execution.checkpointing.dir", "file:///checkpoints");
      }
    });
    assertThat(mounting).isEqualTo(flinkProcesses());
  }

  @Test
  void flinkPropertiesHoldOnlySettings() {
    assertThat(flinkProcesses()).containsExactly("jobmanager", "taskmanager-1", "taskmanager-2");
    for (String name : flinkProcesses()) {
      assertThat(flinkProperties(name)).as(name).containsEntry("jobmanager.rpc.address", "jobmanager")
          .containsEntry("taskmanager.memory.task.off-heap.size", "1g");
    }
  }

  @Test
  void everyFlinkProcessServesPrometheusMetricsThatPrometheusScrapes() throws IOException {
    Set<String> expected = new TreeSet<>();
    for (String name : flinkProcesses()) {
      Map<String, String> properties = flinkProperties(name);
      assertThat(properties).as(name).containsEntry("metrics.reporter.prom.factory.class", REPORTER);
      String port = properties.get("metrics.reporter.prom.port");
      assertThat(port).as(name).matches("\\d+");
      expected.add(name + ":" + port);
      // The reporter ships in the image's plugins/ already; ENABLE_BUILT_IN_PLUGINS would link
      // from opt/ and the entrypoint exits when the jar is not there.
      assertThat(map(service(name), "environment")).as(name).doesNotContainKey("ENABLE_BUILT_IN_PLUGINS");
    }
    assertThat(list(service("prometheus"), "volumes"))
        .contains("./deploy/compose/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    Map<String, Object> config = new Yaml().load(Files.readString(ROOT.resolve("deploy/compose/prometheus.yml")));
    Set<String> targets = new TreeSet<>();
    for (Object job : (List<?>) config.get("scrape_configs")) {
      for (Object staticConfig : (List<?>) ((Map<?, ?>) job).get("static_configs")) {
        for (Object target : (List<?>) ((Map<?, ?>) staticConfig).get("targets")) {
          targets.add((String) target);
        }
      }
    }
    assertThat(targets).isEqualTo(expected);
  }

  @Test
  @SuppressWarnings("unchecked")
  void grafanaProvisionsTheDashboardOnTheComposePrometheus() throws IOException {
    List<String> volumes = list(service("grafana"), "volumes");
    assertThat(volumes).contains("./deploy/compose/grafana/provisioning:/etc/grafana/provisioning:ro");
    Map<String, Object> datasources = new Yaml().load(Files.readString(
        ROOT.resolve("deploy/compose/grafana/provisioning/datasources/prometheus.yml")));
    List<Map<String, Object>> sources = (List<Map<String, Object>>) datasources.get("datasources");
    assertThat(sources).hasSize(1);
    Map<String, Object> prometheus = sources.get(0);
    assertThat(prometheus).containsEntry("type", "prometheus").containsEntry("isDefault", true)
        .containsEntry("url", "http://prometheus:9090");
    assertThat(list(service("prometheus"), "ports")).contains("9090:9090");

    Map<String, Object> providers = new Yaml().load(Files.readString(
        ROOT.resolve("deploy/compose/grafana/provisioning/dashboards/ecg.yml")));
    Map<String, Object> provider = ((List<Map<String, Object>>) providers.get("providers")).get(0);
    assertThat(provider).containsEntry("type", "file");
    assertThat(volumes).contains("./deploy/grafana:" + map(provider, "options").get("path") + ":ro");

    // The dashboard names no data source itself: its panels use the variable, and the variable
    // offers the data sources of the provisioned one's type, the default one first.
    Map<String, Object> dashboard = new ObjectMapper().readValue(
        ROOT.resolve("deploy/grafana/ecg-anomaly-stream.json").toFile(), Map.class);
    Map<String, Object> variable = ((List<Map<String, Object>>) map(dashboard, "templating").get("list")).stream()
        .filter(v -> "datasource".equals(v.get("type"))).findFirst().orElseThrow();
    assertThat(variable).containsEntry("query", prometheus.get("type"));
    List<Map<String, Object>> panels = (List<Map<String, Object>>) dashboard.get("panels");
    assertThat(panels).isNotEmpty();
    for (Map<String, Object> panel : panels) {
      assertThat(map(panel, "datasource")).as("panel %s", panel.get("title"))
          .containsEntry("type", prometheus.get("type")).containsEntry("uid", "${" + variable.get("name") + "}");
    }
  }

  @Test
  void kafkaAdvertisesAHostListenerBesideTheNetworkOne() {
    Map<String, Object> kafka = service("kafka");
    Map<String, Object> env = map(kafka, "environment");
    assertThat(env).containsKeys("KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
        "KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_INTER_BROKER_LISTENER_NAME");
    Map<String, String> listeners = addresses((String) env.get("KAFKA_LISTENERS"));
    Map<String, String> advertised = addresses((String) env.get("KAFKA_ADVERTISED_LISTENERS"));
    Map<String, String> protocols = new HashMap<>();
    for (String entry : ((String) env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).split(",")) {
      protocols.put(entry.split(":")[0], entry.split(":")[1]);
    }
    assertThat(protocols).containsOnlyKeys(listeners.keySet());
    String controller = (String) env.get("KAFKA_CONTROLLER_LISTENER_NAMES");
    assertThat(listeners).containsKey(controller);
    assertThat(advertised).doesNotContainKey(controller);
    assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo("1@kafka" + listeners.get(controller));

    // Containers bootstrap from kafka:9092, which the inter-broker listener advertises.
    String internal = (String) env.get("KAFKA_INTER_BROKER_LISTENER_NAME");
    assertThat(advertised).containsEntry(internal, "kafka:9092");
    assertThat(listeners).containsEntry(internal, ":9092");
    assertThat(service("create-topics").get("command").toString()).contains("--bootstrap-server kafka:9092");
    assertThat(service("submit-job").get("command").toString()).contains("--bootstrap.servers kafka:9092");
    assertThat(service("replay").get("command").toString()).contains("--bootstrap-servers kafka:9092");

    // The host's clients reach the broker on localhost at the published port it advertises.
    String host = advertised.entrySet().stream().filter(e -> e.getValue().startsWith("localhost:"))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    String port = advertised.get(host).substring("localhost:".length());
    assertThat(listeners).containsEntry(host, ":" + port);
    assertThat(list(kafka, "ports")).contains(port + ":" + port);
  }

  /** "NAME://host:port,..." as NAME to "host:port". */
  private static Map<String, String> addresses(String listeners) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String listener : listeners.split(",")) {
      int sep = listener.indexOf("://");
      byName.put(listener.substring(0, sep), listener.substring(sep + 3));
    }
    return byName;
  }
}

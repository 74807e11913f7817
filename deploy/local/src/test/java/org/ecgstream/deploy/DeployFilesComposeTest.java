package org.ecgstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecgstream.deploy.DeployFilesTest.ROOT;
import static org.ecgstream.deploy.DeployFilesTest.map;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
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
 * the compose Prometheus scrapes and Grafana shows, Kafka is reachable from the host, and a failing
 * job is restarted a bounded number of times. With deploy/compose/secured.yml over it, Kafka takes
 * only TLS clients that log in, with ACLs, and every client connects so, its secrets read from the
 * kafka-secrets volume. (No Docker engine runs here: these read the files as compose and the images
 * would, merging the override the way compose merges the fields it uses.)
 */
class DeployFilesComposeTest {
  private static final String REPORTER = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
  private static final String SECURED = "deploy/compose/secured.yml";
  private static Map<String, Object> services;
  private static Map<String, Object> override;
  /** docker-compose.yml with deploy/compose/secured.yml merged over it. */
  private static Map<String, Object> secured;

  @BeforeAll
  static void load() throws IOException {
    services = map(new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"))), "services");
    override = new Yaml().load(Files.readString(ROOT.resolve(SECURED)));
    secured = merge(new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"))), override);
  }

  /**
   * Compose's merge of an override file, for the fields these files use: environment, depends_on
   * and healthcheck merge key by key, volumes by their container path, anything else is replaced.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> all = new LinkedHashMap<>(map(base, "services"));
    map(over, "services").forEach((name, o) -> {
      Map<String, Object> into = new LinkedHashMap<>((Map<String, Object>) all.getOrDefault(name, Map.of()));
      ((Map<String, Object>) o).forEach((key, value) -> {
        if (Set.of("environment", "depends_on", "healthcheck").contains(key) && into.get(key) instanceof Map<?, ?> m) {
          Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) m);
          merged.putAll((Map<String, Object>) value);
          into.put(key, merged);
        } else if (key.equals("volumes") && into.get(key) instanceof List<?> l) {
          Map<String, String> byTarget = new LinkedHashMap<>();
          for (Object v : l) {
            byTarget.put(((String) v).split(":")[1], (String) v);
          }
          for (Object v : (List<Object>) value) {
            byTarget.put(((String) v).split(":")[1], (String) v);
          }
          into.put(key, new ArrayList<>(byTarget.values()));
        } else {
          into.put(key, value);
        }
      });
      all.put(name, into);
    });
    return all;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> securedService(String name) {
    assertThat(secured).as("secured compose services").containsKey(name);
    return (Map<String, Object>) secured.get(name);
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

  @Test
  void theJobRestartsABoundedNumberOfTimes() {
    for (String name : flinkProcesses()) {
      assertThat(DeployFilesSecurityTest.restartProblems(name, flinkProperties(name))).isEmpty();
    }
  }

  @Test
  void plaintextIsTheDefaultAndSaysSo() throws IOException {
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
    assertThat(compose).contains("plaintext", SECURED);
    Map<String, Object> env = map(service("kafka"), "environment");
    assertThat((String) env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).contains("PLAINTEXT");
  }

  @Test
  void theSecuredOverrideOnlyAddsItsSecretsServiceAndUsesTheSameImages() {
    Set<String> added = new TreeSet<>(map(override, "services").keySet());
    added.removeAll(services.keySet());
    assertThat(added).containsExactly("kafka-secrets");
    assertThat(securedService("kafka-secrets")).containsEntry("image", service("kafka").get("image"))
        .containsEntry("user", "root");
    assertThat(map(override, "volumes")).containsOnlyKeys("kafka-secrets");
    map(override, "services").forEach((name, s) -> assertThat(((Map<?, ?>) s).get("image")).as(name)
        .satisfiesAnyOf(image -> assertThat(image).isNull(), image -> assertThat(image).isEqualTo(service("kafka").get("image"))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void securedKafkaTakesOnlyTlsClientsThatLogInAndEnforcesAcls() {
    Map<String, Object> kafka = securedService("kafka");
    Map<String, Object> env = map(kafka, "environment");
    Map<String, String> listeners = addresses((String) env.get("KAFKA_LISTENERS"));
    Map<String, String> advertised = addresses((String) env.get("KAFKA_ADVERTISED_LISTENERS"));
    Map<String, String> protocols = new HashMap<>();
    for (String entry : ((String) env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).split(",")) {
      protocols.put(entry.split(":")[0], entry.split(":")[1]);
    }
    assertThat(protocols).containsOnlyKeys(listeners.keySet());
    String controller = (String) env.get("KAFKA_CONTROLLER_LISTENER_NAMES");
    // Clients: TLS and a login on every listener they can reach.
    protocols.forEach((name, protocol) -> assertThat(protocol).as(name).isEqualTo(name.equals(controller) ? "SSL" : "SASL_SSL"));
    // The controller: TLS with the broker's own certificate, never advertised to clients.
    assertThat(env).containsEntry("KAFKA_LISTENER_NAME_" + controller + "_SSL_CLIENT_AUTH", "required");
    assertThat(advertised).doesNotContainKey(controller);
    assertThat(env).containsEntry("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512")
        .containsEntry("KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL", "SCRAM-SHA-512")
        .containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
        .containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false")
        .containsEntry("KAFKA_SUPER_USERS", "User:admin;User:CN=ecg-broker");
    // Still: containers on kafka:9092, the host on the published localhost:9094.
    String internal = (String) env.get("KAFKA_INTER_BROKER_LISTENER_NAME");
    assertThat(advertised).containsEntry(internal, "kafka:9092");
    assertThat(listeners).containsEntry(internal, ":9092");
    String host = advertised.entrySet().stream().filter(e -> e.getValue().startsWith("localhost:"))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    String port = advertised.get(host).substring("localhost:".length());
    assertThat(listeners).containsEntry(host, ":" + port);
    assertThat(list(kafka, "ports")).contains(port + ":" + port);

    // The broker starts from the secrets, after they are made; its health check logs in as admin.
    assertThat(map(map(kafka, "depends_on"), "kafka-secrets")).containsEntry("condition", "service_completed_successfully");
    assertThat(list(kafka, "entrypoint")).containsExactly("/bin/bash", "/secured/kafka-start.sh");
    assertThat((List<String>) map(kafka, "healthcheck").get("test"))
        .containsSubsequence("--bootstrap-server", "kafka:9092", "--command-config", "/secrets/users/admin/client.properties");
  }

  @Test
  void securedClientsLogInWithSecretsFromTheVolumeOnly() throws IOException {
    String text = Files.readString(ROOT.resolve(SECURED));
    // A $ that compose would interpolate: ${env:...} and $(...) must reach the shell as $$.
    assertThat(text.lines().filter(l -> !l.strip().startsWith("#")))
        .noneMatch(l -> l.matches(".*(?<!\\$)\\$(\\{env:|\\().*"));
    assertThat(text).doesNotContainPattern("(?i)password[=:]\\s*[\"']?[A-Za-z0-9]{6,}");

    // Only the secrets service writes the volume; every Kafka client reads it.
    secured.forEach((name, s) -> {
      for (String v : list(securedService(name), "volumes")) {
        if (v.startsWith("kafka-secrets:")) {
          assertThat(v).as(name).isEqualTo(name.equals("kafka-secrets") ? "kafka-secrets:/secrets" : "kafka-secrets:/secrets:ro");
        }
      }
    });
    for (String name : List.of("kafka", "create-topics", "jobmanager", "taskmanager-1", "taskmanager-2", "submit-job", "replay")) {
      assertThat(list(securedService(name), "volumes")).as(name).contains("kafka-secrets:/secrets:ro");
    }

    // The job as ecg-job: SASL_SSL, SCRAM, its secrets named as ${env:...} and read from the volume.
    String submit = String.join(" ", list(securedService("submit-job"), "command")).replace("$$", "$");
    assertThat(submit).contains("--bootstrap.servers kafka:9092", "--kafka.security.protocol SASL_SSL",
        "--kafka.sasl.mechanism SCRAM-SHA-512", "--kafka.sasl.jaas.config '${env:KAFKA_SASL_JAAS}'",
        "--kafka.ssl.truststore.type PKCS12", "--kafka.ssl.truststore.location /secrets/ca/ca.p12",
        "--kafka.ssl.truststore.password '${env:KAFKA_TRUSTSTORE_PASSWORD}'",
        "KAFKA_SASL_JAAS=\"$(cat /secrets/users/ecg-job/sasl.jaas.config)\"",
        "KAFKA_TRUSTSTORE_PASSWORD=\"$(cat /secrets/ca/ca.password)\"", "exec flink run");
    // The replay as ecg-producer, from its @FILE of --kafka options.
    assertThat(securedService("replay").get("command").toString())
        .contains("--bootstrap-servers kafka:9092", "@/secrets/users/ecg-producer/client.args");
    assertThat(list(securedService("create-topics"), "command")).containsExactly("exec /bin/bash /secured/topics-and-acls.sh");
  }

  @Test
  void everyScriptTheSecuredServicesRunIsMountedWhereTheyRunIt() {
    secured.forEach((name, s) -> {
      String run = String.valueOf(securedService(name).get("entrypoint")) + securedService(name).get("command");
      java.util.regex.Matcher script = java.util.regex.Pattern.compile("/secured/([a-z-]+\\.sh)").matcher(run);
      while (script.find()) {
        assertThat(list(securedService(name), "volumes")).as(name).contains("./deploy/compose/secured:/secured:ro");
        assertThat(ROOT.resolve("deploy/compose/secured").resolve(script.group(1))).as(name).isRegularFile();
      }
    });
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

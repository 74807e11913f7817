package org.ecgstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ecgstream.deploy.DeployFilesTest.ROOT;
import static org.ecgstream.deploy.DeployFilesTest.map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests against the schemas their operators publish: Strimzi's v1 CRDs (from
 * Strimzi's api test-jar), the Flink Kubernetes Operator's FlinkDeployment CRD (from its api jar),
 * and fabric8's typed model for the core objects. Each check is also shown to refuse a wrong
 * document, so that a validator accepting everything cannot pass.
 */
class DeployFilesSchemaTest {
  private static final String STRIMZI_CRDS = "crds/v1/";
  private static final Map<String, String> STRIMZI_CRD_FILES = Map.of("Kafka", "040-Crd-kafka.yaml",
      "KafkaNodePool", "045-Crd-kafkanodepool.yaml", "KafkaTopic", "043-Crd-kafkatopic.yaml",
      "KafkaUser", "044-Crd-kafkauser.yaml");
  private static final String FLINK_CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

  static List<Map<String, Object>> documents(String file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(ROOT.resolve("deploy/k8s/" + file)))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) doc;
      docs.add(map);
    }
    return docs;
  }

  static Map<String, Object> only(String file) throws IOException {
    List<Map<String, Object>> docs = documents(file);
    assertThat(docs).as(file).hasSize(1);
    return docs.get(0);
  }

  static Map<String, Object> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow();
  }

  private static CrdSchema strimzi(String kind) {
    return CrdSchema.load(STRIMZI_CRDS + STRIMZI_CRD_FILES.get(kind), "v1");
  }

  /**
   * The FlinkDeployment schema, with one amendment: the operator api used here (1.10.0, the newest
   * this project's build could fetch) lists Flink versions up to v1_20, as operator 1.10
   * did; the project's Flink version (the pom's) is added to that enum and nothing else changes.
   */
  private static CrdSchema flinkDeployment() throws IOException {
    CrdSchema schema = CrdSchema.load(FLINK_CRD, "v1beta1");
    String[] flink = DeployFilesTest.pomProperty("flink.version").split("\\.");
    String version = "v" + flink[0] + "_" + flink[1];
    ArrayNode versions = (ArrayNode) schema.at("/properties/spec/properties/flinkVersion").get("enum");
    List<String> listed = new ArrayList<>();
    versions.forEach(v -> listed.add(v.asText()));
    assertThat(listed).as("remove this amendment once the operator api lists %s", version)
        .contains("v1_20").doesNotContain(version);
    versions.add(version);
    return schema;
  }

  @Test
  void strimziResourcesAreValidUnderTheV1Schemas() throws IOException {
    List<Map<String, Object>> docs = documents("kafka.yaml");
    assertThat(docs).extracting(d -> d.get("kind"))
        .containsExactly("KafkaNodePool", "Kafka", "KafkaTopic", "KafkaTopic", "KafkaTopic", "KafkaTopic");
    for (Map<String, Object> doc : docs) {
      assertThat(strimzi((String) doc.get("kind")).errors(doc)).as("%s %s", doc.get("kind"), map(doc, "metadata"))
          .isEmpty();
    }
    // Under v1 the node pool is the only place for replicas and storage; the KRaft and node-pool
    // annotations are ignored since Strimzi 0.48, so none are kept that could suggest otherwise.
    Map<String, Object> kafka = ofKind(docs, "Kafka");
    assertThat(map(kafka, "metadata")).doesNotContainKey("annotations");
    Map<String, Object> pool = ofKind(docs, "KafkaNodePool");
    assertThat(map(map(pool, "metadata"), "labels")).containsEntry("strimzi.io/cluster", map(kafka, "metadata").get("name"));
  }

  @Test
  void strimziV1SchemaRefusesWhatV1RemovedAndWhatNoVersionHas() throws IOException {
    List<Map<String, Object>> docs = documents("kafka.yaml");
    Map<String, Object> kafka = ofKind(docs, "Kafka");
    CrdSchema schema = strimzi("Kafka");

    Map<String, Object> withReplicas = copy(kafka);
    map(map(withReplicas, "spec"), "kafka").put("replicas", 3);
    assertThat(schema.errors(withReplicas)).anyMatch(e -> e.contains("replicas"));

    Map<String, Object> withSeconds = copy(kafka);
    map(map(map(withSeconds, "spec"), "entityOperator"), "topicOperator").put("reconciliationIntervalSeconds", 60);
    assertThat(schema.errors(withSeconds)).anyMatch(e -> e.contains("reconciliationIntervalSeconds"));

    Map<String, Object> asV1beta2 = copy(kafka);
    asV1beta2.put("apiVersion", "kafka.strimzi.io/v1beta2");
    assertThat(schema.errors(asV1beta2)).anyMatch(e -> e.contains("kafka.strimzi.io/v1beta2"));

    Map<String, Object> topic = copy(ofKind(docs, "KafkaTopic"));
    map(topic, "spec").put("partitons", 3);
    assertThat(strimzi("KafkaTopic").errors(topic)).anyMatch(e -> e.contains("partitons"));

    Map<String, Object> pool = copy(ofKind(docs, "KafkaNodePool"));
    map(pool, "spec").remove("storage");
    assertThat(strimzi("KafkaNodePool").errors(pool)).anyMatch(e -> e.contains("storage"));
  }

  @Test
  void kafkaUsersAreValidUnderTheV1SchemaAndBelongToTheCluster() throws IOException {
    List<Map<String, Object>> users = documents("kafka-users.yaml");
    assertThat(users).extracting(d -> map(d, "metadata").get("name"))
        .containsExactly("ecg-job", "ecg-producer", "ecg-reader");
    Object cluster = map(ofKind(documents("kafka.yaml"), "Kafka"), "metadata").get("name");
    CrdSchema schema = strimzi("KafkaUser");
    for (Map<String, Object> user : users) {
      assertThat(schema.errors(user)).as("KafkaUser %s", map(user, "metadata").get("name")).isEmpty();
      // The User Operator only manages users labelled with its cluster.
      assertThat(map(map(user, "metadata"), "labels")).containsEntry("strimzi.io/cluster", cluster);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void kafkaUserV1SchemaRefusesTheRemovedSingleOperationAndUnknownResourceTypes() throws IOException {
    Map<String, Object> user = documents("kafka-users.yaml").get(0);
    CrdSchema schema = strimzi("KafkaUser");

    // v1beta2's `operation: Read` is gone under v1: only the `operations` list remains.
    Map<String, Object> singular = copy(user);
    Map<String, Object> acl = ((List<Map<String, Object>>) map(map(singular, "spec"), "authorization").get("acls")).get(0);
    acl.put("operation", acl.remove("operations").toString());
    assertThat(schema.errors(singular)).anyMatch(e -> e.contains("operation"));

    Map<String, Object> badType = copy(user);
    Map<String, Object> resource = map(((List<Map<String, Object>>) map(map(badType, "spec"), "authorization")
        .get("acls")).get(0), "resource");
    resource.put("type", "topics");
    assertThat(schema.errors(badType)).anyMatch(e -> e.contains("resource.type"));

    Map<String, Object> badOperation = copy(user);
    ((List<Map<String, Object>>) map(map(badOperation, "spec"), "authorization").get("acls")).get(0)
        .put("operations", List.of("read"));
    assertThat(schema.errors(badOperation)).anyMatch(e -> e.contains("operations[0]"));
  }

  @Test
  void flinkDeploymentIsValidUnderTheOperatorSchema() throws IOException {
    Map<String, Object> deployment = only("flink-deployment.yaml");
    assertThat(flinkDeployment().errors(deployment)).isEmpty();
  }

  @Test
  void flinkDeploymentSchemaRefusesUnknownAndMistypedFields() throws IOException {
    Map<String, Object> deployment = only("flink-deployment.yaml");
    CrdSchema schema = flinkDeployment();

    Map<String, Object> misspelt = copy(deployment);
    map(misspelt, "spec").put("jobManger", Map.of("replicas", 1));
    assertThat(schema.errors(misspelt)).anyMatch(e -> e.contains("jobManger"));

    // flinkConfiguration maps strings to strings: an unquoted number is refused.
    Map<String, Object> unquoted = copy(deployment);
    map(map(unquoted, "spec"), "flinkConfiguration").put("taskmanager.numberOfTaskSlots", 1);
    assertThat(schema.errors(unquoted)).anyMatch(e -> e.contains("taskmanager.numberOfTaskSlots"));

    Map<String, Object> badVolume = copy(deployment);
    mainContainer(badVolume).put("volumeMount", List.of());
    assertThat(schema.errors(badVolume)).anyMatch(e -> e.contains("volumeMount"));

    Map<String, Object> badVersion = copy(deployment);
    map(badVersion, "spec").put("flinkVersion", "v9_9");
    assertThat(schema.errors(badVersion)).anyMatch(e -> e.contains("flinkVersion"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void flinkStateLivesOnTheSharedClaimWithoutCloudCredentials() throws IOException {
    Map<String, Object> deployment = only("flink-deployment.yaml");
    PersistentVolumeClaim claim = StrictKubernetesModel.read(only("flink-storage.yaml"), PersistentVolumeClaim.class);
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage");

    Map<String, Object> podSpec = map(map(map(deployment, "spec"), "podTemplate"), "spec");
    assertThat(podSpec).containsKey("volumes");
    assertThat(mainContainer(deployment)).containsKey("volumeMounts");
    Map<String, Object> volume = ((List<Map<String, Object>>) podSpec.get("volumes")).stream()
        .filter(v -> v.containsKey("persistentVolumeClaim")).findFirst().orElseThrow();
    assertThat(map(volume, "persistentVolumeClaim")).containsEntry("claimName", claim.getMetadata().getName());
    Map<String, Object> mount = ((List<Map<String, Object>>) mainContainer(deployment).get("volumeMounts")).stream()
        .filter(m -> volume.get("name").equals(m.get("name"))).findFirst().orElseThrow();
    String dir = "file://" + mount.get("mountPath") + "/";
    assertThat(map(map(deployment, "spec"), "flinkConfiguration"))
        .hasEntrySatisfying("execution.checkpointing.dir", v -> assertThat((String) v).startsWith(dir))
        .hasEntrySatisfying("execution.checkpointing.savepoint-dir", v -> assertThat((String) v).startsWith(dir))
        .hasEntrySatisfying("high-availability.storageDir", v -> assertThat((String) v).startsWith(dir))
        .allSatisfy((k, v) -> assertThat(String.valueOf(v)).as(k).doesNotStartWith("s3"));
    // The volume starts out root-owned; the image runs Flink as gid 9999.
    assertThat(map(podSpec, "securityContext")).containsEntry("fsGroup", 9999);
  }

  @Test
  void flinkDeploymentServesPrometheusMetricsWherePrometheusLooks() throws IOException {
    Map<String, Object> deployment = only("flink-deployment.yaml");
    Map<String, Object> configuration = map(map(deployment, "spec"), "flinkConfiguration");
    assertThat(configuration).containsEntry("metrics.reporter.prom.factory.class",
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    Object port = configuration.get("metrics.reporter.prom.port");
    Map<String, Object> annotations = map(map(map(map(deployment, "spec"), "podTemplate"), "metadata"), "annotations");
    assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", port);
    assertThat(mainContainer(deployment).get("ports"))
        .isEqualTo(List.of(Map.of("name", "metrics", "containerPort", Integer.parseInt((String) port))));
  }

  @Test
  void coreObjectsAreValidAndEveryResourceIsInTheNamespace() throws IOException {
    Namespace namespace = StrictKubernetesModel.read(only("namespace.yaml"), Namespace.class);
    assertThat(namespace.getKind()).isEqualTo("Namespace");
    assertThat(namespace.getApiVersion()).isEqualTo("v1");
    assertThat(namespace.getMetadata().getNamespace()).isNull();
    for (String file : List.of("kafka.yaml", "kafka-users.yaml", "flink-deployment.yaml", "flink-storage.yaml")) {
      for (Map<String, Object> doc : documents(file)) {
        assertThat(map(doc, "metadata")).as(file).containsEntry("namespace", namespace.getMetadata().getName());
      }
    }
    Map<String, Object> claim = only("flink-storage.yaml");
    assertThat(claim).containsEntry("apiVersion", "v1").containsEntry("kind", "PersistentVolumeClaim");

    Map<String, Object> misspelt = copy(claim);
    map(misspelt, "spec").put("accesModes", List.of("ReadWriteMany"));
    assertThatThrownBy(() -> StrictKubernetesModel.read(misspelt, PersistentVolumeClaim.class))
        .hasMessageContaining("accesModes");
    Map<String, Object> mistyped = copy(claim);
    map(mistyped, "spec").put("accessModes", "ReadWriteMany");
    assertThatThrownBy(() -> StrictKubernetesModel.read(mistyped, PersistentVolumeClaim.class))
        .hasMessageContaining("accessModes");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> mainContainer(Map<String, Object> deployment) {
    List<Map<String, Object>> containers =
        (List<Map<String, Object>>) map(map(map(deployment, "spec"), "podTemplate"), "spec").get("containers");
    return containers.stream().filter(c -> "flink-main-container".equals(c.get("name"))).findFirst().orElseThrow();
  }

  /** A deep, mutable copy of a YAML document, to spoil without touching the original. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> copy(Map<String, Object> document) {
    Yaml yaml = new Yaml();
    return (Map<String, Object>) yaml.load(yaml.dump(document));
  }
}

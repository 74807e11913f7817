package org.ecgstream.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ecgstream.deploy.DeployFilesSecurityTest;
import org.ecgstream.deploy.DeployFilesSecurityTest.Acl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code SECURED=1 cluster.sh start}, and what it promises: Kafka takes only TLS clients that log
 * in with the right password, each principal holds exactly the ACLs of deploy/k8s/kafka-users.yaml,
 * the secrets stay owner-only under CLUSTER_HOME, and the pipeline runs on it: the job submitted by
 * the script (as ecg-job) scores what the script's replay (as ecg-producer) sent, which ecg-reader
 * reads, and nothing else.
 */
class LocalClusterSecuredITCase {
  private static ClusterScript script;
  private static Path security;

  @BeforeAll
  static void startCluster() throws IOException {
    Path home = Path.of(System.getProperty("cluster.home") + "-secured");
    if (Files.exists(home)) {
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    script = new ClusterScript(Path.of(System.getProperty("local.cluster.script")), home,
        Map.of("SECURED", "1", "TASKMANAGERS", "1"));
    security = home.resolve("security");
    String out = script.run(Duration.ofMinutes(4), "start");
    assertThat(out).contains("Kafka security: SASL_SSL", "(sasl_ssl)");
  }

  @AfterAll
  static void stopCluster() {
    if (script != null) {
      assertThat(script.run(Duration.ofMinutes(1), "status")).contains("kafka: sasl_ssl");
      script.run(Duration.ofMinutes(2), "stop");
    }
  }

  private static Properties client(String user) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(security.resolve("users/" + user + "/client.properties"))) {
      p.load(in);
    }
    p.setProperty("bootstrap.servers", script.bootstrapServers());
    p.setProperty("default.api.timeout.ms", "20000");
    p.setProperty("request.timeout.ms", "10000");
    return p;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(Properties p, String group) {
    p.setProperty("group.id", group);
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("auto.offset.reset", "earliest");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static String operation(AclBinding b) {
    String name = b.entry().operation().name().toLowerCase(Locale.ROOT);
    StringBuilder camel = new StringBuilder();
    for (String part : name.split("_")) {
      camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return camel.toString();
  }

  @Test
  void eachPrincipalHoldsExactlyTheAclsOfTheKubernetesUsers() throws Exception {
    Map<String, Set<Acl>> granted = new TreeMap<>();
    try (Admin admin = Admin.create(client("admin"))) {
      for (AclBinding b : admin.describeAcls(AclBindingFilter.ANY).values().get()) {
        assertThat(b.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
        assertThat(b.entry().host()).isEqualTo("*");
        String type = b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID ? "transactionalId"
            : b.pattern().resourceType().name().toLowerCase(Locale.ROOT);
        String pattern = b.pattern().patternType() == PatternType.PREFIXED ? "prefix" : "literal";
        granted.computeIfAbsent(b.entry().principal().substring("User:".length()),
                p -> new TreeSet<>(Comparator.comparing(Acl::toString)))
            .add(new Acl(type, b.pattern().name(), pattern, operation(b)));
      }
    }
    assertThat(granted).containsOnlyKeys("ecg-job", "ecg-producer", "ecg-reader");
    assertThat(granted.get("ecg-job")).containsExactlyInAnyOrderElementsOf(DeployFilesSecurityTest.job());
    assertThat(granted.get("ecg-producer")).containsExactlyInAnyOrderElementsOf(DeployFilesSecurityTest.producer());
    assertThat(granted.get("ecg-reader")).containsExactlyInAnyOrderElementsOf(DeployFilesSecurityTest.reader());
  }

  @Test
  void secretsAreOwnerOnlyAndTheBrokerTakesNoClientWithoutTheRightLogin() throws Exception {
    try (Stream<Path> files = Files.walk(security)) {
      for (Path f : files.toList()) {
        assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).noneMatch(p -> p.name().startsWith("GROUP")
            || p.name().startsWith("OTHERS"));
      }
    }
    assertThat(Files.getPosixFilePermissions(security.resolveSibling("conf/kafka.properties")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    Properties wrong = client("ecg-reader");
    wrong.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"ecg-reader\" password=\"" + UUID.randomUUID() + "\";");
    try (Admin admin = Admin.create(wrong)) {
      assertThatThrownBy(() -> admin.listTopics().names().get()).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
    Properties plaintext = new Properties();
    plaintext.setProperty("bootstrap.servers", script.bootstrapServers());
    plaintext.setProperty("default.api.timeout.ms", "5000");
    plaintext.setProperty("request.timeout.ms", "3000");
    try (Admin admin = Admin.create(plaintext)) {
      assertThatThrownBy(() -> admin.listTopics().names().get()).isInstanceOf(ExecutionException.class);
    }
  }

  @Test
  void theReaderReadsScoresAndAlertsOnlyAndTheProducerOnlyWritesSamples() throws Exception {
    try (KafkaConsumer<byte[], byte[]> c = consumer(client("ecg-reader"), "ecg-tail-" + UUID.randomUUID())) {
      c.subscribe(List.of("ecg.alerts"));
      c.poll(Duration.ofSeconds(3));
    }
    for (String topic : List.of("ecg.samples", "ecg.dead-letters")) {
      try (KafkaConsumer<byte[], byte[]> c = consumer(client("ecg-reader"), "ecg-tail-" + UUID.randomUUID())) {
        c.subscribe(List.of(topic));
        assertThatThrownBy(() -> c.poll(Duration.ofSeconds(10))).as(topic).isInstanceOf(TopicAuthorizationException.class);
      }
    }
    try (KafkaConsumer<byte[], byte[]> c = consumer(client("ecg-reader"), "not-a-tail-group")) {
      c.subscribe(List.of("ecg.alerts"));
      assertThatThrownBy(() -> c.poll(Duration.ofSeconds(10))).isInstanceOf(GroupAuthorizationException.class);
    }
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(client("ecg-producer"), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      assertThatThrownBy(() -> p.send(new ProducerRecord<>("ecg.alerts", new byte[] {1})).get())
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void theJobScoresWhatTheReplaySentAsTheirOwnPrincipals() throws Exception {
    String submitted = script.run(Duration.ofMinutes(3), "submit", "--parallelism", "1");
    java.util.regex.Matcher id = java.util.regex.Pattern.compile("job ([0-9a-f]{32}) submitted").matcher(submitted);
    assertThat(id.find()).as(submitted).isTrue();
    String replayed = script.run(Duration.ofMinutes(2), "replay", "--patients", "2", "--limit", "60", "--pace", "max");
    assertThat(replayed).contains("replayed 60 beats");

    int scores = 0;
    try (KafkaConsumer<byte[], byte[]> c = consumer(client("ecg-reader"), "ecg-tail-" + UUID.randomUUID())) {
      c.subscribe(List.of("ecg.beat-scores"));
      long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (scores == 0 && System.nanoTime() < end) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofSeconds(2));
        scores += records.count();
      }
    }
    assertThat(scores).as("committed scores read by ecg-reader").isPositive();
    FlinkRest flink = new FlinkRest(script.restUrl());
    assertThat(flink.state(id.group(1))).isEqualTo("RUNNING");
    // Every right the job needed was granted: it never failed.
    assertThat(flink.exceptionCount(id.group(1))).isZero();
  }
}

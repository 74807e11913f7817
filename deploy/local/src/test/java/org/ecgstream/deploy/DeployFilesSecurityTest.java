package org.ecgstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecgstream.deploy.DeployFilesSchemaTest.copy;
import static org.ecgstream.deploy.DeployFilesSchemaTest.documents;
import static org.ecgstream.deploy.DeployFilesSchemaTest.mainContainer;
import static org.ecgstream.deploy.DeployFilesSchemaTest.ofKind;
import static org.ecgstream.deploy.DeployFilesSchemaTest.only;
import static org.ecgstream.deploy.DeployFilesTest.ROOT;
import static org.ecgstream.deploy.DeployFilesTest.map;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ecgstream.job.config.JobConfig;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests stay secure: Kafka takes only TLS clients that log in, with ACLs
 * enforced; each KafkaUser holds exactly its least-privilege ACLs; the Flink job connects over
 * SASL_SSL with every secret taken from a Secret through the environment; and every deploy path
 * restarts a failing job a bounded number of times. Each check is a list of problems, and each is
 * also shown to find the problem in a spoiled copy, so that a check passing everything cannot pass.
 */
public class DeployFilesSecurityTest {
  private static final String SAMPLES = JobConfig.DEFAULTS.get("topic.samples");
  private static final String SCORES = JobConfig.DEFAULTS.get("topic.scores");
  private static final String ALERTS = JobConfig.DEFAULTS.get("topic.alerts");
  private static final String DEAD_LETTERS = JobConfig.DEFAULTS.get("topic.dead-letters");
  /** The tail tool's consumer groups: ecg-tail-&lt;random uuid&gt;. */
  private static final String TAIL_GROUP_PREFIX = "ecg-tail-";

  /** One allowed operation on one resource pattern, as Kafka's ACL authorizer keeps it. */
  public record Acl(String resourceType, String name, String patternType, String operation) {
    @Override
    public String toString() {
      return operation + " " + resourceType + ":" + patternType + ":" + name;
    }

    /** Whether this ACL's pattern covers the resource named {@code resource} of {@code type}. */
    boolean covers(String type, String resource) {
      return resourceType.equals(type) && ("literal".equals(patternType)
          ? name.equals(resource) || name.equals("*") : resource.startsWith(name));
    }
  }

  public static Set<Acl> job() {
    String prefix = JobConfig.DEFAULTS.get("transactional.id.prefix");
    Set<Acl> acls = new TreeSet<>(java.util.Comparator.comparing(Acl::toString));
    acls.add(new Acl("topic", SAMPLES, "literal", "Read"));
    acls.add(new Acl("topic", SAMPLES, "literal", "Describe"));
    for (String topic : List.of(SCORES, ALERTS, DEAD_LETTERS)) {
      acls.add(new Acl("topic", topic, "literal", "Write"));
      acls.add(new Acl("topic", topic, "literal", "Describe"));
    }
    acls.add(new Acl("group", JobConfig.DEFAULTS.get("group.id"), "literal", "Read"));
    acls.add(new Acl("transactionalId", prefix, "prefix", "Write"));
    acls.add(new Acl("transactionalId", prefix, "prefix", "Describe"));
    return acls;
  }

  public static Set<Acl> producer() {
    return Set.of(new Acl("topic", SAMPLES, "literal", "Write"), new Acl("topic", SAMPLES, "literal", "Describe"));
  }

  public static Set<Acl> reader() {
    return Set.of(new Acl("topic", SCORES, "literal", "Read"), new Acl("topic", SCORES, "literal", "Describe"),
        new Acl("topic", ALERTS, "literal", "Read"), new Acl("topic", ALERTS, "literal", "Describe"),
        new Acl("group", TAIL_GROUP_PREFIX, "prefix", "Read"));
  }

  // ---- the checks ----

  /** What lets a client in without TLS or without logging in, or past the ACLs. */
  @SuppressWarnings("unchecked")
  static List<String> kafkaProblems(Map<String, Object> kafka) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> spec = map(map(kafka, "spec"), "kafka");
    List<Map<String, Object>> listeners = (List<Map<String, Object>>) spec.get("listeners");
    if (listeners == null || listeners.isEmpty()) {
      problems.add("no listeners");
    } else {
      for (Map<String, Object> l : listeners) {
        if (!Boolean.TRUE.equals(l.get("tls"))) {
          problems.add("listener " + l.get("name") + " without TLS");
        }
        Map<String, Object> auth = map(l, "authentication");
        if (auth == null || !List.of("scram-sha-512", "tls").contains(auth.get("type"))) {
          problems.add("listener " + l.get("name") + " without SCRAM or certificate authentication: " + auth);
        }
      }
    }
    Map<String, Object> authorization = map(spec, "authorization");
    if (authorization == null || !"simple".equals(authorization.get("type"))) {
      problems.add("authorization is not simple: " + authorization);
    } else if (authorization.get("superUsers") != null) {
      problems.add("super users besides Strimzi's own: " + authorization.get("superUsers"));
    }
    Map<String, Object> config = map(spec, "config");
    if (config != null && "true".equals(String.valueOf(config.get("allow.everyone.if.no.acl.found")))) {
      problems.add("allow.everyone.if.no.acl.found is true");
    }
    Map<String, Object> entityOperator = map(map(kafka, "spec"), "entityOperator");
    if (entityOperator == null || !entityOperator.containsKey("userOperator")) {
      problems.add("no User Operator to turn the KafkaUsers into credentials and ACLs");
    }
    return problems;
  }

  /** The user's ACLs as (resource type, name, pattern, operation), each allowed from any host. */
  @SuppressWarnings("unchecked")
  static Set<Acl> acls(Map<String, Object> user) {
    Map<String, Object> authorization = map(map(user, "spec"), "authorization");
    assertThat(authorization).as("%s has ACLs", map(user, "metadata").get("name")).isNotNull()
        .containsEntry("type", "simple");
    Set<Acl> acls = new TreeSet<>(java.util.Comparator.comparing(Acl::toString));
    for (Map<String, Object> acl : (List<Map<String, Object>>) authorization.get("acls")) {
      // Only allow rules, from any host: a deny rule or a host would make the set mean something else.
      assertThat(acl.getOrDefault("type", "allow")).isEqualTo("allow");
      assertThat(acl.getOrDefault("host", "*")).isEqualTo("*");
      Map<String, Object> resource = map(acl, "resource");
      for (Object operation : (List<Object>) acl.get("operations")) {
        acls.add(new Acl((String) resource.get("type"), String.valueOf(resource.get("name")),
            (String) resource.getOrDefault("patternType", "literal"), (String) operation));
      }
    }
    return acls;
  }

  /** Where the users' ACLs differ from the least-privilege sets, or reach what they must not. */
  static List<String> aclProblems(List<Map<String, Object>> users) {
    List<String> problems = new ArrayList<>();
    Map<String, Set<Acl>> expected = Map.of("ecg-job", job(), "ecg-producer", producer(), "ecg-reader", reader());
    Map<String, Set<Acl>> actual = new LinkedHashMap<>();
    for (Map<String, Object> user : users) {
      String name = (String) map(user, "metadata").get("name");
      Map<String, Object> authentication = map(map(user, "spec"), "authentication");
      if (authentication == null || !"scram-sha-512".equals(authentication.get("type"))) {
        problems.add(name + " does not log in with SCRAM-SHA-512: " + authentication);
      }
      actual.put(name, acls(user));
    }
    if (!actual.keySet().equals(expected.keySet())) {
      problems.add("users " + actual.keySet() + ", expected " + new TreeSet<>(expected.keySet()));
    }
    expected.forEach((name, want) -> {
      Set<Acl> got = actual.getOrDefault(name, Set.of());
      Set<Acl> extra = new TreeSet<>(java.util.Comparator.comparing(Acl::toString));
      extra.addAll(got);
      extra.removeAll(want);
      Set<Acl> missing = new TreeSet<>(java.util.Comparator.comparing(Acl::toString));
      missing.addAll(want);
      missing.removeAll(got);
      if (!extra.isEmpty()) {
        problems.add(name + " has more than it needs: " + extra);
      }
      if (!missing.isEmpty()) {
        problems.add(name + " lacks " + missing);
      }
      for (Acl acl : got) {
        if (acl.resourceType().equals("cluster") || acl.operation().equals("All")) {
          problems.add(name + " has " + acl);
        }
      }
    });
    // Said again in terms of what a pattern reaches: the reader never reads raw samples or dead
    // letters (which can hold raw patient bytes), the producer reads nothing.
    for (Acl acl : actual.getOrDefault("ecg-reader", Set.of())) {
      for (String topic : List.of(SAMPLES, DEAD_LETTERS)) {
        if (acl.covers("topic", topic) && !acl.operation().equals("Describe")) {
          problems.add("ecg-reader reaches " + topic + " through " + acl);
        }
      }
    }
    for (Acl acl : actual.getOrDefault("ecg-producer", Set.of())) {
      if (acl.operation().equals("Read")) {
        problems.add("ecg-producer reads through " + acl);
      }
    }
    return problems;
  }

  /**
   * Where the job's Kafka settings fall short: not SASL_SSL with SCRAM on the TLS listener, a
   * secret written into the manifest rather than referenced as ${env:NAME}, an environment variable
   * not filled from a required Secret key, or a truststore not mounted from the cluster CA Secret.
   */
  @SuppressWarnings("unchecked")
  static List<String> flinkKafkaProblems(Map<String, Object> deployment, Map<String, Object> kafka) {
    List<String> problems = new ArrayList<>();
    Map<String, String> args = jobArgs(deployment);
    String cluster = (String) map(kafka, "metadata").get("name");
    String namespace = (String) map(kafka, "metadata").get("namespace");
    List<Map<String, Object>> listeners = (List<Map<String, Object>>) map(map(kafka, "spec"), "kafka").get("listeners");
    Set<String> bootstrap = new TreeSet<>();
    for (Map<String, Object> l : listeners) {
      bootstrap.add(cluster + "-kafka-bootstrap." + namespace + ".svc:" + l.get("port"));
    }
    if (!bootstrap.contains(args.get("bootstrap.servers"))) {
      problems.add("bootstrap.servers " + args.get("bootstrap.servers") + " is none of the listeners " + bootstrap);
    }
    expect(problems, args, "kafka.security.protocol", "SASL_SSL");
    expect(problems, args, "kafka.sasl.mechanism", "SCRAM-SHA-512");
    expect(problems, args, "kafka.ssl.truststore.type", "PKCS12");

    Map<String, Object> container = mainContainer(deployment);
    Map<String, Map<String, Object>> env = new LinkedHashMap<>();
    for (Map<String, Object> e : (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
      env.put((String) e.get("name"), e);
    }
    Map<String, String> secretOf = Map.of("kafka.sasl.jaas.config", "ecg-job/sasl.jaas.config",
        "kafka.ssl.truststore.password", cluster + "-cluster-ca-cert/ca.password");
    for (Map.Entry<String, String> arg : args.entrySet()) {
      String key = arg.getKey();
      boolean secret = key.startsWith("kafka.") && (key.contains("password") || key.contains("jaas")
          || key.contains("secret") || key.contains("key.pem") || key.contains("token"));
      if (!secret) {
        continue;
      }
      Matcher ref = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}").matcher(arg.getValue());
      if (!ref.matches()) {
        problems.add(key + " is written into the manifest instead of ${env:NAME}");
        continue;
      }
      Map<String, Object> var = env.get(ref.group(1));
      Map<String, Object> from = var == null || var.get("valueFrom") == null ? null
          : map(map(var, "valueFrom"), "secretKeyRef");
      if (from == null) {
        problems.add(key + ": environment variable " + ref.group(1) + " is not filled from a Secret");
      } else {
        if (Boolean.TRUE.equals(from.get("optional"))) {
          problems.add(key + ": the Secret behind " + ref.group(1) + " is optional");
        }
        String source = from.get("name") + "/" + from.get("key");
        if (secretOf.containsKey(key) && !secretOf.get(key).equals(source)) {
          problems.add(key + " comes from " + source + ", expected " + secretOf.get(key));
        }
      }
    }
    for (String key : secretOf.keySet()) {
      if (!args.containsKey(key)) {
        problems.add("no " + key);
      }
    }
    for (Map<String, Object> var : env.values()) {
      if (var.containsKey("value") && String.valueOf(var.get("value")).matches("(?is).*(password|loginmodule).*")) {
        problems.add("environment variable " + var.get("name") + " holds a credential in the manifest");
      }
    }

    // The truststore: the CA Secret's ca.p12, mounted read-only at the path the job is given.
    String truststore = args.getOrDefault("kafka.ssl.truststore.location", "");
    Map<String, Object> podSpec = map(map(map(deployment, "spec"), "podTemplate"), "spec");
    boolean mounted = false;
    for (Map<String, Object> volume : (List<Map<String, Object>>) podSpec.getOrDefault("volumes", List.of())) {
      Map<String, Object> secret = map(volume, "secret");
      if (secret == null || !(cluster + "-cluster-ca-cert").equals(secret.get("secretName"))) {
        continue;
      }
      for (Map<String, Object> m : (List<Map<String, Object>>) container.getOrDefault("volumeMounts", List.of())) {
        if (!volume.get("name").equals(m.get("name"))) {
          continue;
        }
        List<Map<String, Object>> items = (List<Map<String, Object>>) secret.getOrDefault("items", List.of());
        String path = items.stream().filter(i -> "ca.p12".equals(i.get("key"))).map(i -> (String) i.get("path"))
            .findFirst().orElse("ca.p12");
        mounted |= truststore.equals(m.get("mountPath") + "/" + path) && Boolean.TRUE.equals(m.get("readOnly"));
      }
    }
    if (!mounted) {
      problems.add("truststore " + truststore + " is not the cluster CA Secret's ca.p12 mounted read-only");
    }
    return problems;
  }

  /** Where a Flink configuration would restart a failing job without end. */
  static List<String> restartProblems(String where, Map<String, String> config) {
    List<String> problems = new ArrayList<>();
    String type = config.get("restart-strategy.type");
    String attempts = switch (type == null ? "" : type) {
      case "fixed-delay", "fixeddelay" -> config.get("restart-strategy.fixed-delay.attempts");
      case "exponential-delay", "exponentialdelay" -> config.get("restart-strategy.exponential-delay.attempts-before-reset-backoff");
      case "failure-rate", "failurerate" -> config.get("restart-strategy.failure-rate.max-failures-per-interval");
      case "none", "off", "disable" -> "0";
      // Unset, with checkpointing on, Flink restarts with a fixed delay Integer.MAX_VALUE times.
      default -> null;
    };
    if (attempts == null) {
      problems.add(where + ": restart strategy " + type + " without a finite number of attempts");
    } else if (!attempts.strip().matches("\\d{1,4}")) {
      problems.add(where + ": " + attempts + " restart attempts is not a bounded number");
    }
    return problems;
  }

  private static void expect(List<String> problems, Map<String, String> args, String key, String value) {
    if (!value.equals(args.get(key))) {
      problems.add(key + " is " + args.get(key) + ", expected " + value);
    }
  }

  /** The job's arguments as key to value ("--key value" pairs). */
  @SuppressWarnings("unchecked")
  static Map<String, String> jobArgs(Map<String, Object> deployment) {
    List<Object> args = (List<Object>) map(map(deployment, "spec"), "job").get("args");
    assertThat(args.size() % 2).as("the job's arguments come in --key value pairs: %s", args).isZero();
    Map<String, String> byKey = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i += 2) {
      String key = String.valueOf(args.get(i));
      assertThat(key).startsWith("--");
      assertThat(byKey.put(key.substring(2), String.valueOf(args.get(i + 1)))).as("%s given twice", key).isNull();
    }
    return byKey;
  }

  private static Map<String, String> strings(Map<String, Object> m) {
    Map<String, String> s = new LinkedHashMap<>();
    m.forEach((k, v) -> s.put(k, String.valueOf(v)));
    return s;
  }

  // ---- the tests ----

  @Test
  @SuppressWarnings("unchecked")
  void kafkaTakesOnlyTlsClientsThatLogInAndEnforcesAcls() throws IOException {
    Map<String, Object> kafka = ofKind(documents("kafka.yaml"), "Kafka");
    assertThat(kafkaProblems(kafka)).isEmpty();

    Map<String, Object> plain = copy(kafka);
    ((List<Object>) map(map(plain, "spec"), "kafka").get("listeners"))
        .add(Map.of("name", "plain", "port", 9092, "type", "internal", "tls", false));
    assertThat(kafkaProblems(plain)).anyMatch(p -> p.contains("plain without TLS"))
        .anyMatch(p -> p.contains("plain without SCRAM"));

    Map<String, Object> anonymous = copy(kafka);
    ((List<Map<String, Object>>) map(map(anonymous, "spec"), "kafka").get("listeners")).get(0).remove("authentication");
    assertThat(kafkaProblems(anonymous)).anyMatch(p -> p.contains("without SCRAM"));

    Map<String, Object> open = copy(kafka);
    map(map(open, "spec"), "kafka").remove("authorization");
    assertThat(kafkaProblems(open)).anyMatch(p -> p.contains("authorization is not simple"));

    Map<String, Object> permissive = copy(kafka);
    map(map(map(permissive, "spec"), "kafka"), "config").put("allow.everyone.if.no.acl.found", true);
    assertThat(kafkaProblems(permissive)).anyMatch(p -> p.contains("allow.everyone"));
  }

  @Test
  void eachKafkaUserHoldsExactlyItsLeastPrivilegeAcls() throws IOException {
    List<Map<String, Object>> users = documents("kafka-users.yaml");
    assertThat(aclProblems(users)).isEmpty();
    assertThat(acls(users.get(0))).containsExactlyInAnyOrderElementsOf(job());
    assertThat(acls(users.get(1))).containsExactlyInAnyOrderElementsOf(producer());
    assertThat(acls(users.get(2))).containsExactlyInAnyOrderElementsOf(reader());

    List<Map<String, Object>> wider = new ArrayList<>();
    users.forEach(u -> wider.add(copy(u)));
    addAcl(wider.get(0), "cluster", "kafka-cluster", "literal", "IdempotentWrite");
    assertThat(aclProblems(wider)).anyMatch(p -> p.startsWith("ecg-job has more than it needs"))
        .anyMatch(p -> p.contains("ecg-job has IdempotentWrite cluster"));

    List<Map<String, Object>> lacking = new ArrayList<>();
    users.forEach(u -> lacking.add(copy(u)));
    acl(lacking.get(0), 0).put("operations", List.of("Read"));
    assertThat(aclProblems(lacking)).anyMatch(p -> p.startsWith("ecg-job lacks [Describe topic:literal:ecg.samples]"));
  }

  @Test
  void theReaderReachesNeitherSamplesNorDeadLettersAndTheProducerReadsNothing() throws IOException {
    List<Map<String, Object>> users = documents("kafka-users.yaml");
    for (String[] spoil : new String[][] {{SAMPLES, "literal"}, {DEAD_LETTERS, "literal"}, {"ecg.", "prefix"},
        {"*", "literal"}}) {
      List<Map<String, Object>> spoilt = new ArrayList<>();
      users.forEach(u -> spoilt.add(copy(u)));
      addAcl(spoilt.get(2), "topic", spoil[0], spoil[1], "Read");
      assertThat(aclProblems(spoilt)).as("reader with Read on %s %s", spoil[1], spoil[0])
          .anyMatch(p -> p.startsWith("ecg-reader reaches"));
    }
    List<Map<String, Object>> reading = new ArrayList<>();
    users.forEach(u -> reading.add(copy(u)));
    addAcl(reading.get(1), "topic", ALERTS, "literal", "Read");
    assertThat(aclProblems(reading)).anyMatch(p -> p.startsWith("ecg-producer reads"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theFlinkJobConnectsOverSaslSslWithSecretsFromSecretsOnly() throws IOException {
    Map<String, Object> deployment = only("flink-deployment.yaml");
    Map<String, Object> kafka = ofKind(documents("kafka.yaml"), "Kafka");
    assertThat(flinkKafkaProblems(deployment, kafka)).isEmpty();
    // The job logs in as the user whose ACLs eachKafkaUserHoldsExactlyItsLeastPrivilegeAcls checks.
    assertThat(documents("kafka-users.yaml")).anyMatch(u -> "ecg-job".equals(map(u, "metadata").get("name")));

    Map<String, Object> plaintext = copy(deployment);
    setArg(plaintext, "--kafka.security.protocol", "PLAINTEXT");
    assertThat(flinkKafkaProblems(plaintext, kafka)).anyMatch(p -> p.startsWith("kafka.security.protocol is PLAINTEXT"));

    Map<String, Object> oldPort = copy(deployment);
    setArg(oldPort, "--bootstrap.servers", "ecg-kafka-kafka-bootstrap.ecg.svc:9092");
    assertThat(flinkKafkaProblems(oldPort, kafka)).anyMatch(p -> p.startsWith("bootstrap.servers"));

    Map<String, Object> literal = copy(deployment);
    setArg(literal, "--kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ecg-job\" password=\"x\";");
    assertThat(flinkKafkaProblems(literal, kafka)).anyMatch(p -> p.startsWith("kafka.sasl.jaas.config is written"));

    Map<String, Object> optional = copy(deployment);
    for (Map<String, Object> e : (List<Map<String, Object>>) mainContainer(optional).get("env")) {
      if ("KAFKA_SASL_JAAS".equals(e.get("name"))) {
        map(map(e, "valueFrom"), "secretKeyRef").put("optional", true);
      }
    }
    assertThat(flinkKafkaProblems(optional, kafka)).anyMatch(p -> p.contains("is optional"));

    Map<String, Object> inline = copy(deployment);
    ((List<Map<String, Object>>) mainContainer(inline).get("env")).removeIf(e -> "KAFKA_TRUSTSTORE_PASSWORD".equals(e.get("name")));
    ((List<Map<String, Object>>) mainContainer(inline).get("env"))
        .add(Map.of("name", "KAFKA_TRUSTSTORE_PASSWORD", "value", "changeit-password"));
    assertThat(flinkKafkaProblems(inline, kafka)).anyMatch(p -> p.contains("is not filled from a Secret"))
        .anyMatch(p -> p.contains("holds a credential"));

    Map<String, Object> unmounted = copy(deployment);
    ((List<Map<String, Object>>) mainContainer(unmounted).get("volumeMounts")).removeIf(m -> "/etc/kafka-ca".equals(m.get("mountPath")));
    assertThat(flinkKafkaProblems(unmounted, kafka)).anyMatch(p -> p.startsWith("truststore"));
  }

  @Test
  void everyDeployPathRestartsAFailingJobABoundedNumberOfTimes() throws IOException {
    Map<String, Object> deployment = only("flink-deployment.yaml");
    Map<String, String> k8s = strings(map(map(deployment, "spec"), "flinkConfiguration"));
    assertThat(restartProblems("flink-deployment.yaml", k8s)).isEmpty();
    assertThat(k8s).containsEntry("restart-strategy.type", "exponential-delay");

    Map<String, String> script = new LinkedHashMap<>();
    Matcher line = Pattern.compile("(?m)^(restart-strategy\\.[a-z.-]+): (.+)$")
        .matcher(Files.readString(ROOT.resolve("deploy/local/cluster.sh")));
    while (line.find()) {
      script.put(line.group(1), line.group(2));
    }
    assertThat(restartProblems("cluster.sh", script)).isEmpty();
    // (docker-compose.yml: DeployFilesComposeTest, the secured override included.)

    Map<String, String> unbounded = new LinkedHashMap<>(k8s);
    unbounded.remove("restart-strategy.exponential-delay.attempts-before-reset-backoff");
    assertThat(restartProblems("k8s", unbounded)).isNotEmpty();
    unbounded.put("restart-strategy.exponential-delay.attempts-before-reset-backoff", "2147483647");
    assertThat(restartProblems("k8s", unbounded)).isNotEmpty();
    assertThat(restartProblems("k8s", Map.of())).isNotEmpty();
  }

  /**
   * The ACLs that a script grants with Kafka's ACL tool, by principal: each line with
   * --allow-principal adds every --operation on every resource it names.
   */
  static Map<String, Set<Acl>> scriptAcls(String script) {
    Map<String, Set<Acl>> byUser = new LinkedHashMap<>();
    for (String line : script.lines().filter(l -> l.contains("--allow-principal")).toList()) {
      String[] words = line.strip().split("\\s+");
      String principal = null;
      String pattern = "literal";
      List<String> operations = new ArrayList<>();
      List<String[]> resources = new ArrayList<>();
      for (int i = 0; i < words.length - 1; i++) {
        switch (words[i]) {
          case "--allow-principal" -> principal = words[i + 1].substring("User:".length());
          case "--operation" -> operations.add(words[i + 1]);
          case "--resource-pattern-type" -> pattern = words[i + 1].equals("prefixed") ? "prefix" : words[i + 1];
          case "--topic" -> resources.add(new String[] {"topic", words[i + 1]});
          case "--group" -> resources.add(new String[] {"group", words[i + 1]});
          case "--transactional-id" -> resources.add(new String[] {"transactionalId", words[i + 1]});
          case "--cluster" -> resources.add(new String[] {"cluster", "kafka-cluster"});
          default -> { }
        }
      }
      assertThat(line).doesNotContain("--deny-principal", "--producer", "--consumer", "--idempotent", "--allow-host");
      for (String[] resource : resources) {
        for (String operation : operations) {
          byUser.computeIfAbsent(principal, p -> new TreeSet<>(java.util.Comparator.comparing(Acl::toString)))
              .add(new Acl(resource[0], resource[1], pattern, operation));
        }
      }
    }
    return byUser;
  }

  @Test
  void theLocalClusterAndComposeGrantTheSameAclsAsKubernetes() throws IOException {
    Map<String, Set<Acl>> expected = Map.of("ecg-job", job(), "ecg-producer", producer(), "ecg-reader", reader());
    for (String script : List.of("deploy/local/cluster.sh", "deploy/compose/secured/topics-and-acls.sh")) {
      Map<String, Set<Acl>> granted = scriptAcls(Files.readString(ROOT.resolve(script)));
      assertThat(granted).as(script).containsOnlyKeys(expected.keySet());
      expected.forEach((user, acls) -> assertThat(granted.get(user)).as("%s: %s", script, user)
          .containsExactlyInAnyOrderElementsOf(acls));
    }
    // The parser sees what it must: a widened line is caught.
    Map<String, Set<Acl>> wider = scriptAcls(
        "acl --allow-principal User:ecg-reader --operation Read --resource-pattern-type prefixed --topic ecg.");
    assertThat(wider.get("ecg-reader")).containsExactly(new Acl("topic", "ecg.", "prefix", "Read"));
  }

  @Test
  void theLocalClusterIsPlaintextByDefaultSaysSoAndConnectsTheJobAsEcgJobWhenSecured() throws IOException {
    String script = Files.readString(ROOT.resolve("deploy/local/cluster.sh"));
    assertThat(script).contains("SECURED", "Kafka security: PLAINTEXT, no logins, no ACLs",
        "--kafka.security.protocol SASL_SSL --kafka.sasl.mechanism SCRAM-SHA-512",
        "--kafka.sasl.jaas.config '${env:KAFKA_SASL_JAAS}'",
        "--kafka.ssl.truststore.password '${env:KAFKA_TRUSTSTORE_PASSWORD}'",
        "@$security/users/ecg-producer/client.args", "--add-scram", "ssl.client.auth=required",
        "allow.everyone.if.no.acl.found=false", "umask 077");
  }

  @Test
  void noKeyOrPasswordIsCommittedWithTheDeployFiles() throws IOException {
    List<java.nio.file.Path> files;
    try (var walk = Files.walk(ROOT.resolve("deploy"))) {
      files = walk.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/target/")
          && !f.toString().contains("/src/test/") && !f.toString().contains("/run/")).toList();
    }
    files = new ArrayList<>(files);
    files.add(ROOT.resolve("docker-compose.yml"));
    for (java.nio.file.Path f : files) {
      String name = f.getFileName().toString();
      assertThat(name).as(f.toString()).doesNotEndWith(".p12").doesNotEndWith(".jks").doesNotEndWith(".pem")
          .doesNotEndWith(".key").doesNotEndWith(".crt");
      if (name.endsWith(".json") || name.endsWith(".png")) {
        continue;
      }
      String text = Files.readString(f);
      assertThat(text).as(f.toString()).doesNotContain("-----BEGIN")
          .doesNotContainPattern("(?i)password\\s*[=:]\\s*[\"']?[A-Za-z0-9+/]{8,}");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> acl(Map<String, Object> user, int index) {
    return ((List<Map<String, Object>>) map(map(user, "spec"), "authorization").get("acls")).get(index);
  }

  @SuppressWarnings("unchecked")
  private static void addAcl(Map<String, Object> user, String type, String name, String pattern, String operation) {
    ((List<Object>) map(map(user, "spec"), "authorization").get("acls")).add(Map.of(
        "resource", Map.of("type", type, "name", name, "patternType", pattern), "operations", List.of(operation)));
  }

  @SuppressWarnings("unchecked")
  private static void setArg(Map<String, Object> deployment, String key, String value) {
    List<Object> args = (List<Object>) map(map(deployment, "spec"), "job").get("args");
    args.set(args.indexOf(key) + 1, value);
  }
}

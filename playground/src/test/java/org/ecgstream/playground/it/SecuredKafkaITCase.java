package org.ecgstream.playground.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.io.KafkaAccessCheck;
import org.ecgstream.job.io.KafkaAccessCheck.Need;
import org.ecgstream.job.replay.ArchiveReplayer;
import org.ecgstream.job.replay.PlannedBeat;
import org.ecgstream.job.replay.ReplayTool;
import org.ecgstream.job.tail.TopicTail;
import org.ecgstream.playground.secured.LocalCertificates;
import org.ecgstream.playground.secured.SecuredKafka;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job, the replay tool and the tail tool against a broker that speaks only TLS + SCRAM to its
 * clients and enforces ACLs: each principal holds exactly the rights the deploy files grant it.
 * This class runs in a JVM of its own with INFO logging (see the pom), so that the end-to-end run's
 * logs can be searched for what must never leave the process.
 */
class SecuredKafkaITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(recordingMetrics()).build());

  private static Configuration recordingMetrics() {
    Configuration c = new Configuration();
    c.setString("metrics.reporter.recording.factory.class", RecordingMetricReporter.Factory.class.getName());
    return c;
  }

  @TempDir
  static Path dir;
  private static SecuredKafka kafka;
  private static EcgStreamFixture fixture;
  private static final String RUN = JobUnderTest.newRun();
  private static JobConfig jobConfig;
  private static String jobPassword;
  private static String producerPassword;
  private static String readerPassword;

  @BeforeAll
  static void start() {
    kafka = SecuredKafka.start(dir.resolve("tls"));
    fixture = new EcgStreamFixture();
    jobPassword = kafka.addUser("ecg-job");
    producerPassword = kafka.addUser("ecg-producer");
    readerPassword = kafka.addUser("ecg-reader");
    jobConfig = config("ecg-job", jobPassword, RUN);
    JobUnderTest.createTopics(kafka.admin(), jobConfig, 2);
    kafka.grant("ecg-job", KafkaAccessCheck.needs(jobConfig));
    kafka.grant("ecg-producer", List.of(new Need(topic(jobConfig.samplesTopic()), AclOperation.WRITE)));
    kafka.grant("ecg-reader", List.of(new Need(topic(jobConfig.scoresTopic()), AclOperation.READ),
        new Need(topic(jobConfig.alertsTopic()), AclOperation.READ),
        new Need(new ResourcePattern(ResourceType.GROUP, "reader-", PatternType.PREFIXED), AclOperation.READ),
        new Need(new ResourcePattern(ResourceType.GROUP, "ecg-tail-", PatternType.PREFIXED), AclOperation.READ)));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static ResourcePattern topic(String name) {
    return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
  }

  private static JobConfig config(String user, String password, String run) {
    Map<String, String> m = JobUnderTest.settings(kafka.bootstrapServers(), run, fixture.model);
    m.put("dead-letter.max-raw-bytes", "0");
    kafka.clientSettings(user, password).forEach((k, v) -> m.put("kafka." + k, v));
    return JobUnderTest.config(m);
  }

  /** Bounded, as in every deploy file: a refusal ends the job instead of restarting it forever. */
  private static final JobUnderTest.Restarts BOUNDED = JobUnderTest.Restarts.bounded(2, Duration.ofMillis(200));

  private static JobClient submit(JobConfig c) throws Exception {
    return JobUnderTest.submit(c, BOUNDED);
  }

  private static JobClient submit(JobConfig c, String savepoint) throws Exception {
    return JobUnderTest.submit(c, BOUNDED, UnaryOperator.identity(), savepoint);
  }

  @Test
  void jobRunsExactlyOnceWithOnlyItsOwnRightsAndLogsNoPatientDataOrSecrets() throws Exception {
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, logs), true, StandardCharsets.UTF_8));
    JobClient job;
    List<BeatScore> read;
    try {
      // The check's own clients log too: inside the capture.
      KafkaAccessCheck.verify(jobConfig, Duration.ofSeconds(30));
      job = submit(jobConfig);
      Properties producer = kafka.clientProperties("ecg-producer", producerPassword);
      producer.setProperty("max.in.flight.requests.per.connection", "1");
      try (KafkaProducer<byte[], byte[]> p = ArchiveReplayer.producer(producer);
           var scores = new CommittedTopicReader<>(kafka.clientProperties("ecg-reader", readerPassword),
               jobConfig.scoresTopic(), BeatScore.class)) {
        fixture.send(p, jobConfig.samplesTopic(), 1_700_000_000_000L, 0, 40);
        scores.readAtLeast(fixture.completeBeats(), Duration.ofMinutes(3));
        read = scores.drain(Duration.ofSeconds(3));
      } finally {
        job.cancel().get();
      }
    } finally {
      System.setErr(originalErr);
    }

    Map<String, Long> perBeat = read.stream().collect(Collectors.groupingBy(
        s -> EcgStreamFixture.key(s.getSourceId(), s.getFirstSequence()), Collectors.counting()));
    assertThat(perBeat.values()).as("scores per beat").containsOnly(1L);
    assertThat(read).hasSize(fixture.completeBeats());
    for (BeatScore s : read) {
      assertThat(s.getLoss()).isCloseTo(fixture.offlineLoss.get(EcgStreamFixture.key(s.getSourceId(),
          s.getFirstSequence())), within(1e-4));
    }
    // Dead letters with dead-letter.max-raw-bytes=0: the reason and digest, never the bytes.
    try (var dead = new CommittedTopicReader<>(kafka.admin().clientProperties(), jobConfig.deadLettersTopic(),
        DeadLetter.class)) {
      List<DeadLetter> letters = dead.readAtLeast(EcgStreamFixture.MALFORMED + 1, Duration.ofSeconds(30));
      assertThat(letters).hasSize(EcgStreamFixture.MALFORMED + 1)
          .allSatisfy(d -> assertThat(d.getRaw()).as(d.getReason()).isNull());
      assertThat(letters).filteredOn(d -> d.getOffset() >= 0).allSatisfy(d -> assertThat(d.getSha256()).hasSize(64));
    }
    assertLogsHoldNoPatientDataOrSecrets(logs.toString(StandardCharsets.UTF_8));
    // What a metrics reporter sees: the job's own metrics are there, no patient's id is.
    assertThat(RecordingMetricReporter.SEEN).anyMatch(m -> m.endsWith(".beatsScored"))
        .anyMatch(m -> m.endsWith(".anomalies"));
    assertThat(RecordingMetricReporter.SEEN.stream().filter(m -> SOURCE_ID.matcher(m).find()).toList())
        .as("metric names and labels with a source id").isEmpty();
  }

  /** The fixture's patients are p0..p5, as a word of their own ("p1" inside a longer word is something else). */
  private static final Pattern SOURCE_ID = Pattern.compile("(?<![A-Za-z0-9_])p[0-5](?![A-Za-z0-9_])");

  private static void assertLogsHoldNoPatientDataOrSecrets(String logs) {
    assertThat(logs).as("the run logged at INFO (else this check proves nothing)").contains(" INFO ");
    assertThat(logs).doesNotContain(jobPassword, producerPassword, readerPassword,
        kafka.certificates().password());
    assertThat(SOURCE_ID.matcher(logs).results().map(r -> context(logs, r.start())).toList())
        .as("source ids in the logs").isEmpty();
    // Sample values as Java prints them (seven or more significant digits cannot appear by chance).
    Set<String> values = new LinkedHashSet<>();
    for (PlannedBeat b : fixture.plan.all()) {
      for (float v : b.values()) {
        String s = Float.toString(v);
        if (s.replaceAll("[^0-9]", "").replaceFirst("^0+", "").length() >= 7) {
          values.add(s);
        }
      }
    }
    assertThat(values).as("sample values to look for").hasSizeGreaterThan(1000);
    assertThat(values.stream().filter(logs::contains).toList()).as("sample values in the logs").isEmpty();
  }

  private static String context(String text, int at) {
    return text.substring(Math.max(0, at - 60), Math.min(text.length(), at + 20)).replace('\n', ' ');
  }

  /** The README's rotation: a second user with the same rights, a savepoint, the old user deleted. */
  @Test
  void credentialsRotateThroughASavepointWithExactlyOneScorePerBeat(@TempDir Path savepoints) throws Exception {
    String run = JobUnderTest.newRun();
    JobConfig before = config("rot-a-" + run, kafka.addUser("rot-a-" + run), run);
    JobConfig after = config("rot-b-" + run, kafka.addUser("rot-b-" + run), run);
    JobUnderTest.createTopics(kafka.admin(), before, 2);
    kafka.grant("rot-a-" + run, KafkaAccessCheck.needs(before));
    kafka.grant("rot-b-" + run, KafkaAccessCheck.needs(after));
    kafka.grant("ecg-producer", List.of(new Need(topic(before.samplesTopic()), AclOperation.WRITE)));
    kafka.grant("ecg-reader", List.of(new Need(topic(before.scoresTopic()), AclOperation.READ)));
    int half = 20;
    try (KafkaProducer<byte[], byte[]> p = ArchiveReplayer.producer(kafka.clientProperties("ecg-producer",
        producerPassword));
         var scores = new CommittedTopicReader<>(kafka.clientProperties("ecg-reader", readerPassword),
             before.scoresTopic(), BeatScore.class)) {
      JobClient first = submit(before);
      fixture.send(p, before.samplesTopic(), 1_700_000_000_000L, 0, half);
      scores.readAtLeast(50, Duration.ofMinutes(3));
      String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(),
          org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(3, TimeUnit.MINUTES);
      kafka.removeUser("rot-a-" + run);

      KafkaAccessCheck.verify(after, Duration.ofSeconds(30));
      JobClient second = submit(after, savepoint);
      try {
        fixture.send(p, before.samplesTopic(), 1_700_000_000_000L, half, 40);
        scores.readAtLeast(fixture.completeBeats(), Duration.ofMinutes(3));
        List<BeatScore> read = scores.drain(Duration.ofSeconds(3));
        Map<String, Long> perBeat = read.stream().collect(Collectors.groupingBy(
            s -> EcgStreamFixture.key(s.getSourceId(), s.getFirstSequence()), Collectors.counting()));
        assertThat(perBeat.values()).as("scores per beat across the rotation").containsOnly(1L);
        assertThat(read).hasSize(fixture.completeBeats());
      } finally {
        second.cancel().get();
      }
    }
    assertThatThrownBy(() -> KafkaAccessCheck.verify(before, Duration.ofSeconds(30)))
        .hasMessageContaining("refused the credentials of User:rot-a-" + run);
  }

  @Test
  void wrongPasswordIsRefusedInOneLineNamingThePrincipal() {
    JobConfig wrong = config("ecg-job", "not-" + jobPassword, RUN);
    assertThatThrownBy(() -> KafkaAccessCheck.verify(wrong, Duration.ofSeconds(30)))
        .isInstanceOf(KafkaAccessCheck.AccessDenied.class)
        .hasMessage("Kafka at " + kafka.bootstrapServers() + " refused the credentials of User:ecg-job (SCRAM-SHA-512): "
            + "check the user name and password in sasl.jaas.config");
  }

  @Test
  void aMissingRightIsNamedWithTheGrantThatFixesIt() {
    String run = JobUnderTest.newRun();
    String password = kafka.addUser("lacks-" + run);
    JobConfig lacks = config("lacks-" + run, password, run);
    JobUnderTest.createTopics(kafka.admin(), lacks, 1);
    // Everything the job needs but Write on the alerts topic and Read on its consumer group.
    List<Need> needs = KafkaAccessCheck.needs(lacks);
    Need alerts = needs.stream().filter(n -> n.resource().name().equals(lacks.alertsTopic())).findFirst().orElseThrow();
    Need group = needs.stream().filter(n -> n.resource().resourceType() == ResourceType.GROUP).findFirst().orElseThrow();
    kafka.grant("lacks-" + run, needs.stream().filter(n -> n != alerts && n != group).toList());
    assertThatThrownBy(() -> KafkaAccessCheck.verify(lacks, Duration.ofSeconds(30)))
        .isInstanceOf(KafkaAccessCheck.AccessDenied.class)
        .hasMessage("Kafka denies User:lacks-" + run + " Write on topic alerts-" + run + "; an administrator grants it "
            + "with kafka-acls --add --allow-principal User:lacks-" + run + " --operation Write --topic alerts-" + run);

    kafka.grant("lacks-" + run, List.of(alerts));
    assertThatThrownBy(() -> KafkaAccessCheck.verify(lacks, Duration.ofSeconds(30)))
        .isInstanceOf(KafkaAccessCheck.AccessDenied.class)
        .hasMessage("Kafka denies User:lacks-" + run + " Read on group job-" + run + "; an administrator grants it "
            + "with kafka-acls --add --allow-principal User:lacks-" + run + " --operation Read --group job-" + run);

    kafka.grant("lacks-" + run, List.of(group));
    KafkaAccessCheck.verify(lacks, Duration.ofSeconds(30));
  }

  @Test
  void aRightWithdrawnWhileTheJobRunsEndsItAfterBoundedRestartsWithTheTopicInItsFailure() throws Exception {
    String run = JobUnderTest.newRun();
    String user = "withdrawn-" + run;
    JobConfig c = config(user, kafka.addUser(user), run);
    JobUnderTest.createTopics(kafka.admin(), c, 1);
    kafka.grant(user, KafkaAccessCheck.needs(c));
    kafka.grant("ecg-producer", List.of(new Need(topic(c.samplesTopic()), AclOperation.WRITE)));
    kafka.grant("ecg-reader", List.of(new Need(topic(c.scoresTopic()), AclOperation.READ)));
    KafkaAccessCheck.verify(c, Duration.ofSeconds(30));
    JobClient job = submit(c);
    try (KafkaProducer<byte[], byte[]> p = ArchiveReplayer.producer(kafka.clientProperties("ecg-producer",
        producerPassword));
         var scores = new CommittedTopicReader<>(kafka.clientProperties("ecg-reader", readerPassword), c.scoresTopic(),
             BeatScore.class)) {
      fixture.send(p, c.samplesTopic(), 1_700_000_000_000L, 0, 10);
      assertThat(scores.readAtLeast(20, Duration.ofMinutes(2))).as("scores committed before the right goes").isNotEmpty();
      kafka.revoke(user, List.of(new Need(topic(c.scoresTopic()), AclOperation.WRITE)));
      fixture.send(p, c.samplesTopic(), 1_700_000_000_000L, 10, 20);
      assertThatThrownBy(() -> job.getJobExecutionResult().get(3, TimeUnit.MINUTES))
          .rootCause().isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining("scores-" + run);
    }
  }

  @Test
  void aMissingTransactionalIdRightIsNamed() {
    String run = JobUnderTest.newRun();
    String user = "notx-" + run;
    JobConfig c = config(user, kafka.addUser(user), run);
    JobUnderTest.createTopics(kafka.admin(), c, 1);
    kafka.grant(user, KafkaAccessCheck.needs(c).stream()
        .filter(n -> n.resource().resourceType() != ResourceType.TRANSACTIONAL_ID).toList());
    assertThatThrownBy(() -> KafkaAccessCheck.verify(c, Duration.ofSeconds(30)))
        .isInstanceOf(KafkaAccessCheck.AccessDenied.class)
        .hasMessage("Kafka denies User:" + user + " Write on transactional id tx-" + run + "*; an administrator grants "
            + "it with kafka-acls --add --allow-principal User:" + user + " --operation Write --transactional-id tx-"
            + run + " --resource-pattern-type prefixed");
  }

  @Test
  void readerMayNotReadTheSamplesAndTheTailToolSaysSo() throws Exception {
    Properties reader = kafka.clientProperties("ecg-reader", readerPassword);
    try (KafkaConsumer<byte[], byte[]> c = CommittedTopicReader.committedConsumer(reader, jobConfig.samplesTopic(),
        "reader-", false)) {
      assertThatThrownBy(() -> c.poll(Duration.ofSeconds(10))).isInstanceOf(TopicAuthorizationException.class);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = TopicTail.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), tailArgs(jobConfig.samplesTopic(),
            kafka.clientSettings("ecg-reader", readerPassword), kafka.bootstrapServers()));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("error: Kafka denies User:ecg-reader access "
        + "to topic " + jobConfig.samplesTopic() + ": an administrator must grant it (see the ACLs in the README)");
  }

  @Test
  void replayToolStopsAndSaysWhenItsPrincipalMayNotWrite() {
    Map<String, String> reader = kafka.clientSettings("ecg-reader", readerPassword);
    List<String> args = new java.util.ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
        "--topic", jobConfig.samplesTopic(), "--patients", "2", "--limit", "4", "--pace", "max"));
    reader.forEach((k, v) -> args.addAll(List.of("--kafka", k + "=" + v)));
    String[] err = new String[1];
    int code = capturingStreams(() -> ReplayTool.execute(args.toArray(String[]::new)), err);
    assertThat(code).isEqualTo(1);
    assertThat(err[0]).contains("error: Kafka denies User:ecg-reader access to topic " + jobConfig.samplesTopic())
        .containsPattern("\\(\\d+ of \\d+ frames were not acknowledged by the broker, among them the frame of "
            + "patient-\\d+ from sample \\d+\\)");
  }

  @Test
  void untrustedAndExpiredCertificatesAreNamed() {
    LocalCertificates other = LocalCertificates.create(dir.resolve("other-ca"), "Some other CA");
    JobConfig untrusted = jobConfig.with("kafka.ssl.truststore.location", other.truststore().toString())
        .with("kafka.ssl.truststore.password", other.password());
    assertThatThrownBy(() -> KafkaAccessCheck.verify(untrusted, Duration.ofSeconds(30)))
        .isInstanceOf(KafkaAccessCheck.AccessDenied.class)
        .hasMessage("TLS handshake with Kafka at " + kafka.bootstrapServers() + " failed: the broker's certificate is "
            + "not signed by a certificate authority in the truststore " + other.truststore());

    JobConfig expired = jobConfig.with("bootstrap.servers", kafka.expiredCertificateBootstrap());
    assertThatThrownBy(() -> KafkaAccessCheck.verify(expired, Duration.ofSeconds(30)))
        .isInstanceOf(KafkaAccessCheck.AccessDenied.class)
        .hasMessageStartingWith("TLS handshake with Kafka at " + kafka.expiredCertificateBootstrap()
            + " failed: the broker's certificate has expired (NotAfter: ")
        .hasMessageEndingWith("); the broker needs a new one");
  }

  private static String[] tailArgs(String topic, Map<String, String> client, String bootstrap) {
    List<String> args = new java.util.ArrayList<>(List.of(topic, "--type", "samples", "--bootstrap-servers", bootstrap,
        "--idle-exit-s", "20"));
    client.forEach((k, v) -> args.addAll(List.of("--kafka", k + "=" + v)));
    return args.toArray(String[]::new);
  }

  private static int capturingStreams(java.util.function.IntSupplier run, String[] err) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      return run.getAsInt();
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      err[0] = e.toString(StandardCharsets.UTF_8);
    }
  }

  /** Writes to both: the logs still reach the console while the test keeps a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      synchronized (b) {
        b.write(x);
      }
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      synchronized (b) {
        b.write(bytes, off, len);
      }
    }
  }
}

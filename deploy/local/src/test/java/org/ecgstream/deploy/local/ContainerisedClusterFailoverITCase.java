package org.ecgstream.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.ecgstream.job.replay.ReplayTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The same failover scenario against containers: the images docker-compose.yml uses (versions from
 * .env), a KRaft Kafka broker, a Flink JobManager and two TaskManagers sharing a checkpoint folder.
 * Runs where a Docker engine is; skipped cleanly where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerisedClusterFailoverITCase {
  private static final String MODEL_IN_CONTAINER = "/models/ecg5000-autoencoder.zip";
  private static final Network NETWORK = Network.newNetwork();
  private static Map<String, String> versions;
  private static Path shared;
  private static KafkaContainer kafka;
  private static GenericContainer<?> jobManager;
  private static final Map<Integer, GenericContainer<?>> TASK_MANAGERS = new HashMap<>();
  /** Every TaskManager container started, killed ones included, to remove them at the end. */
  private static final List<GenericContainer<?>> STARTED = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    versions = dotEnv(Path.of(System.getProperty("repo.root")).resolve(".env"));
    shared = Files.createTempDirectory("ecg-containers");
    // The Flink images run as their own user: the shared checkpoint folder must be writable to it.
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    kafka = new KafkaContainer("apache/kafka:" + versions.get("KAFKA_VERSION"))
        .withNetwork(NETWORK).withListener("kafka:19092");
    kafka.start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.getBootstrapServers()))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String t : List.of("ecg.samples", "ecg.beat-scores", "ecg.alerts", "ecg.dead-letters")) {
        topics.add(new NewTopic(t, 4, (short) 1));
      }
      admin.createTopics(topics).all().get();
    }
    jobManager = flink("jobmanager").withNetworkAliases("jobmanager").withExposedPorts(8081)
        .waitingFor(Wait.forHttp("/overview").forPort(8081));
    jobManager.start();
    startTaskManager(1);
    startTaskManager(2);
  }

  @AfterAll
  static void stop() {
    STARTED.forEach(GenericContainer::stop);
    if (jobManager != null) {
      jobManager.stop();
    }
    if (kafka != null) {
      kafka.stop();
    }
    NETWORK.close();
  }

  @Test
  void shouldScoreEveryBeatExactlyOnceThroughATaskManagerKillAndASavepointRestart() throws Exception {
    String summary = FailoverScenario.run(new Containers(), Path.of(System.getProperty("shipped.test.file")));
    assertThat(summary).contains("duplicates 0, missing 0");
  }

  private static GenericContainer<?> flink(String role) {
    String properties = String.join("\n",
        "jobmanager.rpc.address: jobmanager",
        "taskmanager.numberOfTaskSlots: 2",
        "taskmanager.memory.process.size: 2560m",
        "taskmanager.memory.task.off-heap.size: 768m",
        "taskmanager.memory.managed.size: 0m",
        "taskmanager.load-balance.mode: SLOTS",
        "execution.checkpointing.dir: file:///shared/checkpoints",
        "execution.checkpointing.savepoint-dir: file:///shared/savepoints",
        "restart-strategy.type: fixed-delay",
        "restart-strategy.fixed-delay.attempts: 20",
        "restart-strategy.fixed-delay.delay: 2 s",
        "heartbeat.interval: 2000",
        "heartbeat.timeout: 10000",
        "rest.server.max-content-length: 524288000");
    return new GenericContainer<>("flink:" + versions.get("FLINK_VERSION") + "-java17")
        .withNetwork(NETWORK).withCommand(role)
        .withEnv("FLINK_PROPERTIES", properties).withEnv("OMP_NUM_THREADS", "1").withEnv("OPENBLAS_NUM_THREADS", "1")
        .withFileSystemBind(shared.toString(), "/shared", BindMode.READ_WRITE)
        .withCopyFileToContainer(MountableFile.forHostPath(System.getProperty("model.file")), MODEL_IN_CONTAINER);
  }

  private static void startTaskManager(int n) {
    GenericContainer<?> tm = flink("taskmanager").dependsOn(jobManager);
    STARTED.add(tm);
    tm.start();
    TASK_MANAGERS.put(n, tm);
  }

  private static Map<String, String> dotEnv(Path file) throws IOException {
    Map<String, String> v = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#") && line.contains("=")) {
        v.put(line.substring(0, line.indexOf('=')).trim(), line.substring(line.indexOf('=') + 1).trim());
      }
    }
    return v;
  }

  /** The containers as the scenario drives them: REST from the host, the replay in this JVM. */
  private static final class Containers implements ClusterUnderTest {
    private final FlinkRest rest = new FlinkRest("http://" + jobManager.getHost() + ":" + jobManager.getMappedPort(8081));
    private String jarId;

    @Override
    public List<Integer> metricsPorts() {
      // These containers run without the Prometheus reporter (docker-compose.yml's Flink services
      // have it): there is nothing to scrape here.
      return List.of();
    }

    @Override
    public String bootstrapServers() {
      return kafka.getBootstrapServers();
    }

    @Override
    public FlinkRest rest() {
      return rest;
    }

    @Override
    public Path workDir() {
      return shared;
    }

    @Override
    public String submit(String savepoint) {
      try {
        if (jarId == null) {
          jarId = rest.uploadJar(Path.of(System.getProperty("job.jar")));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return rest.runJar(jarId, List.of("--bootstrap.servers", "kafka:19092", "--model.path", MODEL_IN_CONTAINER,
          "--checkpoint.interval.ms", "1000"), 2, savepoint);
    }

    @Override
    public Replay replay(String... args) {
      List<String> all = new ArrayList<>(List.of("--bootstrap-servers", kafka.getBootstrapServers()));
      all.addAll(List.of(args));
      CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> ReplayTool.execute(all.toArray(String[]::new)));
      return new Replay() {
        @Override
        public boolean isAlive() {
          return !run.isDone();
        }

        @Override
        public void await() {
          assertThat(run.join()).as("replay exit code").isZero();
        }
      };
    }

    @Override
    public void killTaskManager(int n) {
      GenericContainer<?> tm = TASK_MANAGERS.remove(n);
      DockerClientFactory.instance().client().killContainerCmd(tm.getContainerId()).withSignal("KILL").exec();
    }

    @Override
    public void startTaskManager(int n) {
      ContainerisedClusterFailoverITCase.startTaskManager(n);
    }

    @Override
    public String stopWithSavepoint(String jobId) {
      return rest.stopWithSavepoint(jobId);
    }
  }
}

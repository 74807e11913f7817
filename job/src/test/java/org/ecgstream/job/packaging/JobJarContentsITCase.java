package org.ecgstream.job.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job jar a cluster runs carries the job, its tools, the model library and the connectors, and
 * none of the playground (in-JVM broker, demo, benchmark), Flink's runtime, test code or test
 * libraries: those would clash with the cluster's own classes or only add weight. Runs after
 * {@code package}, on the shaded jar itself.
 */
class JobJarContentsITCase {
  static List<String> entries;

  @BeforeAll
  static void list() throws IOException {
    Path jar = Path.of(System.getProperty("job.jar"));
    assertThat(jar).as("the shaded job jar (mvn package)").exists();
    try (JarFile f = new JarFile(jar.toFile())) {
      entries = f.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void carriesTheJobItsToolsTheModelLibraryAndTheConnectors() {
    assertThat(entries).contains(
        "org/ecgstream/job/EcgAnomalyJob.class",
        "org/ecgstream/job/replay/ReplayTool.class",
        "org/ecgstream/job/tail/TopicTail.class",
        "org/ecgstream/model/scoring/Scorer.class",
        "org/ecgstream/schemas/SampleFrame.class",
        "org/apache/flink/connector/kafka/sink/KafkaSink.class",
        "org/apache/kafka/clients/consumer/KafkaConsumer.class");
    assertThat(entries)
        .contains("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libjnind4jcpu.so");
    assertThat(manifest()).contains("Main-Class: org.ecgstream.job.EcgAnomalyJob");
  }

  @Test
  void carriesNoPlaygroundNoBrokerNoPlotsAndNoTestCode() {
    assertThat(entries).noneMatch(e -> e.startsWith("org/ecgstream/playground/"))
        // Test classes of this module (fixtures, collecting sinks).
        .noneMatch(e -> e.startsWith("org/ecgstream/job/wiring/") || e.startsWith("org/ecgstream/job/packaging/"))
        .noneMatch(e -> e.startsWith("org/ecgstream/") && (e.endsWith("Test.class") || e.endsWith("ITCase.class")))
        .noneMatch(e -> e.equals("org/ecgstream/job/functions/MalformedFrames.class"))
        // The in-JVM broker (Scala 'kafka' packages) and Kafka's test cluster kit.
        .noneMatch(e -> e.startsWith("kafka/") && e.endsWith(".class"))
        .noneMatch(e -> e.startsWith("org/apache/kafka/common/test/"))
        // Only the report's plots use it; the model library keeps it optional.
        .noneMatch(e -> e.startsWith("org/knowm/"))
        .noneMatch(e -> e.startsWith("org/slf4j/simple/") || e.startsWith("org/apache/logging/log4j/"))
        .noneMatch(e -> e.startsWith("org/junit/") || e.startsWith("org/assertj/") || e.startsWith("org/awaitility/"));
  }

  @Test
  void carriesOfFlinkOnlyTheConnectorsAndFormatsTheClusterDoesNotHave() {
    // Flink is the cluster's: a second copy of its core, runtime, API or client in the job's
    // class loader would shadow it. Connectors and formats are not part of Flink's distribution.
    assertThat(entries.stream().filter(e -> e.startsWith("org/apache/flink/") && e.endsWith(".class")))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).as("a Flink class in the job jar").matches(
            "org/apache/flink/(connector|formats|streaming/connectors|streaming/util/serialization)/.*"));
  }

  @Test
  void carriesNoOnnxRuntime() {
    // Only the model tools' checks and benchmark use it (an optional dependency of model-training);
    // its jar is 75 MB of natives for several platforms.
    assertThat(entries).noneMatch(e -> e.startsWith("ai/onnxruntime/"));
  }

  private static String manifest() {
    try (JarFile f = new JarFile(System.getProperty("job.jar"))) {
      return new String(f.getInputStream(f.getEntry("META-INF/MANIFEST.MF")).readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

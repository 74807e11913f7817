package org.ecgstream.job.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The job's whole configuration in one typed, immutable place, read from {@code --key value}
 * arguments and/or a properties file ({@code --config file}); arguments win. Every key and its
 * default is listed in {@link #DEFAULTS} and in the README.
 *
 * <p>Keys starting with {@code kafka.} are handed to every Kafka client with the prefix removed
 * (security.protocol, sasl.*, ssl.*). A value {@code ${env:NAME}} is read from the environment so
 * secrets stay out of files and arguments; such values are never printed.
 */
public record JobConfig(String bootstrapServers, String samplesTopic, String scoresTopic, String alertsTopic,
                        String deadLettersTopic, String groupId, String startingOffsets, Path modelPath,
                        String scorerEngine, int scorerThreads, boolean scoresEmbedding, String beats, int rPeakLead, Duration rPeakBefore,
                        Duration rPeakAfter, Duration calibrationLearning, double calibrationK,
                        double calibrationTemplateK, double calibrationTemplateMinMismatch,
                        int windowStride, int frameMaxSamples,
                        int sourceIdMaxBytes, Duration clockMaxAhead, Duration clockMaxBehind,
                        Duration allowedLateness, Duration stateTtl, int batchMaxSize,
                        Duration batchMaxWait, int alertK, int alertM, int alertCloseAfter, int alertUpdateEvery,
                        Duration checkpointInterval, boolean exactlyOnce, String transactionalIdPrefix,
                        Duration transactionTimeout, int parallelism, int deadLetterMaxRawBytes,
                        java.util.List<String> channelNames, int sourceLearningWindows, int sourceLearningEpochs,
                        double sourceLearningFactor, boolean sourceLearningFromModel, boolean beatClassifier,
                        Map<String, String> kafkaClientProperties) implements Serializable {

  /** Every key with its default; an empty default means "required" or "derived" as documented. */
  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("bootstrap.servers", "localhost:9092");
    d.put("topic.samples", "ecg.samples");
    d.put("topic.scores", "ecg.beat-scores");
    d.put("topic.alerts", "ecg.alerts");
    d.put("topic.dead-letters", "ecg.dead-letters");
    d.put("group.id", "ecg-anomaly-job");
    d.put("starting.offsets", "committed-or-earliest");
    d.put("model.path", "model-training/models/ecg5000-autoencoder.zip");
    d.put("scorer.engine", "fused");
    d.put("scorer.threads", "1");
    d.put("scores.embedding", "false");
    d.put("beats", "fixed-grid");
    d.put("rpeak.lead", "0");
    d.put("rpeak.before-ms", "250");
    d.put("rpeak.after-ms", "450");
    d.put("calibration.learning-ms", "0");
    d.put("calibration.k", "8");
    d.put("calibration.template-k", "5");
    d.put("calibration.template-min-mismatch", "0.4");
    d.put("window.stride", "0");
    d.put("frame.max-samples", "4096");
    d.put("source-id.max-bytes", "128");
    d.put("clock.max-ahead.ms", "60000");
    d.put("clock.max-behind.ms", "0");
    d.put("assembler.allowed-lateness.ms", "1000");
    d.put("state.ttl.ms", "600000");
    d.put("batch.max-size", "32");
    d.put("batch.max-wait.ms", "50");
    d.put("alert.k", "3");
    d.put("alert.m", "5");
    d.put("alert.close-after", "5");
    d.put("alert.update-every", "10");
    d.put("checkpoint.interval.ms", "2000");
    d.put("delivery.guarantee", "exactly-once");
    d.put("transactional.id.prefix", "ecg-anomaly");
    d.put("transaction.timeout.ms", "900000");
    d.put("parallelism", "0");
    d.put("dead-letter.max-raw-bytes", "4096");
    d.put("channel.names", "");
    d.put("source-learning.windows", "0");
    d.put("source-learning.epochs", "30");
    d.put("source-learning.factor", "1.5");
    d.put("source-learning.from-model", "false");
    d.put("beat-classifier", "auto");
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  /** Upper bound of {@code dead-letter.max-raw-bytes}. */
  public static final int MAX_DEAD_LETTER_RAW_BYTES = 512 * 1024;

  private static final Set<String> SECRET_HINTS = Set.of("password", "secret", "jaas", "token", "key");

  /** Parses arguments of the form {@code --key value} (and {@code --config file}). */
  public static JobConfig fromArgs(String... args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value pairs, got '" + a + "'");
      }
      given.put(a.substring(2), args[++i]);
    }
    Map<String, String> merged = new LinkedHashMap<>();
    String file = given.remove("config");
    if (file != null) {
      merged.putAll(readProperties(Path.of(file)));
    }
    merged.putAll(given);
    return fromMap(merged, System::getenv);
  }

  public static JobConfig fromMap(Map<String, String> values, Function<String, String> env) {
    Map<String, String> kafka = new TreeMap<>();
    Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      String value = resolveEnv(key, e.getValue(), env);
      if (key.startsWith("kafka.")) {
        kafka.put(key.substring("kafka.".length()), value);
      } else if (DEFAULTS.containsKey(key)) {
        v.put(key, value);
      } else {
        throw new IllegalArgumentException("unknown configuration key '" + key + "' (see the README for the list)");
      }
    }
    String guarantee = v.get("delivery.guarantee").toLowerCase(Locale.ROOT);
    if (!guarantee.equals("exactly-once") && !guarantee.equals("at-least-once")) {
      throw new IllegalArgumentException("delivery.guarantee must be exactly-once or at-least-once, got " + guarantee);
    }
    if (!Set.of("fused", "dl4j").contains(v.get("scorer.engine"))) {
      throw new IllegalArgumentException("scorer.engine must be fused or dl4j, got " + v.get("scorer.engine"));
    }
    String embedding = v.get("scores.embedding").toLowerCase(Locale.ROOT);
    if (!embedding.equals("true") && !embedding.equals("false")) {
      throw new IllegalArgumentException("scores.embedding must be true or false, got " + v.get("scores.embedding"));
    }
    String beats = v.get("beats");
    if (!Set.of("fixed-grid", "r-peak").contains(beats)) {
      throw new IllegalArgumentException("beats must be fixed-grid or r-peak, got " + beats);
    }
    String offsets = v.get("starting.offsets");
    if (!Set.of("committed-or-earliest", "earliest", "latest").contains(offsets)) {
      throw new IllegalArgumentException("starting.offsets must be committed-or-earliest, earliest or latest");
    }
    JobConfig c = new JobConfig(v.get("bootstrap.servers"), v.get("topic.samples"), v.get("topic.scores"),
        v.get("topic.alerts"), v.get("topic.dead-letters"), v.get("group.id"), offsets, Path.of(v.get("model.path")),
        v.get("scorer.engine"), positive(v, "scorer.threads"), embedding.equals("true"), beats, nonNegative(v, "rpeak.lead"),
        millis(v, "rpeak.before-ms"), millis(v, "rpeak.after-ms"), millis(v, "calibration.learning-ms"),
        positiveNumber(v, "calibration.k"), positiveNumber(v, "calibration.template-k"),
        positiveNumber(v, "calibration.template-min-mismatch"), nonNegative(v, "window.stride"),
        positive(v, "frame.max-samples"), positive(v, "source-id.max-bytes"), millis(v, "clock.max-ahead.ms"),
        millis(v, "clock.max-behind.ms"),
        millis(v, "assembler.allowed-lateness.ms"), millis(v, "state.ttl.ms"), positive(v, "batch.max-size"),
        millis(v, "batch.max-wait.ms"), positive(v, "alert.k"), positive(v, "alert.m"),
        positive(v, "alert.close-after"), positive(v, "alert.update-every"), millis(v, "checkpoint.interval.ms"),
        guarantee.equals("exactly-once"), v.get("transactional.id.prefix"), millis(v, "transaction.timeout.ms"),
        nonNegative(v, "parallelism"), nonNegative(v, "dead-letter.max-raw-bytes"),
        channelNames(v.get("channel.names")), nonNegative(v, "source-learning.windows"),
        positive(v, "source-learning.epochs"), positiveNumber(v, "source-learning.factor"),
        bool(v, "source-learning.from-model"), beatClassifier(v.get("beat-classifier")),
        Collections.unmodifiableMap(kafka));
    if (c.alertK > c.alertM) {
      throw new IllegalArgumentException("alert.k (" + c.alertK + ") cannot exceed alert.m (" + c.alertM + ")");
    }
    if (c.sourceLearningWindows > 0 && c.sourceLearningWindows < 10) {
      throw new IllegalArgumentException("source-learning.windows must be 0 (off) or at least 10, got "
          + c.sourceLearningWindows);
    }
    if (c.sourceLearningWindows > 0 && !c.calibrationLearning.isZero()) {
      throw new IllegalArgumentException("source-learning.windows and calibration.learning-ms both learn each source: "
          + "set one of them");
    }
    if (c.deadLetterMaxRawBytes > MAX_DEAD_LETTER_RAW_BYTES) {
      // A dead letter must always fit the broker's default 1 MB record limit, whatever it carries.
      throw new IllegalArgumentException("dead-letter.max-raw-bytes must be at most " + MAX_DEAD_LETTER_RAW_BYTES);
    }
    if (c.sourceIdMaxBytes > 4096) {
      throw new IllegalArgumentException("source-id.max-bytes must be at most 4096");
    }
    if (c.calibrationTemplateMinMismatch > 2) {
      throw new IllegalArgumentException("calibration.template-min-mismatch is 1 - a correlation: at most 2, got "
          + c.calibrationTemplateMinMismatch);
    }
    if (c.alertM > 31) {
      throw new IllegalArgumentException("alert.m must be at most 31");
    }
    return c;
  }

  /** {@code auto}: beats cut around R peaks are judged by the model file's classifier where it has one; {@code off}: never. */
  private static boolean beatClassifier(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("beat-classifier must be auto or off, got " + value);
    };
  }

  /** The comma-separated names of the model's input channels; blank: none given. */
  private static java.util.List<String> channelNames(String value) {
    if (value == null || value.isBlank()) {
      return java.util.List.of();
    }
    java.util.List<String> names = java.util.Arrays.stream(value.split(",")).map(String::strip).toList();
    if (names.stream().anyMatch(String::isEmpty) || names.size() != new java.util.HashSet<>(names).size()) {
      throw new IllegalArgumentException("channel.names must be distinct non-empty names separated by commas, got '"
          + value + "'");
    }
    return names;
  }

  /** Kafka client properties: bootstrap servers plus the passthrough keys. */
  public Properties kafkaProperties() {
    Properties p = new Properties();
    p.putAll(kafkaClientProperties);
    p.setProperty("bootstrap.servers", bootstrapServers);
    return p;
  }

  public JobConfig with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(asMap());
    m.put(key, value);
    return fromMap(m, k -> null);
  }

  /** The configuration as keys and values, as given (environment references are already resolved). */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap.servers", bootstrapServers);
    m.put("topic.samples", samplesTopic);
    m.put("topic.scores", scoresTopic);
    m.put("topic.alerts", alertsTopic);
    m.put("topic.dead-letters", deadLettersTopic);
    m.put("group.id", groupId);
    m.put("starting.offsets", startingOffsets);
    m.put("model.path", modelPath.toString());
    m.put("scorer.engine", scorerEngine);
    m.put("scorer.threads", String.valueOf(scorerThreads));
    m.put("scores.embedding", String.valueOf(scoresEmbedding));
    m.put("beats", beats);
    m.put("rpeak.lead", String.valueOf(rPeakLead));
    m.put("rpeak.before-ms", String.valueOf(rPeakBefore.toMillis()));
    m.put("rpeak.after-ms", String.valueOf(rPeakAfter.toMillis()));
    m.put("calibration.learning-ms", String.valueOf(calibrationLearning.toMillis()));
    m.put("calibration.k", String.valueOf(calibrationK));
    m.put("calibration.template-k", String.valueOf(calibrationTemplateK));
    m.put("calibration.template-min-mismatch", String.valueOf(calibrationTemplateMinMismatch));
    m.put("window.stride", String.valueOf(windowStride));
    m.put("frame.max-samples", String.valueOf(frameMaxSamples));
    m.put("source-id.max-bytes", String.valueOf(sourceIdMaxBytes));
    m.put("clock.max-ahead.ms", String.valueOf(clockMaxAhead.toMillis()));
    m.put("clock.max-behind.ms", String.valueOf(clockMaxBehind.toMillis()));
    m.put("assembler.allowed-lateness.ms", String.valueOf(allowedLateness.toMillis()));
    m.put("state.ttl.ms", String.valueOf(stateTtl.toMillis()));
    m.put("batch.max-size", String.valueOf(batchMaxSize));
    m.put("batch.max-wait.ms", String.valueOf(batchMaxWait.toMillis()));
    m.put("alert.k", String.valueOf(alertK));
    m.put("alert.m", String.valueOf(alertM));
    m.put("alert.close-after", String.valueOf(alertCloseAfter));
    m.put("alert.update-every", String.valueOf(alertUpdateEvery));
    m.put("checkpoint.interval.ms", String.valueOf(checkpointInterval.toMillis()));
    m.put("delivery.guarantee", exactlyOnce ? "exactly-once" : "at-least-once");
    m.put("transactional.id.prefix", transactionalIdPrefix);
    m.put("transaction.timeout.ms", String.valueOf(transactionTimeout.toMillis()));
    m.put("parallelism", String.valueOf(parallelism));
    m.put("dead-letter.max-raw-bytes", String.valueOf(deadLetterMaxRawBytes));
    m.put("channel.names", String.join(",", channelNames));
    m.put("source-learning.windows", String.valueOf(sourceLearningWindows));
    m.put("source-learning.epochs", String.valueOf(sourceLearningEpochs));
    m.put("source-learning.factor", String.valueOf(sourceLearningFactor));
    m.put("source-learning.from-model", String.valueOf(sourceLearningFromModel));
    m.put("beat-classifier", beatClassifier ? "auto" : "off");
    kafkaClientProperties.forEach((k, val) -> m.put("kafka." + k, val));
    return m;
  }

  /** For logs: every value, with secrets masked. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("JobConfig{");
    asMap().forEach((k, val) -> s.append(k).append('=').append(isSecret(k) ? "****" : val).append(", "));
    return s.append('}').toString();
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.startsWith("kafka.") && SECRET_HINTS.stream().anyMatch(k::contains);
  }

  /**
   * {@code values} with every {@code ${env:NAME}} value read from {@code env}, for the tools' Kafka
   * settings too, so that a password need not be on a command line (where {@code ps} shows it).
   */
  public static Map<String, String> resolvingEnvironment(Map<String, String> values, Function<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, resolveEnv(k, v, env)));
    return out;
  }

  private static String resolveEnv(String key, String value, Function<String, String> env) {
    if (value.startsWith("${env:") && value.endsWith("}")) {
      String name = value.substring(6, value.length() - 1);
      String resolved = env.apply(name);
      if (resolved == null) {
        throw new IllegalArgumentException("configuration key '" + key + "' refers to environment variable " + name
            + ", which is not set");
      }
      return resolved;
    }
    return value;
  }

  private static Map<String, String> readProperties(Path file) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }

  private static boolean bool(Map<String, String> v, String key) {
    String value = v.get(key).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(key + " must be true or false, got " + v.get(key));
    }
    return value.equals("true");
  }

  private static int positive(Map<String, String> v, String key) {
    int n = integer(v, key);
    if (n < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + n);
    }
    return n;
  }

  private static double positiveNumber(Map<String, String> v, String key) {
    try {
      double x = Double.parseDouble(v.get(key).strip());
      if (!(x > 0) || Double.isInfinite(x)) {
        throw new IllegalArgumentException(key + " must be a positive number, got " + v.get(key));
      }
      return x;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v.get(key) + "'");
    }
  }

  private static int nonNegative(Map<String, String> v, String key) {
    int n = integer(v, key);
    if (n < 0) {
      throw new IllegalArgumentException(key + " must not be negative, got " + n);
    }
    return n;
  }

  private static int integer(Map<String, String> v, String key) {
    try {
      return Integer.parseInt(v.get(key).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + v.get(key) + "'");
    }
  }

  private static Duration millis(Map<String, String> v, String key) {
    try {
      long ms = Long.parseLong(v.get(key).strip());
      if (ms < 0) {
        throw new IllegalArgumentException(key + " must not be negative");
      }
      return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be milliseconds, got '" + v.get(key) + "'");
    }
  }
}

package org.ecgstream.job.tail;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.CommittedTopicReader;
import org.ecgstream.job.io.KafkaFailures;
import org.ecgstream.job.io.TopicValues;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.ecgstream.schemas.SampleFrame;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ecg-tail}: prints a topic's records as readable lines or JSON, as a downstream consumer
 * sees them (only committed transactions). The topics carry binary Avro; this is the tool to look
 * at them. A record that does not decode is reported on standard error and skipped.
 */
@Command(name = "ecg-tail", mixinStandardHelpOptions = true,
    description = "Print the records of ecg.alerts, ecg.beat-scores, ecg.dead-letters or ecg.samples, decoded.")
public final class TopicTail implements Callable<Integer> {
  /** What a topic holds, and how one record reads as a line. */
  enum Kind {
    ALERTS(Alert.class), SCORES(BeatScore.class), DEAD_LETTERS(DeadLetter.class), SAMPLES(SampleFrame.class);

    final Class<? extends SpecificRecord> type;

    Kind(Class<? extends SpecificRecord> type) {
      this.type = type;
    }
  }
  private static final Map<String, Kind> DEFAULT_TOPICS = Map.of("ecg.alerts", Kind.ALERTS,
      "ecg.beat-scores", Kind.SCORES, "ecg.dead-letters", Kind.DEAD_LETTERS, "ecg.samples", Kind.SAMPLES);

  @Parameters(index = "0", description = "Topic to read, e.g. ecg.alerts.")
  String topic;

  @Option(names = "--type", description = "alerts, scores, dead-letters or samples (default: from the topic's "
      + "default name).")
  String type;

  @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "(default: ${DEFAULT-VALUE})")
  String bootstrap;

  @Option(names = "--from", defaultValue = "beginning", description = "beginning or end (default: ${DEFAULT-VALUE}).")
  String from;

  @Option(names = "--json", description = "One JSON object per line, with every field of the record, instead of a "
      + "readable line.")
  boolean json;

  @Option(names = "--max", defaultValue = "0", description = "Stop after this many records; 0 = never "
      + "(default: ${DEFAULT-VALUE}).")
  int max;

  @Option(names = "--idle-exit-s", defaultValue = "0", description = "Stop after this many seconds without a record; "
      + "0 = never (default: ${DEFAULT-VALUE}).")
  int idleExitSeconds;

  @Option(names = "--kafka", description = "Extra Kafka consumer properties key=value (repeatable); a value $${env:NAME} is read "
      + "from the environment (keep passwords off the command line).")
  Map<String, String> kafka = Map.of();

  private final PrintStream out;
  private final PrintStream err;

  TopicTail(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(execute(System.out, System.err, args));
  }

  public static int execute(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new TopicTail(out, err));
    cli.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      err.println("error: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    Kind kind = kind();
    if (!from.equals("beginning") && !from.equals("end")) {
      throw new IllegalArgumentException("--from must be beginning or end, got " + from);
    }
    Properties p = new Properties();
    p.putAll(JobConfig.resolvingEnvironment(kafka, System::getenv));
    p.setProperty("bootstrap.servers", bootstrap);
    int printed = 0;
    long lastRecord = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = CommittedTopicReader.committedConsumer(p, topic, "ecg-tail-",
        from.equals("end"))) {
      while (max == 0 || printed < max) {
        if (idleExitSeconds > 0 && System.nanoTime() - lastRecord > Duration.ofSeconds(idleExitSeconds).toNanos()) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          lastRecord = System.nanoTime();
          try {
            SpecificRecord value = TopicValues.decode(r.value(), kind.type);
            out.println(json ? value.toString() : line(kind, value));
          } catch (IOException | RuntimeException e) {
            err.printf("%s-%d@%d: undecodable %s record (%s)%n", r.topic(), r.partition(), r.offset(),
                kind.name().toLowerCase(Locale.ROOT), e.getMessage());
          }
          if (max > 0 && ++printed >= max) {
            break;
          }
        }
      }
    } catch (KafkaException e) {
      throw new IllegalStateException(KafkaFailures.describe(e, p), e);
    }
    return 0;
  }

  private Kind kind() {
    if (type == null) {
      Kind k = DEFAULT_TOPICS.get(topic);
      if (k == null) {
        throw new IllegalArgumentException("cannot tell what " + topic + " holds from its name; give --type "
            + "alerts, scores, dead-letters or samples");
      }
      return k;
    }
    try {
      return Kind.valueOf(type.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--type must be alerts, scores, dead-letters or samples, got " + type);
    }
  }

  /** One readable line: when, which source, what happened. Times are UTC, ISO-8601. */
  static String line(Kind kind, SpecificRecord value) {
    return switch (kind) {
      case ALERTS -> alertLine((Alert) value);
      case SCORES -> {
        BeatScore s = (BeatScore) value;
        yield String.format(Locale.ROOT, "%s %s samples %d..%d loss %.2f vs threshold %.2f%s%s%s",
            Instant.ofEpochMilli(s.getEndTimeMillis()), s.getSourceId(), s.getFirstSequence(), s.getLastSequence(),
            s.getLoss(), s.getThreshold(), template(s.getTemplateMismatch(), s.getTemplateThreshold()),
            s.getThresholdKind() == null ? "" : " (" + s.getThresholdKind() + ")", s.getAnomalous() ? " ANOMALOUS" : "");
      }
      case DEAD_LETTERS -> {
        DeadLetter d = (DeadLetter) value;
        yield String.format(Locale.ROOT, "%s %s %s-%d@%d: %s", Instant.ofEpochMilli(d.getDetectedAtMillis()),
            d.getSourceId() == null ? "(unknown source)" : d.getSourceId(), d.getTopic(), d.getPartition(),
            d.getOffset(), d.getReason());
      }
      case SAMPLES -> {
        SampleFrame f = (SampleFrame) value;
        yield String.format(Locale.ROOT, "%s %s from sample %d: %d values", Instant.ofEpochMilli(f.getEventTimeMillis()),
            f.getSourceId(), f.getSequence(), f.getValues().size());
      }
    };
  }

  /**
   * An alert event: its time, the source, the kind and why; the episode's beats; the peak loss
   * against the threshold and the peak beat (its time and first sample, and its template mismatch
   * against the source's threshold when it has one); the samples from the episode's earliest known
   * anomalous beat (the opening beat, or an earlier one among those that opened it) to the end of
   * the beat that caused the event. Alerts from writers that did not name the peak beat omit it.
   */
  /** Rhythm kinds as a reader says them: VENTRICULAR_RUN as "ventricular run". */
  public static String rhythms(java.util.List<String> kinds) {
    return String.join(", ", kinds.stream().map(k -> k.toLowerCase(Locale.ROOT).replace('_', ' ')
        .replace("pvc", "PVCs")).toList());
  }

  public static String alertLine(Alert a) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s %s %s: %s; beats %d, anomalous %d; "
            + "peak loss %.2f vs threshold %.2f", Instant.ofEpochMilli(a.getEventTimeMillis()), a.getSourceId(),
        a.getKind(), a.getReason(), a.getBeats(), a.getAnomalousBeats(), a.getPeakLoss(), a.getThreshold()));
    if (a.getPeakSequence() != null) {
      b.append(" at ").append(a.getPeakTimeMillis() == null ? "?" : Instant.ofEpochMilli(a.getPeakTimeMillis()))
          .append(" (beat from sample ").append(a.getPeakSequence())
          .append(template(a.getPeakTemplateMismatch(), a.getPeakTemplateThreshold())).append(')');
    }
    long from = a.getAnomalousSequences().isEmpty() ? a.getFirstSequence()
        : Math.min(a.getFirstSequence(), a.getAnomalousSequences().get(0));
    b.append(String.format(Locale.ROOT, "; samples %d..%d", from, a.getLastSequence()));
    if (!a.getRhythms().isEmpty()) {
      b.append("; rhythms ").append(rhythms(a.getRhythms()));
    }
    // Multi-channel models: which sensors the episode is about, by their share of its error.
    for (int c = 0; c < Math.min(3, a.getChannels().size()); c++) {
      b.append(c == 0 ? "; channels " : ", ").append(a.getChannels().get(c))
          .append(String.format(Locale.ROOT, " %.0f %%", 100 * a.getChannelShares().get(c)));
    }
    return b.toString();
  }

  /** ", template mismatch M vs T", or nothing without a mismatch. */
  private static String template(Double mismatch, Double threshold) {
    if (mismatch == null) {
      return "";
    }
    return String.format(Locale.ROOT, ", template mismatch %.3f vs %s", mismatch,
        threshold == null ? "?" : String.format(Locale.ROOT, "%.3f", threshold));
  }
}

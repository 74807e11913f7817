package org.ecgstream.job.replay;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.ShippedData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replays recorded beat archives (UCR, ARFF or CSV) into Kafka as simulated patients, at
 * real-time pace or as fast as possible, with a progress bar and a final count.
 */
@Command(name = "ecg-replay", mixinStandardHelpOptions = true,
    description = "Produce archive beats to Kafka as N simulated patients.")
public final class ReplayTool implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "(default: ${DEFAULT-VALUE})")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "ecg.samples", description = "(default: ${DEFAULT-VALUE})")
  String topic;

  @Option(names = "--data", split = ",", description = "Archive files (default: the shipped ECG5000 TEST file).")
  List<Path> data;

  @Option(names = "--patients", defaultValue = "10", description = "Simulated patients (default: ${DEFAULT-VALUE}).")
  int patients;

  @Option(names = "--limit", defaultValue = "0", description = "Replay at most this many beats; 0 = all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--from", defaultValue = "0", description = "Skip this many archive beats and continue each "
      + "patient's stream after them, as if an earlier replay had sent them; a multiple of --patients (default: ${DEFAULT-VALUE}).")
  int from;

  @Option(names = "--pace", defaultValue = "realtime", description = "realtime or max (default: ${DEFAULT-VALUE}).")
  String pace;

  @Option(names = "--beat-ms", defaultValue = "800", description = "Duration of one window per patient (default: ${DEFAULT-VALUE}).")
  long beatMillis;

  @Option(names = "--frame-samples", defaultValue = "35", description = "Samples per Kafka record (default: ${DEFAULT-VALUE}).")
  int frameSamples;

  @Option(names = "--kafka", description = "Extra Kafka producer properties key=value (repeatable), e.g. security.protocol=SSL.")
  java.util.Map<String, String> kafka = java.util.Map.of();

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new ReplayTool());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    if (!pace.equals("realtime") && !pace.equals("max")) {
      throw new IllegalArgumentException("--pace must be realtime or max, got " + pace);
    }
    List<Path> files = data == null || data.isEmpty() ? List.of(ShippedData.ecg5000().get(1)) : data;
    Dataset d = DatasetReader.read(files);
    if (from < 0 || from % patients != 0 || from >= d.size()) {
      throw new IllegalArgumentException("--from must be a multiple of --patients (" + patients + ") below "
          + d.size() + ", got " + from);
    }
    int end = limit > 0 ? Math.min(d.size(), from + limit) : d.size();
    ReplayPlan plan = ReplayPlan.roundRobin(d.windows().subList(from, end), patients, "patient-", from / patients);
    Properties p = new Properties();
    p.putAll(kafka);
    p.setProperty("bootstrap.servers", bootstrap);
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(p)) {
      ArchiveReplayer.Result r = new ArchiveReplayer(producer, topic, frameSamples, beatMillis, pace.equals("realtime"))
          .replay(plan, System.currentTimeMillis(), System.out);
      System.out.printf("replayed %d beats of %d patients (%d frames, %d samples) to %s in %.1f s%n", r.beats(), patients,
          r.frames(), r.samples(), topic, r.seconds());
    }
    return 0;
  }
}

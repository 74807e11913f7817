package org.ecgstream.job.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.io.KafkaFailures;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.wfdb.WfdbRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replays recorded beat archives (UCR, ARFF or CSV) into Kafka as simulated patients, or
 * continuous WFDB records (MIT-BIH) as one patient each, at real-time pace or as fast as
 * possible, with a progress bar and a final count.
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

  @Option(names = "--wfdb", split = ",", description = "Continuous WFDB records instead of beat archives, e.g. "
      + "data/mitdb/100,data/mitdb/208: each record is one patient (mitdb-100, ...), sent at its own sampling rate.")
  List<Path> wfdb;

  @Option(names = "--lead", defaultValue = "MLII", description = "With --wfdb: the lead to send, from whichever "
      + "channel each record has it on (a record without it is refused), 'first' for each record's first signal, or "
      + "'all' (default: ${DEFAULT-VALUE}).")
  String lead;

  @Option(names = "--seconds", defaultValue = "0", description = "With --wfdb: send at most this many seconds of "
      + "each record; 0 = all (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--patients", defaultValue = "10", description = "Simulated patients (default: ${DEFAULT-VALUE}).")
  int patients;

  @Option(names = "--limit", defaultValue = "0", description = "Replay at most this many beats; 0 = all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--from", defaultValue = "0", description = "Skip this many archive beats and continue each "
      + "patient's stream after them, as if an earlier replay had sent them; a multiple of --patients (default: ${DEFAULT-VALUE}).")
  int from;

  @Option(names = "--pace", defaultValue = "realtime", description = "realtime or max (default: ${DEFAULT-VALUE}).")
  String pace;

  @Option(names = "--speed", defaultValue = "1", description = "With --wfdb and --pace realtime: times faster than "
      + "real time, event times kept at the record's own rate (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(names = "--beat-ms", defaultValue = "800", description = "Duration of one window per patient (default: ${DEFAULT-VALUE}).")
  long beatMillis;

  @Option(names = "--frame-samples", defaultValue = "35", description = "Samples per Kafka record (default: ${DEFAULT-VALUE}).")
  int frameSamples;

  @Option(names = "--kafka", description = "Extra Kafka producer properties key=value (repeatable), e.g. security.protocol=SSL; a value "
      + "$${env:NAME} is read from the environment (keep passwords off the command line).")
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
    if (wfdb != null && !wfdb.isEmpty()) {
      return replayRecords();
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
    p.putAll(JobConfig.resolvingEnvironment(kafka, System::getenv));
    p.setProperty("bootstrap.servers", bootstrap);
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(p)) {
      ArchiveReplayer.Result r = new ArchiveReplayer(producer, topic, frameSamples, beatMillis, pace.equals("realtime"))
          .replay(plan, System.currentTimeMillis(), System.out);
      System.out.printf("replayed %d beats of %d patients (%d frames, %d samples) to %s in %.1f s%n", r.beats(), patients,
          r.frames(), r.samples(), topic, r.seconds());
    } catch (KafkaException | ArchiveReplayer.SendFailed e) {
      throw refused(e, p);
    }
    return 0;
  }

  private Integer replayRecords() {
    List<WfdbRecord> records = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<int[]> channels = new ArrayList<>();
    for (Path p : wfdb) {
      Path dir = p.toAbsolutePath().getParent();
      WfdbRecord r = WfdbRecord.read(dir, p.getFileName().toString());
      int[] these;
      if (lead.equals("all")) {
        these = IntStream.range(0, r.header().signals().size()).toArray();
      } else if (lead.equals("first")) {
        these = new int[] {0};
      } else {
        // Strict: a lead the record lacks (or a typo) must not quietly send another lead to a
        // job whose model learnt this one.
        these = new int[] {r.signal(lead)};
      }
      if (!channels.isEmpty() && channels.get(0).length != these.length) {
        throw new IllegalArgumentException("records differ in their number of leads; send one lead with --lead");
      }
      if (!records.isEmpty() && r.header().frequency() != records.get(0).header().frequency()) {
        throw new IllegalArgumentException("records differ in sampling rate; replay them separately");
      }
      channels.add(these);
      records.add(r);
      ids.add("mitdb-" + r.header().record());
    }
    // One planned "beat" is one second of signal, so the replayer's pace is the record's own rate.
    int perSecond = (int) Math.round(records.get(0).header().frequency());
    ReplayPlan plan = ReplayPlan.ofRecords(records, ids, channels.toArray(int[][]::new), perSecond, seconds);
    Properties props = new Properties();
    props.putAll(JobConfig.resolvingEnvironment(kafka, System::getenv));
    props.setProperty("bootstrap.servers", bootstrap);
    try (KafkaProducer<byte[], byte[]> producer = ArchiveReplayer.producer(props)) {
      ArchiveReplayer.Result r = new ArchiveReplayer(producer, topic, frameSamples, 1000,
          pace.equals("realtime") ? speed : Double.POSITIVE_INFINITY, "seconds")
          .replay(plan, System.currentTimeMillis(), System.out);
      System.out.printf("replayed %d records as %s (%d frames, %d samples, %d Hz) to %s in %.1f s%n", records.size(),
          ids, r.frames(), r.samples(), perSecond, topic, r.seconds());
    } catch (KafkaException | ArchiveReplayer.SendFailed e) {
      throw refused(e, props);
    }
    return 0;
  }

  /** The broker's refusal in one line that names the principal, with how much was not written. */
  private static IllegalStateException refused(RuntimeException e, Properties client) {
    return new IllegalStateException(KafkaFailures.explain(e, client)
        .map(why -> e instanceof ArchiveReplayer.SendFailed f ? why + " (" + f.summary() + ")" : why)
        .orElse(e.getMessage()), e);
  }
}

package org.ecgstream.job.replay;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ecgstream.model.console.ProgressBar;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;

/**
 * Produces a {@link ReplayPlan} to Kafka as simulated patients: all patients in parallel, each
 * sending its beats back to back, at real-time pace (a frame is sent when its event time comes),
 * {@code speed} times faster, or as fast as the broker takes them. Frames are written in the samples
 * topic's wire format ({@link SampleFrameWire}); the Kafka record timestamp is left to the producer
 * (send time), and event times never run ahead of the wall clock: at real-time pace the first frame
 * is stamped now; faster, the replay is laid out so that its last frame is stamped when it is sent;
 * flat out the whole replay lies in the recent past, as a store-and-forward monitor sends it.
 */
public final class ArchiveReplayer {
  /**
   * What was sent, when each beat's last sample left (keyed by {@code sourceId/firstSequence}),
   * and when the producer had flushed everything, epoch milliseconds.
   */
  public record Result(long frames, long samples, int beats, double seconds, Map<String, Long> beatSentAtMillis,
                       long flushedAtMillis) {}

  /**
   * The broker refused frames (authorization, authentication, an outage longer than the delivery
   * timeout): the replay stops and says how many were not acknowledged and one of them (the first
   * whose failure was reported), instead of reporting a count that never arrived.
   */
  public static final class SendFailed extends RuntimeException {
    private final long unacknowledged;
    private final long sent;

    private final String summary;

    SendFailed(long unacknowledged, long sent, String oneFrame, Exception first) {
      super(summary(unacknowledged, sent, oneFrame) + ": " + first.getMessage(), first);
      this.unacknowledged = unacknowledged;
      this.sent = sent;
      this.summary = summary(unacknowledged, sent, oneFrame);
    }

    private static String summary(long unacknowledged, long sent, String oneFrame) {
      return unacknowledged + " of " + sent + " frames were not acknowledged by the broker, among them the frame "
          + oneFrame;
    }

    /** How many frames, and one of them, without Kafka's message. */
    public String summary() {
      return summary;
    }

    /** Frames the broker did not acknowledge: not written, or (an answer lost in an outage) written unconfirmed. */
    public long unacknowledged() {
      return unacknowledged;
    }

    public long sent() {
      return sent;
    }
  }

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final int samplesPerFrame;
  private final long beatMillis;
  /** 1 real time, above 1 that many times faster, infinite flat out. */
  private final double speed;
  private final String unit;

  public ArchiveReplayer(Producer<byte[], byte[]> producer, String topic, int samplesPerFrame, long beatMillis,
                         boolean realTime) {
    this(producer, topic, samplesPerFrame, beatMillis, realTime, "beats");
  }

  /** @param unit what one planned window is, for the progress bar ("beats", or "seconds" of a continuous record) */
  public ArchiveReplayer(Producer<byte[], byte[]> producer, String topic, int samplesPerFrame, long beatMillis,
                         boolean realTime, String unit) {
    this(producer, topic, samplesPerFrame, beatMillis, realTime ? 1 : Double.POSITIVE_INFINITY, unit);
  }

  /** @param speed 1 for real time, more for that many times faster, {@link Double#POSITIVE_INFINITY} for flat out */
  public ArchiveReplayer(Producer<byte[], byte[]> producer, String topic, int samplesPerFrame, long beatMillis,
                         double speed, String unit) {
    if (samplesPerFrame < 1 || beatMillis < 1) {
      throw new IllegalArgumentException("samples per frame and beat duration must be positive");
    }
    if (!(speed >= 1)) {
      throw new IllegalArgumentException("replay speed must be at least 1 (real time), got " + speed);
    }
    this.producer = producer;
    this.topic = topic;
    this.samplesPerFrame = samplesPerFrame;
    this.beatMillis = beatMillis;
    this.speed = speed;
    this.unit = unit;
  }

  /** How long a frame is retried before the replay gives it up (a Kafka producer's delivery.timeout.ms). */
  public static final long DELIVERY_TIMEOUT_MS = 600_000;

  public static KafkaProducer<byte[], byte[]> producer(Properties kafka) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.putIfAbsent("acks", "all");
    p.putIfAbsent("enable.idempotence", "true");
    p.putIfAbsent("linger.ms", "5");
    // A frame is retried until the broker takes it or this passes: a broker restart of a few
    // minutes is ridden out (idempotence keeps retries from duplicating), a longer outage ends the
    // replay naming the frames that did not arrive.
    p.putIfAbsent("delivery.timeout.ms", String.valueOf(DELIVERY_TIMEOUT_MS));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static String beatKey(String sourceId, long firstSequence) {
    return sourceId + "/" + firstSequence;
  }

  /** @param startMillis wall-clock time the replay starts */
  public Result replay(ReplayPlan plan, long startMillis, PrintStream progress) {
    long periodMicros = beatMillis * 1000 / plan.length();
    List<List<PlannedBeat>> sources = new ArrayList<>(plan.bySource().values());
    long firstSequence = sources.stream().filter(s -> !s.isEmpty()).mapToLong(s -> s.get(0).firstSequence())
        .min().orElse(0);
    long endSequence = sources.stream().filter(s -> !s.isEmpty())
        .mapToLong(s -> s.get(s.size() - 1).firstSequence() + plan.length()).max().orElse(0);
    // Event time of sequence number 0: the job re-stamps frames stamped ahead of their arrival.
    boolean paced = Double.isFinite(speed);
    long spanMillis = (endSequence - firstSequence) * periodMicros / 1000;
    long origin = paced
        ? startMillis - firstSequence * periodMicros / 1000 - Math.round(spanMillis * (1 - 1 / speed))
        : startMillis - endSequence * periodMicros / 1000;
    int maxBeats = sources.stream().mapToInt(List::size).max().orElse(0);
    int framesPerBeat = (plan.length() + samplesPerFrame - 1) / samplesPerFrame;
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    ProgressBar bar = new ProgressBar(progress, "replay", plan.beats());
    long wallStart = System.currentTimeMillis();
    long frames = 0;
    long samples = 0;
    int beats = 0;
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    AtomicReference<String> firstFailedFrame = new AtomicReference<>();
    AtomicLong refused = new AtomicLong();
    for (int j = 0; j < maxBeats && firstFailure.get() == null; j++) {
      List<List<SampleFrame>> slot = new ArrayList<>();
      for (List<PlannedBeat> s : sources) {
        slot.add(j < s.size() ? FrameSlicer.frames(s.get(j), plan.channels(), samplesPerFrame, origin, periodMicros)
            : List.of());
      }
      for (int f = 0; f < framesPerBeat; f++) {
        if (paced) {
          long offsetMicros = ((long) j * plan.length() + (long) f * samplesPerFrame) * periodMicros;
          sleepUntil(wallStart + Math.round(offsetMicros / 1000.0 / speed));
        }
        for (List<SampleFrame> beatFrames : slot) {
          if (f >= beatFrames.size()) {
            continue;
          }
          SampleFrame frame = beatFrames.get(f);
          String which = "of " + frame.getSourceId() + " from sample " + frame.getSequence();
          producer.send(new ProducerRecord<>(topic, null, null,
              frame.getSourceId().getBytes(StandardCharsets.UTF_8), SampleFrameWire.encode(frame)), (meta, e) -> {
                if (e != null) {
                  refused.incrementAndGet();
                  if (firstFailure.compareAndSet(null, e)) {
                    firstFailedFrame.set(which);
                  }
                }
              });
          frames++;
          samples += frame.getValues().size() / plan.channels();
          if (f == beatFrames.size() - 1) {
            long first = frame.getSequence() - frame.getSequence() % plan.length();
            sentAt.put(beatKey(frame.getSourceId(), first), System.currentTimeMillis());
            beats++;
          }
        }
      }
      bar.update(beats, unit + " " + beats + "/" + plan.beats());
    }
    producer.flush();
    if (firstFailure.get() != null) {
      bar.finish(beats, "stopped: the broker refused frames");
      throw new SendFailed(refused.get(), frames, firstFailedFrame.get(), firstFailure.get());
    }
    long flushedAt = System.currentTimeMillis();
    double seconds = (flushedAt - wallStart) / 1000.0;
    bar.finish(beats, String.format("sent %d %s, %d frames, %d samples in %.1f s", beats, unit, frames, samples,
        seconds));
    return new Result(frames, samples, beats, seconds, Map.copyOf(sentAt), flushedAt);
  }

  private static void sleepUntil(long due) {
    long wait = due - System.currentTimeMillis();
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("replay interrupted", e);
      }
    }
  }
}

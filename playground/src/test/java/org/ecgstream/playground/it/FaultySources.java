package org.ecgstream.playground.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ecgstream.job.replay.FrameSlicer;
import org.ecgstream.job.replay.PlannedBeat;
import org.ecgstream.schemas.AvroBytes;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.SampleFrame;
import org.ecgstream.schemas.SampleFrameWire;

/**
 * How faulty and hostile inputs are produced: devices with wrong clocks, a rebooting monitor, a
 * producer on the previous schema, and records crafted to break a decoder. Each malformed record
 * is named by the start of the dead-letter reason it must get.
 */
final class FaultySources {
  static final int FRAME = 35;
  static final long PERIOD_MICROS = 800_000 / 140;

  /** Sends the broker refused: a test whose input never arrived must say so, not blame the job. */
  static final List<Exception> SEND_FAILURES = java.util.Collections.synchronizedList(new ArrayList<>());

  private FaultySources() {}

  /** Sends beats as a monitor would, in the current wire format, event time of sequence 0 = {@code origin}. */
  static void send(Producer<byte[], byte[]> producer, String topic, List<PlannedBeat> beats, long origin) {
    for (PlannedBeat b : beats) {
      for (SampleFrame f : FrameSlicer.frames(b, 1, FRAME, origin, PERIOD_MICROS)) {
        send(producer, topic, f.getSourceId(), SampleFrameWire.encode(f));
      }
    }
  }

  /** The same beats as a producer still on SampleFrame v1 writes them: single-object encoding of the v1 schema. */
  static void sendAsV1(Producer<byte[], byte[]> producer, String topic, List<PlannedBeat> beats, long origin) {
    Schema v1 = v1();
    BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(GenericData.get(), v1);
    for (PlannedBeat b : beats) {
      for (SampleFrame f : FrameSlicer.frames(b, 1, FRAME, origin, PERIOD_MICROS)) {
        GenericRecord r = new GenericData.Record(v1);
        r.put("sourceId", f.getSourceId());
        r.put("sequence", f.getSequence());
        r.put("eventTimeMillis", f.getEventTimeMillis());
        r.put("channels", 1);
        r.put("values", f.getValues());
        try {
          ByteBuffer buf = encoder.encode(r);
          send(producer, topic, f.getSourceId(), Arrays.copyOf(buf.array(), buf.limit()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** Beats renumbered from {@code firstSequence}, as a monitor that restarted its counter sends them. */
  static List<PlannedBeat> renumbered(List<PlannedBeat> beats, long firstSequence) {
    List<PlannedBeat> out = new ArrayList<>();
    for (int i = 0; i < beats.size(); i++) {
      PlannedBeat b = beats.get(i);
      out.add(new PlannedBeat(b.sourceId(), firstSequence + (long) i * 140, b.label(), b.values()));
    }
    return out;
  }

  /** The first {@code samples} samples of a beat. */
  static PlannedBeat partial(PlannedBeat b, int samples) {
    return new PlannedBeat(b.sourceId(), b.firstSequence(), b.label(), Arrays.copyOf(b.values(), samples));
  }

  /** 30-odd bytes that announce 400 million floats. */
  static byte[] poisonPill(String sourceId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xC3, 1});
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(SchemaNormalization.parsingFingerprint64(SampleFrame.getClassSchema())).array());
    try {
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
      enc.writeString(sourceId);
      enc.writeLong(0);
      enc.writeLong(System.currentTimeMillis());
      enc.writeLong(PERIOD_MICROS);
      enc.writeInt(1);
      enc.writeArrayStart();
      enc.setItemCount(400_000_000);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static void send(Producer<byte[], byte[]> producer, String topic, String key, byte[] value) {
    // No record timestamp: the producer stamps its send time, the arrival the job compares clocks with.
    producer.send(new ProducerRecord<>(topic, null, null, key.getBytes(StandardCharsets.UTF_8), value), (m, e) -> {
      if (e != null) {
        SEND_FAILURES.add(e);
      }
    });
  }

  private static Schema v1() {
    try (InputStream in = SampleFrameWire.class.getResourceAsStream("history/SampleFrame-v1.avsc")) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

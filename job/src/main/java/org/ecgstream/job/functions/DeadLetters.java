package org.ecgstream.job.functions;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.flink.util.OutputTag;
import org.ecgstream.schemas.DeadLetter;

/**
 * The dead-letter side output shared by the operators, and how its records are made. Every field
 * is bounded (reason, source id, raw bytes), so a dead letter always fits the broker's record
 * limit whatever the input was: an oversized input keeps only its digest.
 */
public final class DeadLetters {
  static final int MAX_REASON_CHARS = 1000;
  static final int MAX_SOURCE_ID_CHARS = 256;

  /** Every operator that rejects input emits to this tag; the job unions them into one sink. */
  public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  private DeadLetters() {}

  /** A record that could not be used, with its raw bytes when at most {@code maxRawBytes}. */
  public static DeadLetter ofRecord(String reason, String sourceId, String topic, int partition, long offset,
                                    byte[] raw, int maxRawBytes) {
    byte[] bytes = raw == null ? new byte[0] : raw;
    return DeadLetter.newBuilder().setReason(bounded(reason, MAX_REASON_CHARS))
        .setSourceId(sourceId == null ? null : bounded(sourceId, MAX_SOURCE_ID_CHARS)).setTopic(topic)
        .setPartition(partition).setOffset(offset).setSha256(sha256(bytes))
        .setRaw(bytes.length <= maxRawBytes ? ByteBuffer.wrap(bytes) : null)
        .setDetectedAtMillis(System.currentTimeMillis()).build();
  }

  /** Samples dropped by the assembler (gaps, idle expiry): many records, so no one offset. */
  public static DeadLetter ofSamples(String reason, String sourceId, String topic) {
    return DeadLetter.newBuilder().setReason(bounded(reason, MAX_REASON_CHARS))
        .setSourceId(bounded(sourceId, MAX_SOURCE_ID_CHARS)).setTopic(topic).setPartition(-1)
        .setOffset(-1).setSha256("").setRaw(null).setDetectedAtMillis(System.currentTimeMillis()).build();
  }

  /** {@code s} cut to {@code max} characters, saying how long it was. */
  static String bounded(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package org.ecgstream.model.beats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ventricular-beat classifier as the job runs it: boosted trees over {@link BeatFeatures}
 * (the first stage) and, where there is one, trees over the same features and the first stage's
 * verdicts on the beat and the beats before it ({@link BeatContext}, the second stage); the
 * probability above which a beat is called ventricular; how many leads its features were computed
 * from (one or two: trees trained on two leads misjudge one-lead features); and the records it was
 * trained on. Stored in the model file beside the autoencoder.
 */
public record BeatClassifier(int leads, double threshold, BoostedTrees first, BoostedTrees second,
                             List<String> trainedOn) {
  /** Format of {@link #toBytes}; a reader refuses others. */
  static final int FORMAT = 1;
  private static final int MAGIC = 0x42454154; // "BEAT"

  public BeatClassifier {
    if (leads != 1 && leads != 2) {
      throw new IllegalArgumentException("a beat classifier reads one or two leads, not " + leads);
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be a probability within (0, 1), got " + threshold);
    }
    if (second != null && second.features() != first.features() + BeatContext.FEATURES) {
      throw new IllegalArgumentException("the second stage reads " + second.features() + " features, not the "
          + (first.features() + BeatContext.FEATURES) + " of a beat and its context");
    }
    trainedOn = List.copyOf(trainedOn);
  }

  /** Refuses a classifier whose beats are described otherwise than this build describes them. */
  BeatClassifier requireBeatFeatures() {
    if (first.features() != BeatFeatures.NAMES.size()) {
      throw new IllegalArgumentException("the classifier reads " + first.features() + " features, this build "
          + "describes a beat with " + BeatFeatures.NAMES.size());
    }
    return this;
  }

  /**
   * The probability that the next beat of a source, described by {@code features}, is
   * ventricular; {@code recent} is the source's context ({@link BeatContext}), moved on here.
   */
  public double next(double[] features, double[] recent) {
    double p = first.probability(features);
    if (second == null) {
      return p;
    }
    double q = second.probability(BeatContext.of(features, p, recent));
    BeatContext.push(recent, p);
    return q;
  }

  /** Each of a record's beats' probability, in order, as {@link #next} gives them one by one. */
  public double[] probabilities(double[][] features) {
    double[] recent = new double[BeatContext.BEATS];
    double[] p = new double[features.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = next(features[i], recent);
    }
    return p;
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(leads);
      out.writeDouble(threshold);
      out.writeInt(trainedOn.size());
      for (String r : trainedOn) {
        out.writeUTF(r);
      }
      first.write(out);
      out.writeBoolean(second != null);
      if (second != null) {
        second.write(out);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The classifier {@link #toBytes} wrote; anything else is refused with what is wrong with it. */
  public static BeatClassifier fromBytes(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a beat classifier");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException("beat classifier of format " + format + "; this build reads " + FORMAT);
      }
      int leads = in.readInt();
      double threshold = in.readDouble();
      int records = in.readInt();
      if (records < 0 || records > 10_000) {
        throw new IllegalArgumentException("implausible number of training records: " + records);
      }
      List<String> trainedOn = new ArrayList<>();
      for (int i = 0; i < records; i++) {
        trainedOn.add(in.readUTF());
      }
      BoostedTrees first = BoostedTrees.read(in);
      BoostedTrees second = in.readBoolean() ? BoostedTrees.read(in) : null;
      if (in.available() > 0) {
        throw new IllegalArgumentException(in.available() + " bytes after the classifier's end");
      }
      return new BeatClassifier(leads, threshold, first, second, trainedOn).requireBeatFeatures();
    } catch (IOException e) {
      throw new IllegalArgumentException("beat classifier is truncated: " + e.getMessage(), e);
    }
  }
}

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
 * The ventricular-beat classifier as the job runs it: boosted trees over {@link BeatFeatures},
 * the probability above which a beat is called ventricular, how many leads its features were
 * computed from (one or two: trees trained on two leads misjudge one-lead features), and the
 * records it was trained on. Stored in the model file beside the autoencoder.
 */
public record BeatClassifier(int leads, double threshold, BoostedTrees ventricular, List<String> trainedOn) {
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
    if (ventricular.features() != BeatFeatures.NAMES.size()) {
      throw new IllegalArgumentException("the trees read " + ventricular.features() + " features, this build describes "
          + "a beat with " + BeatFeatures.NAMES.size());
    }
    trainedOn = List.copyOf(trainedOn);
  }

  /** The probability that the beat {@code features} describe is ventricular. */
  public double probability(double[] features) {
    return ventricular.probability(features);
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
      ventricular.write(out);
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
      BoostedTrees trees = BoostedTrees.read(in);
      if (in.available() > 0) {
        throw new IllegalArgumentException(in.available() + " bytes after the classifier's end");
      }
      return new BeatClassifier(leads, threshold, trees, trainedOn);
    } catch (IOException e) {
      throw new IllegalArgumentException("beat classifier is truncated: " + e.getMessage(), e);
    }
  }
}

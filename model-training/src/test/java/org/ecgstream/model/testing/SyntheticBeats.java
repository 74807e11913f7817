package org.ecgstream.model.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Synthetic labelled windows for tests: normal windows are one period of a sine with a little
 * noise and phase jitter; abnormal ones (label 2) are a flat line with one tall spike, a shape the
 * autoencoder never sees in training.
 */
public final class SyntheticBeats {
  public static final int LENGTH = 24;

  private SyntheticBeats() {}

  public static float[] normal(Random r) {
    float[] v = new float[LENGTH];
    double phase = r.nextGaussian() * 0.1;
    double amp = 1 + r.nextGaussian() * 0.05;
    for (int t = 0; t < LENGTH; t++) {
      v[t] = (float) (amp * Math.sin(2 * Math.PI * t / LENGTH + phase) + r.nextGaussian() * 0.03);
    }
    return v;
  }

  public static float[] abnormal(Random r) {
    float[] v = new float[LENGTH];
    int spike = 4 + r.nextInt(LENGTH - 8);
    for (int t = 0; t < LENGTH; t++) {
      v[t] = (float) (r.nextGaussian() * 0.03);
    }
    v[spike] = 3f;
    v[spike + 1] = -2f;
    return v;
  }

  /** Writes a UCR-format file: {@code normals} windows of label 1, then {@code abnormals} of label 2. */
  public static Path writeUcr(Path file, int normals, int abnormals, long seed) {
    Random r = new Random(seed);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < normals + abnormals; i++) {
      boolean isNormal = i < normals;
      s.append(String.format(Locale.ROOT, "%16.7e", isNormal ? 1.0 : 2.0));
      for (float x : isNormal ? normal(r) : abnormal(r)) {
        s.append(String.format(Locale.ROOT, "%16.7e", x));
      }
      s.append('\n');
    }
    try {
      Files.writeString(file, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}

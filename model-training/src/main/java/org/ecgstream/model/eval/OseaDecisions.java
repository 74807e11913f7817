package org.ecgstream.model.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * OSEA's per-beat decisions on a record, as CSV rows {@code sample,type,match} (sample at the
 * record's own rate; type 1 normal, 5 ventricular, 13 unknown or noise): a reference classifier
 * to count exactly as ours is counted.
 */
public record OseaDecisions(long[] samples, int[] types) {
  public static final int VENTRICULAR = 5;

  public static OseaDecisions read(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read OSEA's decisions " + csv + ": " + e.getMessage());
    }
    if (lines.isEmpty() || !lines.get(0).strip().equals("sample,type,match")) {
      throw new IllegalArgumentException(csv + ": expected the header 'sample,type,match'");
    }
    long[] samples = new long[lines.size() - 1];
    int[] types = new int[samples.length];
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      try {
        samples[i - 1] = Long.parseLong(f[0].strip());
        types[i - 1] = Integer.parseInt(f[1].strip());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(csv + " line " + (i + 1) + ": not 'sample,type,match': " + lines.get(i));
      }
    }
    return new OseaDecisions(samples, types);
  }

  public boolean[] ventricular() {
    boolean[] v = new boolean[types.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = types[i] == VENTRICULAR;
    }
    return v;
  }
}

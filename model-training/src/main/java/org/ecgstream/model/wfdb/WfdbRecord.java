package org.ecgstream.model.wfdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A WFDB record read whole: header, every signal's ADC samples (checked against the header's
 * initial values and checksums) and the reference annotations when an {@code .atr} file exists.
 * The signal file may be gzipped ({@code NNN.dat.gz}).
 */
public record WfdbRecord(WfdbHeader header, int[][] adc, List<Annotation> annotations) {

  /** Reads record {@code name} from {@code dir} ({@code name.hea}, {@code name.dat[.gz]}, {@code name.atr}). */
  public static WfdbRecord read(Path dir, String name) {
    Path hea = dir.resolve(name + ".hea");
    if (!Files.exists(hea)) {
      throw new WfdbFormatException(hea, "no such header (is " + dir + " a WFDB record folder?)");
    }
    WfdbHeader h = WfdbHeader.read(hea);
    String file = h.signals().get(0).file();
    for (WfdbHeader.Signal s : h.signals()) {
      if (s.format() != 212) {
        throw new WfdbFormatException(hea, "signal '" + s.description() + "' is in format " + s.format()
            + "; only format 212 is supported");
      }
      if (!s.file().equals(file)) {
        throw new WfdbFormatException(hea, "signals are spread over several files; only one signal file is supported");
      }
    }
    Path dat = dir.resolve(file);
    Path gz = dir.resolve(file + ".gz");
    byte[] bytes = readSignalFile(Files.exists(dat) ? dat : gz);
    int[][] adc = Format212.decode(dat, bytes, h.signals().size(), h.samplesPerSignal());
    for (int s = 0; s < adc.length; s++) {
      WfdbHeader.Signal spec = h.signals().get(s);
      if (adc[s].length > 0 && adc[s][0] != spec.initialValue()) {
        throw new WfdbFormatException(dat, "signal " + s + " starts at " + adc[s][0] + ", the header says "
            + spec.initialValue());
      }
      int sum = 0;
      for (int v : adc[s]) {
        sum += v;
      }
      if ((short) sum != (short) spec.checksum()) {
        throw new WfdbFormatException(dat, "signal " + s + " checksum " + (short) sum + " differs from the header's "
            + spec.checksum() + " (corrupted file?)");
      }
    }
    Path atr = dir.resolve(name + ".atr");
    List<Annotation> annotations = Files.exists(atr) ? MitAnnotations.read(atr) : List.of();
    return new WfdbRecord(h, adc, annotations);
  }

  /** Signal {@code s} in physical units (mV). */
  public float[] physical(int s) {
    WfdbHeader.Signal spec = header.signals().get(s);
    float[] out = new float[adc[s].length];
    for (int i = 0; i < out.length; i++) {
      out[i] = spec.physical(adc[s][i]);
    }
    return out;
  }

  /** Index of the signal described as {@code lead} (e.g. "MLII"). */
  public int signal(String lead) {
    for (int s = 0; s < header.signals().size(); s++) {
      if (header.signals().get(s).description().equals(lead)) {
        return s;
      }
    }
    throw new IllegalArgumentException("record " + header.record() + " has no lead " + lead + "; it has "
        + header.signals().stream().map(WfdbHeader.Signal::description).toList());
  }

  /** The annotations that mark beats. */
  public List<Annotation> beats() {
    return annotations.stream().filter(Annotation::isBeat).toList();
  }

  private static byte[] readSignalFile(Path file) {
    if (!Files.exists(file)) {
      throw new WfdbFormatException(file, "signal file missing");
    }
    try (InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file))
        : Files.newInputStream(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new WfdbFormatException(file, "cannot read the signal file: " + e.getMessage());
    }
  }
}

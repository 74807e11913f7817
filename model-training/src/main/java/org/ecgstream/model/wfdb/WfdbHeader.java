package org.ecgstream.model.wfdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A WFDB record header ({@code .hea}): the record line (name, signal count, sampling frequency,
 * samples per signal) and one line per signal (file, format, gain, ADC resolution and zero,
 * initial value, checksum, block size, description). Comment lines start with {@code #}.
 */
public record WfdbHeader(String record, double frequency, int samplesPerSignal, List<Signal> signals) {
  /** One signal's line. {@code baseline} is the ADC value of 0 physical units (the ADC zero unless given). */
  public record Signal(String file, int format, double gain, int adcResolution, int adcZero, int baseline,
                       int initialValue, int checksum, String description) {
    /** The physical value (e.g. mV) of an ADC sample. */
    public float physical(int adc) {
      return (float) ((adc - baseline) / gain);
    }
  }

  public static WfdbHeader read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new WfdbFormatException(file, "cannot read the header: " + e.getMessage());
    }
    List<String[]> fields = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        fields.add(line.split("\\s+"));
        numbers.add(i + 1);
      }
    }
    if (fields.isEmpty()) {
      throw new WfdbFormatException(file, "no record line");
    }
    String[] rec = fields.get(0);
    if (rec.length < 4) {
      throw new WfdbFormatException(file, "line " + numbers.get(0) + ": record line needs name, signals, frequency "
          + "and samples per signal, got '" + String.join(" ", rec) + "'");
    }
    int count = integer(file, numbers.get(0), "signal count", rec[1]);
    double frequency = number(file, numbers.get(0), "sampling frequency", rec[2].split("/")[0]);
    int samples = integer(file, numbers.get(0), "samples per signal", rec[3]);
    if (fields.size() - 1 < count) {
      throw new WfdbFormatException(file, "the record line announces " + count + " signals, " + (fields.size() - 1)
          + " signal lines follow");
    }
    List<Signal> signals = new ArrayList<>();
    for (int s = 1; s <= count; s++) {
      signals.add(signal(file, numbers.get(s), fields.get(s)));
    }
    return new WfdbHeader(rec[0], frequency, samples, List.copyOf(signals));
  }

  private static Signal signal(Path file, int line, String[] f) {
    if (f.length < 8) {
      throw new WfdbFormatException(file, "line " + line + ": signal line needs file, format, gain, resolution, zero, "
          + "initial value, checksum and block size");
    }
    int format = integer(file, line, "format", f[1].split("[x:+]")[0]);
    // Gain may be written "200", "200(0)" (baseline in parentheses) and/or "200/mV" (units).
    String gainField = f[2];
    String units = gainField.contains("/") ? gainField.substring(gainField.indexOf('/') + 1) : "mV";
    String gainAndBase = gainField.contains("/") ? gainField.substring(0, gainField.indexOf('/')) : gainField;
    Integer baseline = null;
    if (gainAndBase.contains("(")) {
      baseline = integer(file, line, "baseline", gainAndBase.substring(gainAndBase.indexOf('(') + 1,
          gainAndBase.indexOf(')')));
      gainAndBase = gainAndBase.substring(0, gainAndBase.indexOf('('));
    }
    double gain = number(file, line, "gain", gainAndBase);
    if (gain <= 0 || !units.equals("mV")) {
      throw new WfdbFormatException(file, "line " + line + ": gain must be positive ADC units per mV, got " + gainField);
    }
    int zero = integer(file, line, "ADC zero", f[4]);
    String description = f.length > 8 ? String.join(" ", java.util.Arrays.copyOfRange(f, 8, f.length)) : "";
    return new Signal(f[0], format, gain, integer(file, line, "ADC resolution", f[3]), zero,
        baseline == null ? zero : baseline, integer(file, line, "initial value", f[5]),
        integer(file, line, "checksum", f[6]), description);
  }

  private static int integer(Path file, int line, String what, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new WfdbFormatException(file, "line " + line + ": " + what + " must be a whole number, got '" + text + "'");
    }
  }

  private static double number(Path file, int line, String what, String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new WfdbFormatException(file, "line " + line + ": " + what + " must be a number, got '" + text + "'");
    }
  }
}

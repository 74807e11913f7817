package org.ecgstream.model.wfdb;

/**
 * One reference annotation: the sample it marks, its MIT code as a mnemonic ({@code N}, {@code V},
 * {@code +}...), its subtype, channel and number fields, and its auxiliary text (e.g. a rhythm
 * {@code (N}) or empty.
 */
public record Annotation(long sample, String code, int subtype, int channel, int number, String aux) {
  /** MIT codes that mark a beat (the WFDB library's {@code isqrs}). */
  private static final String BEATS = "NLRaVFJASEj/QenfrB?";

  public boolean isBeat() {
    return code.length() == 1 && BEATS.indexOf(code.charAt(0)) >= 0;
  }

  /** A ventricular ectopic beat as the AAMI EC57 classes count it (V and E). */
  public boolean isVentricular() {
    return code.equals("V") || code.equals("E");
  }
}

package org.ecgstream.model.data;

/** Class labels in archives are written as numbers, sometimes as floats ("1.0000000e+00"). */
final class Labels {
  private Labels() {}

  static int parse(ArchiveFile in, String field) {
    float v = in.number(field, "label");
    if (v != Math.rint(v)) {
      throw in.error("label is not a whole number: '" + field + "'");
    }
    return (int) v;
  }
}

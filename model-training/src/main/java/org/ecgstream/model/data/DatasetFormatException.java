package org.ecgstream.model.data;

import java.nio.file.Path;

/** A dataset file that cannot be read, pointing at the file, the line and the reason. */
public class DatasetFormatException extends RuntimeException {
  private final Path file;
  private final long line;

  public DatasetFormatException(Path file, long line, String reason) {
    super(file + (line > 0 ? ":" + line : "") + ": " + reason);
    this.file = file;
    this.line = line;
  }

  public Path file() {
    return file;
  }

  /** 1-based line number, or 0 when the problem is not on one line. */
  public long line() {
    return line;
  }
}

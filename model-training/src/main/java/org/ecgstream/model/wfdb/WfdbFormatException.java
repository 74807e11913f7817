package org.ecgstream.model.wfdb;

import java.nio.file.Path;

/** A WFDB file that cannot be read, with the file and what is wrong with it. */
public class WfdbFormatException extends RuntimeException {
  public WfdbFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }
}

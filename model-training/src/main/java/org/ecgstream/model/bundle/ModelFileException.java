package org.ecgstream.model.bundle;

/** A model file that is missing, corrupt or made for something this build cannot run. */
public class ModelFileException extends RuntimeException {
  public ModelFileException(String message) {
    super(message);
  }

  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}

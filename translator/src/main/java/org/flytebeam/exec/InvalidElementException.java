package org.flytebeam.exec;

/**
 * One item of a reference input cannot be read as its type (a line that is not valid JSON, a value
 * of another type): the element fails with this message, which names the file and line, and the
 * others run.
 */
public final class InvalidElementException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidElementException(String message) {
    super(message);
  }
}

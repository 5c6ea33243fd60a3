package org.flytebeam;

/**
 * The root of every error flyte-beam raises on purpose. Subclasses say which kind of problem it is,
 * so that the CLI can map it to an exit code and print one line.
 */
public class FlyteBeamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FlyteBeamException(String message) {
    super(message);
  }

  public FlyteBeamException(String message, Throwable cause) {
    super(message, cause);
  }
}

package org.flytebeam.task;

/**
 * Thrown by a task to mark its failure recoverable: the element is retried while its retry budget
 * lasts (Flyte's {@code FlyteRecoverableException}). Any other exception fails the element at once.
 */
public class RecoverableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RecoverableException(String message) {
    super(message);
  }

  public RecoverableException(String message, Throwable cause) {
    super(message, cause);
  }
}

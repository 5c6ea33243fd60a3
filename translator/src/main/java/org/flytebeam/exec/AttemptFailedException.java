package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

/** One attempt of one element failed; its kind decides whether the element is retried. */
public class AttemptFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final FailureKind kind;

  public AttemptFailedException(FailureKind kind, String message) {
    super(message);
    this.kind = requireNonNull(kind, "kind");
  }

  public AttemptFailedException(FailureKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = requireNonNull(kind, "kind");
  }

  public FailureKind kind() {
    return kind;
  }
}

package org.flytebeam.exec;

/** How a failed attempt counts against an element's retry budgets (SPEC section 3). */
public enum FailureKind {
  /** Fails the element at once (flytekit's plain user exceptions). */
  NON_RECOVERABLE,
  /**
   * Retried while the user budget ({@code retries}) lasts: recoverable user errors, exits without
   * an error document.
   */
  RECOVERABLE_USER,
  /** Retried while the separate system budget lasts. */
  RECOVERABLE_SYSTEM,
  /** The attempt ran past its timeout: a recoverable user failure. */
  TIMED_OUT
}

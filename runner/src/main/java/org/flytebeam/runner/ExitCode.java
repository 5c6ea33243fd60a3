package org.flytebeam.runner;

/** The CLI's exit codes: a contract. */
public final class ExitCode {
  /** The map met its success criteria. */
  public static final int SUCCESS = 0;

  /** The map failed its success criteria; outputs are still written, with none for failures. */
  public static final int MAP_FAILED = 1;

  /** Invalid usage, definition or inputs, found before any element ran. */
  public static final int INVALID = 2;

  /** The runner, the cluster or the file system failed. */
  public static final int INFRASTRUCTURE = 3;

  /** Interrupted by Ctrl-C or SIGTERM; finished elements' outputs are still written. */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}

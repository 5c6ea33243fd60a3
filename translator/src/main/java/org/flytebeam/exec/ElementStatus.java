package org.flytebeam.exec;

/** The terminal state of one mapped element. */
public enum ElementStatus {
  SUCCEEDED,
  FAILED,
  /** Its last attempt ran past the sub-task's timeout. */
  TIMED_OUT,
  /** Never started, or abandoned, because the map could no longer succeed. */
  ABORTED;

  /** The status's byte in range result files: fixed, whatever the order of the constants. */
  public byte code() {
    switch (this) {
      case SUCCEEDED:
        return 0;
      case FAILED:
        return 1;
      case TIMED_OUT:
        return 2;
      case ABORTED:
        return 3;
    }
    throw new AssertionError(this);
  }

  /** The status whose {@link #code()} is {@code code}. */
  public static ElementStatus ofCode(byte code) {
    switch (code) {
      case 0:
        return SUCCEEDED;
      case 1:
        return FAILED;
      case 2:
        return TIMED_OUT;
      case 3:
        return ABORTED;
      default:
        throw new IllegalArgumentException("unknown element status code [" + code + "]");
    }
  }

  public boolean succeeded() {
    return this == SUCCEEDED;
  }
}

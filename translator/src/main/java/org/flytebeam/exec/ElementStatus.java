package org.flytebeam.exec;

/** The terminal state of one mapped element. */
public enum ElementStatus {
  SUCCEEDED,
  FAILED,
  /** Its last attempt ran past the sub-task's timeout. */
  TIMED_OUT,
  /** Never started, or abandoned, because the map could no longer succeed. */
  ABORTED;

  public boolean succeeded() {
    return this == SUCCEEDED;
  }
}

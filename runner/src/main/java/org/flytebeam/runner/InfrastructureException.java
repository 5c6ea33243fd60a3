package org.flytebeam.runner;

import org.flytebeam.FlyteBeamException;

/** The runner, the cluster or the file system failed; not the map's elements. */
public class InfrastructureException extends FlyteBeamException {
  private static final long serialVersionUID = 1L;

  public InfrastructureException(String message, Throwable cause) {
    super(message, cause);
  }
}

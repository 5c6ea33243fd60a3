package org.flytebeam.graph;

import org.flytebeam.FlyteBeamException;

/** A binding that cannot be resolved while the workflow runs: the node that needs it fails. */
public final class BindingException extends FlyteBeamException {
  private static final long serialVersionUID = 1L;

  public BindingException(String message) {
    super(message);
  }
}

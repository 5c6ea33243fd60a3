package org.flytebeam.graph;

import flyteidl.core.Literals.Literal;
import java.util.Optional;

/**
 * Where a promise's value comes from while a workflow runs: the outputs of the nodes that have
 * finished in the current scope, and the workflow's inputs.
 */
@FunctionalInterface
public interface Promises {
  /** The node id flytekit writes for the workflow's inputs (an empty id means the same). */
  String START_NODE = "start-node";

  /**
   * The output {@code var} of node {@code nodeId} (an empty id or {@link #START_NODE}: the
   * workflow's input {@code var}), or empty when that node produced no such output.
   */
  Optional<Literal> output(String nodeId, String var);
}

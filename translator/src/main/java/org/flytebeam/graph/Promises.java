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

  /**
   * Adds to {@code into} the node ids whose outputs the promises in {@code data} read, also inside
   * its collections and maps (an empty id, the workflow's inputs, as it is).
   */
  static void nodeIds(flyteidl.core.Literals.BindingData data, java.util.Set<String> into) {
    switch (data.getValueCase()) {
      case PROMISE -> into.add(data.getPromise().getNodeId());
      case COLLECTION -> data.getCollection().getBindingsList().forEach(x -> nodeIds(x, into));
      case MAP -> data.getMap().getBindingsMap().values().forEach(x -> nodeIds(x, into));
      default -> {}
    }
  }
}

package org.flytebeam.exec;

import flyteidl.core.Literals.Literal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs single attempts of the sub-task. One invoker serves many elements on one worker, one attempt
 * at a time per calling thread; {@link #close} releases what it holds.
 */
public interface ElementInvoker extends AutoCloseable {

  /**
   * Runs one attempt.
   *
   * @param index the element's index
   * @param attempt the attempt number, from 0
   * @param inputs the element's own inputs, bound values included, in interface order
   * @param timeout the limit of this attempt, if any
   * @return the outputs in the sub-task's output order
   * @throws AttemptFailedException when the attempt failed; its kind decides about a retry
   */
  List<Literal> invoke(
      long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
      throws AttemptFailedException;

  /**
   * The node executions inside the attempt that the calling thread ran last, then forgets them: an
   * invoker that runs a whole workflow per element counts its nodes; others have none.
   */
  default NodeCounts takeNodeCounts() {
    return NodeCounts.none();
  }

  @Override
  default void close() {}
}

package org.flytebeam.exec;

import java.io.Serializable;

/**
 * The node executions inside map elements that run whole workflows (a map over a launch plan or a
 * sub-workflow): every node of the element's workflow that started, at any depth (task, map, branch
 * and the node it chose, sub-workflow, launch plan, sleep), and how it ended; a node skipped
 * because an upstream node failed never started. Cache hits are task executions inside the elements
 * (a task node, or an item of a map inside the element) whose outputs came from the cache.
 *
 * <p>Counted by the worker that runs the element and carried back with the element's outcome (in
 * its result file and its range's summary), so the counts are whole on any runner, executors in
 * other JVMs included.
 *
 * @param started node executions that started
 * @param succeeded of those, the ones that succeeded
 * @param failed of those, the ones that failed (their workflow's error names them)
 * @param cacheHits task executions served from the cache, without running
 */
public record NodeCounts(long started, long succeeded, long failed, long cacheHits)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final NodeCounts NONE = new NodeCounts(0, 0, 0, 0);

  public NodeCounts {
    if (started < 0 || succeeded < 0 || failed < 0 || cacheHits < 0) {
      throw new IllegalArgumentException(
          "node counts must not be negative: ["
              + started
              + ", "
              + succeeded
              + ", "
              + failed
              + ", "
              + cacheHits
              + "]");
    }
  }

  /** No node execution. */
  public static NodeCounts none() {
    return NONE;
  }

  /** Whether nothing was counted. */
  public boolean isEmpty() {
    return started == 0 && succeeded == 0 && failed == 0 && cacheHits == 0;
  }

  /** These counts with {@code other}'s added. */
  public NodeCounts plus(NodeCounts other) {
    if (other.isEmpty()) {
      return this;
    }
    return new NodeCounts(
        started + other.started,
        succeeded + other.succeeded,
        failed + other.failed,
        cacheHits + other.cacheHits);
  }

  /** For the progress line and the reports: {@code 12 node executions (11 succeeded, ...)}. */
  public String summary() {
    return started
        + (started == 1 ? " node execution" : " node executions")
        + " inside the elements ("
        + succeeded
        + " succeeded, "
        + failed
        + " failed"
        + (cacheHits > 0 ? ", " + cacheHits + " task runs from the cache" : "")
        + ")";
  }
}

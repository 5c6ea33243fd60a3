package org.flytebeam.beam;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.NodeCounts;

/**
 * The outcome of a whole map: counts over every element, the threshold, and whether it was met.
 *
 * @param size the number of elements
 * @param required successes needed
 * @param succeeded elements that succeeded
 * @param failed elements whose last attempt failed
 * @param timedOut elements whose last attempt timed out
 * @param aborted elements never run or abandoned once the map could no longer succeed
 * @param errors failures grouped by message with their index ranges
 * @param cache cache hits (succeeded elements whose outputs came from the element cache) and
 *     entries that could not be read or written
 * @param nodes for a map over launch plans or sub-workflows, the node executions inside its
 *     elements; none for a task map
 */
public record MapVerdict(
    long size,
    long required,
    long succeeded,
    long failed,
    long timedOut,
    long aborted,
    ErrorGroups errors,
    CacheCounts cache,
    NodeCounts nodes)
    implements Serializable {

  public MapVerdict {
    requireNonNull(cache, "cache");
    requireNonNull(nodes, "nodes");
  }

  /** A verdict of a map whose elements ran no workflow nodes. */
  public MapVerdict(
      long size,
      long required,
      long succeeded,
      long failed,
      long timedOut,
      long aborted,
      ErrorGroups errors,
      CacheCounts cache) {
    this(size, required, succeeded, failed, timedOut, aborted, errors, cache, NodeCounts.none());
  }

  /** A verdict of a map that used no cache. */
  public MapVerdict(
      long size,
      long required,
      long succeeded,
      long failed,
      long timedOut,
      long aborted,
      ErrorGroups errors) {
    this(size, required, succeeded, failed, timedOut, aborted, errors, CacheCounts.none());
  }

  /** Succeeded elements whose outputs came from the element cache, without running. */
  public long cacheHits() {
    return cache.hits();
  }

  public boolean success() {
    return succeeded + failed + timedOut + aborted == size && succeeded >= required;
  }

  /** One line saying why the map failed, or that it succeeded. */
  public String summary() {
    long notSucceeded = size - succeeded;
    String fromCache =
        (cache.hits() > 0 ? ", " + cache.hits() + " from the cache" : "")
            + (nodes.isEmpty() ? "" : "; " + nodes.summary());
    if (success()) {
      return String.format(
          "map succeeded: %d of %d elements succeeded (%d required)%s",
          succeeded, size, required, fromCache);
    }
    return String.format(
        "map failed: %d of %d elements succeeded, %d required (%d failed, %d timed out, %d"
            + " aborted)%s",
        succeeded, size, required, failed, timedOut, notSucceeded - failed - timedOut, fromCache);
  }
}

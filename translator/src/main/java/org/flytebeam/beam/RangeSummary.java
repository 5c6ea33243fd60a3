package org.flytebeam.beam;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.NodeCounts;

/**
 * The counts of one range's outcomes, its failures by message, what the element cache did and the
 * node executions inside its elements (a map over workflows): what the combine step sums.
 */
public record RangeSummary(
    IndexRange range,
    long succeeded,
    long failed,
    long timedOut,
    long aborted,
    long executedAttempts,
    ErrorGroups errors,
    CacheCounts cache,
    NodeCounts nodes)
    implements Serializable {

  public RangeSummary {
    requireNonNull(cache, "cache");
    requireNonNull(nodes, "nodes");
  }

  /** A summary of a range whose elements ran no workflow nodes. */
  public RangeSummary(
      IndexRange range,
      long succeeded,
      long failed,
      long timedOut,
      long aborted,
      long executedAttempts,
      ErrorGroups errors,
      CacheCounts cache) {
    this(
        range,
        succeeded,
        failed,
        timedOut,
        aborted,
        executedAttempts,
        errors,
        cache,
        NodeCounts.none());
  }

  /** A summary of a range that used no cache. */
  public RangeSummary(
      IndexRange range,
      long succeeded,
      long failed,
      long timedOut,
      long aborted,
      long executedAttempts,
      ErrorGroups errors) {
    this(range, succeeded, failed, timedOut, aborted, executedAttempts, errors, CacheCounts.none());
  }
}

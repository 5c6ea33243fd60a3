package org.flytebeam.beam;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.exec.ErrorGroups;

/**
 * The counts of one range's outcomes, its failures by message and what the element cache did: what
 * the combine step sums.
 */
public record RangeSummary(
    IndexRange range,
    long succeeded,
    long failed,
    long timedOut,
    long aborted,
    long executedAttempts,
    ErrorGroups errors,
    CacheCounts cache)
    implements Serializable {

  public RangeSummary {
    requireNonNull(cache, "cache");
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

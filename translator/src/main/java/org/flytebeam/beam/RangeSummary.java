package org.flytebeam.beam;

import java.io.Serializable;
import org.flytebeam.exec.ErrorGroups;

/** The counts of one range's outcomes and its failures by message: what the combine step sums. */
public record RangeSummary(
    IndexRange range,
    long succeeded,
    long failed,
    long timedOut,
    long aborted,
    long executedAttempts,
    ErrorGroups errors)
    implements Serializable {}

package org.flytebeam.beam;

import java.io.Serializable;
import org.flytebeam.exec.ErrorGroups;

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
 */
public record MapVerdict(
    long size,
    long required,
    long succeeded,
    long failed,
    long timedOut,
    long aborted,
    ErrorGroups errors)
    implements Serializable {

  public boolean success() {
    return succeeded + failed + timedOut + aborted == size && succeeded >= required;
  }

  /** One line saying why the map failed, or that it succeeded. */
  public String summary() {
    long notSucceeded = size - succeeded;
    if (success()) {
      return String.format(
          "map succeeded: %d of %d elements succeeded (%d required)", succeeded, size, required);
    }
    return String.format(
        "map failed: %d of %d elements succeeded, %d required (%d failed, %d timed out, %d aborted)",
        succeeded, size, required, failed, timedOut, notSucceeded - failed - timedOut);
  }
}

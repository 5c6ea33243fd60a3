package org.flytebeam.spec;

import java.util.Optional;
import java.util.OptionalLong;

/** Flyte's success threshold, as flytepropeller computes it. */
public final class SuccessCriteria {
  private SuccessCriteria() {}

  /**
   * {@code min_successes} when set; else {@code ceil(float64(float32(ratio)) * size)} when a ratio
   * is set (ratio 0 requires none); else every element.
   */
  public static long requiredSuccesses(
      long size, OptionalLong minSuccesses, Optional<Float> minSuccessRatio) {
    if (minSuccesses.isPresent()) {
      return minSuccesses.getAsLong();
    }
    if (minSuccessRatio.isPresent()) {
      // Widening the float32 exactly as Go's float64(float32) does: 0.2f over 5 needs 2, not 1.
      double ratio = minSuccessRatio.get().doubleValue();
      return (long) Math.ceil(ratio * size);
    }
    return size;
  }
}

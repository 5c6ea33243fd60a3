package org.flytebeam.spec;

import java.util.Optional;
import java.util.OptionalLong;

/** Flyte's success threshold, as flytepropeller computes it. */
public final class SuccessCriteria {
  private SuccessCriteria() {}

  /**
   * Adds a problem for each setting out of range: a ratio outside [0, 1] or NaN, a negative
   * min_successes or concurrency. Both front ends (the builder and flyteidl files) check with this.
   */
  public static void check(
      java.util.OptionalInt concurrency,
      OptionalLong minSuccesses,
      Optional<Float> minSuccessRatio,
      java.util.List<String> problems) {
    minSuccessRatio.ifPresent(
        r -> {
          if (Float.isNaN(r) || r < 0f || r > 1f) {
            problems.add(String.format("min_success_ratio [%s] must be within [0, 1]", r));
          }
        });
    if (concurrency.isPresent() && concurrency.getAsInt() < 0) {
      problems.add(
          String.format(
              "concurrency [%d] must be >= 0 (0 means unlimited)", concurrency.getAsInt()));
    }
    if (minSuccesses.isPresent() && minSuccesses.getAsLong() < 0) {
      problems.add(String.format("min_successes [%d] must be >= 0", minSuccesses.getAsLong()));
    }
  }

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

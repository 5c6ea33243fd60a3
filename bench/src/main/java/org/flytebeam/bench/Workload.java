package org.flytebeam.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.flytebeam.bench.variants.BenchFunction;

/**
 * A function mapped at two sizes; the slope between them is the marginal cost per element.
 *
 * @param label what the table calls it
 * @param function the function every variant maps
 * @param small the smaller N
 * @param large the larger N
 */
public record Workload(String label, BenchFunction function, int small, int large) {
  public Workload {
    requireNonNull(label, "label");
    requireNonNull(function, "function");
    if (small <= 0 || large <= small) {
      throw new IllegalArgumentException(
          "sizes [" + small + ", " + large + "] must be positive and increasing");
    }
  }

  public String name() {
    return function.taskName();
  }

  public List<Integer> sizes() {
    return List.of(small, large);
  }

  /** The full benchmark: square at 100k and 1M, burn_cpu (about 1 ms per element) at 2k and 10k. */
  public static List<Workload> full() {
    return List.of(
        new Workload("trivial", BenchFunction.SQUARE, 100_000, 1_000_000),
        new Workload("CPU-bound", BenchFunction.BURN_CPU, 2_000, 10_000));
  }

  /** Smoke sizes: every variant and the correctness check, in a couple of minutes. */
  public static List<Workload> quick() {
    return List.of(
        new Workload("trivial", BenchFunction.SQUARE, 1_000, 5_000),
        new Workload("CPU-bound", BenchFunction.BURN_CPU, 10, 50));
  }
}

package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/**
 * {@code burn_cpu(x: int) -> int}: the CPU-bound function of the benchmark, about 1 ms of real CPU
 * work per element on a 2020s x86 core. A fixed xorshift loop whose every round depends on the
 * previous one, so the JIT can neither skip nor vectorize it; the output (20 bits) depends on every
 * round, so sums of outputs never overflow in the benchmark's checksums.
 */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class Burn extends JavaTask<Burn.Input, Burn.Output> {
  private static final long serialVersionUID = 1L;

  /** Rounds of the loop: calibrated once, to about 1 ms per element on the benchmark machine. */
  public static final int ROUNDS = 500_000;

  public record Input(long x) {}

  public record Output(long o0) {}

  public Burn() {
    super("burn_cpu", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    return new Output(burn(input.x()));
  }

  /** The work itself, {@link #ROUNDS} dependent xorshift rounds seeded by {@code x}. */
  public static long burn(long x) {
    long h = x * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < ROUNDS; i++) {
      h ^= h << 13;
      h ^= h >>> 7;
      h ^= h << 17;
      h += i;
    }
    return h >>> 44;
  }
}

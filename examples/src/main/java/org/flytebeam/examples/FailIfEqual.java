package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/**
 * {@code fail_if_equal(x: int, bad: int) -> int}: returns {@code x}, but fails (non-recoverably)
 * when {@code x == bad}: the failing node of the maps over launch plans.
 */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class FailIfEqual extends JavaTask<FailIfEqual.Input, FailIfEqual.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(long x, long bad) {}

  public record Output(long o0) {}

  public FailIfEqual() {
    super("fail_if_equal", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    if (input.x() == input.bad()) {
      throw new IllegalArgumentException("x must not be " + input.bad());
    }
    return new Output(input.x());
  }
}

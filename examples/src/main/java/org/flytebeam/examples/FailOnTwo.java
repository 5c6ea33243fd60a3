package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/**
 * {@code fail_on_two(x: int) -> int}: returns {@code x}, but fails (non-recoverably) on 2: SPEC
 * case 5.
 */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class FailOnTwo extends JavaTask<FailOnTwo.Input, FailOnTwo.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(long x) {}

  public record Output(long o0) {}

  public FailOnTwo() {
    super("fail_on_two", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    if (input.x() == 2) {
      throw new IllegalArgumentException("x must not be 2");
    }
    return new Output(input.x());
  }
}

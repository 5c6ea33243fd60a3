package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/**
 * {@code increment(x: int) -> int}: {@code x + 1}, a trivial step to chain after {@link Square}
 * (the benchmark's workflow-map line).
 */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class Increment extends JavaTask<Increment.Input, Increment.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(long x) {}

  public record Output(long o0) {}

  public Increment() {
    super("increment", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    return new Output(Math.addExact(input.x(), 1));
  }
}

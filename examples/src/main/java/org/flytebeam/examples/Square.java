package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/** {@code square(x: int) -> int}: the trivial function of the benchmark. */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class Square extends JavaTask<Square.Input, Square.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(long x) {}

  public record Output(long o0) {}

  public Square() {
    super("square", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    return new Output(input.x() * input.x());
  }
}

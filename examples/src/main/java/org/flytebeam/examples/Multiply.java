package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/** {@code multiply(a: int, b: int, c: int) -> int}: SPEC case 7. */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class Multiply extends JavaTask<Multiply.Input, Multiply.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(long a, long b, long c) {}

  public record Output(long o0) {}

  public Multiply() {
    super("multiply", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    return new Output(input.a() * input.b() * input.c());
  }
}

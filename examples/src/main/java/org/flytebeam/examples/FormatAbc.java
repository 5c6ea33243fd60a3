package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/** {@code format_abc(a: int, b: float, c: str) -> str}: SPEC cases 2 and 4 ("1 - 0.1 - c"). */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class FormatAbc extends JavaTask<FormatAbc.Input, FormatAbc.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(long a, double b, String c) {}

  public record Output(String o0) {}

  public FormatAbc() {
    super("format_abc", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    return new Output(input.a() + " - " + input.b() + " - " + input.c());
  }
}

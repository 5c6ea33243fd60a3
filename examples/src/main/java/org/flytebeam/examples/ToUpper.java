package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import java.util.Locale;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/** {@code to_upper(word: str) -> str}. */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class ToUpper extends JavaTask<ToUpper.Input, ToUpper.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(String word) {}

  public record Output(String o0) {}

  public ToUpper() {
    super("to_upper", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    return new Output(input.word().toUpperCase(Locale.ROOT));
  }
}

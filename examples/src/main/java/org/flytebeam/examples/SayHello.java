package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/** {@code say_hello(name: str) -> str}: SPEC case 1. */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class SayHello extends JavaTask<SayHello.Input, SayHello.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(String name) {}

  public record Output(String o0) {}

  public SayHello() {
    super("say_hello", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    return new Output("hello " + input.name() + "!");
  }
}

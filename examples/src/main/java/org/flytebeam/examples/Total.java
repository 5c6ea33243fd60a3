package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import java.util.List;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/** {@code total(xs: List[int]) -> int}: the reducer after a map, in the example workflows. */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class Total extends JavaTask<Total.Input, Total.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(List<Long> xs) {}

  public record Output(long o0) {}

  public Total() {
    super("total", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    long sum = 0;
    for (long x : input.xs()) {
      sum = Math.addExact(sum, x);
    }
    return new Output(sum);
  }
}

package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.stream.LongStream;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/**
 * {@code range(n: int) -> List[int]}: {@code [0, 1, ..., n-1]}, the first node of the example
 * workflow {@code sum-of-squares}, which prepares the list its map maps over.
 */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class Range extends JavaTask<Range.Input, Range.Output> {
  private static final long serialVersionUID = 1L;

  /** The largest list it makes: the list is one task output, held whole in memory. */
  public static final long MAX_N = 10_000_000;

  public record Input(long n) {}

  public record Output(List<Long> o0) {}

  public Range() {
    super("range", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) {
    if (input.n() < 0 || input.n() > MAX_N) {
      throw new IllegalArgumentException(
          "n [" + input.n() + "] must be within [0, " + MAX_N + "]: give a smaller n");
    }
    return new Output(LongStream.range(0, input.n()).boxed().toList());
  }
}

package org.flytebeam.spec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/** Small Java tasks mirroring the tasks of flytekit's map task tests (SPEC section 6). */
// Each task declares its own nested Input and Output, as a user's tasks do.
@SuppressWarnings("SameNameButDifferent")
public final class TestTasks {
  private TestTasks() {}

  /** One string output, as most flytekit tasks have ({@code o0}). */
  public record Text(String o0) {}

  /** Case 1: {@code say_hello(name: str) -> str}. */
  public static final class SayHello extends JavaTask<SayHello.Input, Text> {
    public record Input(String name) {}

    public SayHello() {
      super("say_hello", Input.class, Text.class);
    }

    @Override
    public Text run(Input input, TaskContext context) {
      return new Text("hello " + input.name() + "!");
    }
  }

  /** Case 2: {@code (a: int, b: float, c: str) -> str}. */
  public static final class Describe extends JavaTask<Describe.Input, Text> {
    public record Input(long a, double b, String c) {}

    public Describe() {
      super("describe", Input.class, Text.class);
    }

    @Override
    public Text run(Input input, TaskContext context) {
      return new Text(input.a() + " - " + input.b() + " - " + input.c());
    }
  }

  /** Case 2 with the parameters in another order: {@code (c: str, b: float, a: int) -> str}. */
  public static final class DescribeReordered extends JavaTask<DescribeReordered.Input, Text> {
    public record Input(String c, double b, long a) {}

    public DescribeReordered() {
      super("describe_reordered", Input.class, Text.class);
    }

    @Override
    public Text run(Input input, TaskContext context) {
      return new Text(input.a() + " - " + input.b() + " - " + input.c());
    }
  }

  /** Case 3: list-typed parameters, {@code (a: List[int], b: List[str], c: List[str]) -> str}. */
  public static final class JoinLists extends JavaTask<JoinLists.Input, Text> {
    public record Input(List<Long> a, List<String> b, List<String> c) {}

    public JoinLists() {
      super("join_lists", Input.class, Text.class);
    }

    @Override
    public Text run(Input input, TaskContext context) {
      return new Text(input.a() + " " + input.b() + " " + input.c());
    }
  }

  /** Case 7: {@code multiply(a: int, b: int, c: int) -> int}. */
  public static final class Multiply extends JavaTask<Multiply.Input, Multiply.Output> {
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

  /** Two outputs, which flytekit refuses and this project allows. */
  public static final class Split extends JavaTask<Split.Input, Split.Output> {
    public record Input(long x) {}

    public record Output(long half, String label) {}

    public Split() {
      super("split", Input.class, Output.class);
    }

    @Override
    public Output run(Input input, TaskContext context) {
      return new Output(input.x() / 2, "x=" + input.x());
    }
  }

  /** Retries, a timeout and a cache version, for the template's metadata. */
  public static final class Cached extends JavaTask<Cached.Input, Text> {
    public record Input(String word, Optional<Long> times) {}

    public Cached() {
      super("cached", Input.class, Text.class);
    }

    @Override
    public int retries() {
      return 2;
    }

    @Override
    public Optional<Duration> timeout() {
      return Optional.of(Duration.ofSeconds(30, 500));
    }

    @Override
    public Optional<String> cacheVersion() {
      return Optional.of("v1");
    }

    @Override
    public Text run(Input input, TaskContext context) {
      return new Text(input.word().repeat(input.times().orElse(1L).intValue()));
    }
  }

  /** An input of a type the type system does not support. */
  public static final class Unsupported extends JavaTask<Unsupported.Input, Text> {
    public record Input(Thread thread) {}

    public Unsupported() {
      super("unsupported", Input.class, Text.class);
    }

    @Override
    public Text run(Input input, TaskContext context) {
      return new Text("");
    }
  }
}

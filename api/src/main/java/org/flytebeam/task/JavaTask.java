package org.flytebeam.task;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A typed Java task: a name, an input record, an output record and a function. The task's Flyte
 * interface is derived from the records: each record component is one variable, named as the
 * component, typed as flyte-beam maps Java types to Flyte's ({@code long} to {@code int}, {@code
 * String} to {@code str}, {@code List<T>} to {@code List[T]}, ...).
 *
 * <p>Tasks are found by name through {@link java.util.ServiceLoader}, so a worker resolves a task
 * from its name alone: a task jar lists its task classes in {@code
 * META-INF/services/org.flytebeam.task.JavaTask}. The annotation processor of this artifact ({@link
 * org.flytebeam.task.processing.JavaTaskProcessor}) writes that file for every public concrete
 * subclass of this class that {@code javac} compiles with {@code flyte-beam-api} on its class path
 * (or processor path); {@code @AutoService(JavaTask.class)} with Google's processor does the same.
 * A task is a public class with a public no-argument constructor:
 *
 * <pre>{@code
 * public class SayHello extends JavaTask<SayHello.Input, SayHello.Output> {
 *   public record Input(String name) {}
 *   public record Output(String o0) {}
 *
 *   public SayHello() {
 *     super("say_hello", Input.class, Output.class);
 *   }
 *
 *   @Override
 *   public Output run(Input input, TaskContext context) {
 *     return new Output("hello " + input.name() + "!");
 *   }
 * }
 * }</pre>
 *
 * <p>Errors: a {@link RecoverableException} thrown by {@link #run} is a recoverable user error,
 * retried up to {@link #retries()} more times. Any other exception is a non-recoverable user error
 * and fails the element at once, as flytekit treats a plain Python exception.
 *
 * @param <I> the input record
 * @param <O> the output record
 */
public abstract class JavaTask<I extends Record, O extends Record> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final Class<I> inputType;
  private final Class<O> outputType;

  protected JavaTask(String name, Class<I> inputType, Class<O> outputType) {
    this.name = requireNonNull(name, "name");
    this.inputType = requireNonNull(inputType, "inputType");
    this.outputType = requireNonNull(outputType, "outputType");
    if (name.isBlank()) {
      throw new IllegalArgumentException("task name must not be blank");
    }
  }

  /** Runs one invocation; called once per element attempt. */
  public abstract O run(I input, TaskContext context) throws Exception;

  /**
   * Prepares a worker before its first element: load a model, open a connection. Called once per
   * worker (a Beam DoFn instance, each with its own instance of this task, made with the public
   * no-argument constructor), on the thread that then runs its elements; state set here is seen by
   * {@link #run}. If it throws, every element of that worker fails with the error, and the worker
   * does not call it again. Default: nothing.
   *
   * <pre>{@code
   * private transient Model model;
   *
   * @Override
   * public void setup() throws IOException {
   *   model = Model.load(Path.of("/models/m.bin"));
   * }
   * }</pre>
   */
  public void setup() throws Exception {}

  /**
   * Releases what {@link #setup} made, once per worker when it is done (Beam's {@code @Teardown}:
   * best effort, a killed worker never gets here). Called only after {@link #setup} succeeded; an
   * exception it throws is ignored. Default: nothing.
   */
  public void teardown() throws Exception {}

  /** The name this task is registered and resolved under. */
  public final String name() {
    return name;
  }

  public final Class<I> inputType() {
    return inputType;
  }

  public final Class<O> outputType() {
    return outputType;
  }

  /** How many more attempts a recoverable failure gets; Flyte's {@code TaskMetadata.retries}. */
  public int retries() {
    return 0;
  }

  /** The limit of one attempt; Flyte's {@code TaskMetadata.timeout}. Empty means none. */
  public Optional<Duration> timeout() {
    return Optional.empty();
  }

  /**
   * The cache version ({@code discovery_version}); present makes the task cacheable per element.
   */
  public Optional<String> cacheVersion() {
    return Optional.empty();
  }

  /**
   * Inputs left out of the cache key ({@code cache_ignore_input_vars}): elements that differ only
   * in them share one cache entry.
   */
  public List<String> cacheIgnoreInputVars() {
    return List.of();
  }
}

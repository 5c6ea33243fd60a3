package org.flytebeam.exec;

import flyteidl.core.Literals.Literal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.RecoverableException;
import org.flytebeam.task.TaskContext;
import org.flytebeam.types.RecordCodec;

/**
 * Runs a {@link JavaTask} in-process. Without a timeout the task runs on the calling thread (no
 * hand-off on the hot path); with one, on a daemon thread that is interrupted when time is up.
 *
 * <p>Errors: {@link RecoverableException} is a recoverable user error; any other exception a
 * non-recoverable user error (as flytekit treats plain exceptions); a JVM {@link Error} such as
 * {@link OutOfMemoryError} a recoverable system error.
 */
public final class JavaTaskInvoker implements ElementInvoker {
  private final JavaTask<Record, Record> task;
  private final RecordCodec<Record> inputCodec;
  private final RecordCodec<Record> outputCodec;
  private final List<String> outputNames;
  private ExecutorService timeoutThreads;

  // Setup runs once, before the first element; a failed one fails every element after it.
  private boolean setUp;
  private String setupFailure;

  /**
   * An invoker with a task of its own: a new instance made with {@code task}'s public no-argument
   * constructor (as {@code ServiceLoader} makes them), so that the state {@link JavaTask#setup()}
   * leaves is this worker's alone; {@code task} itself when it has no such constructor.
   */
  @SuppressWarnings("unchecked")
  public JavaTaskInvoker(JavaTask<?, ?> task) {
    this.task = (JavaTask<Record, Record>) ownInstance(task);
    this.inputCodec = RecordCodec.of((Class<Record>) task.inputType());
    this.outputCodec = RecordCodec.of((Class<Record>) task.outputType());
    this.outputNames = List.copyOf(outputCodec.variables().keySet());
  }

  @Override
  public List<Literal> invoke(
      long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
      throws AttemptFailedException {
    Record input;
    try {
      input = inputCodec.fromLiterals(inputs);
    } catch (RuntimeException e) {
      throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, describe(e), e);
    }
    setUp();
    TaskContext context = new TaskContext(index, attempt, task.name());
    Record output =
        timeout.isPresent()
            ? runWithTimeout(input, context, timeout.get())
            : runHere(input, context);
    if (output == null) {
      throw new AttemptFailedException(
          FailureKind.NON_RECOVERABLE,
          "NullPointerException: task ["
              + task.name()
              + "] returned null instead of its output record");
    }
    // In output order, without a map: one element's outputs on the hot path.
    try {
      return outputCodec.toLiteralList(output);
    } catch (RuntimeException e) {
      throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, describe(e), e);
    }
  }

  private static JavaTask<?, ?> ownInstance(JavaTask<?, ?> task) {
    try {
      java.lang.reflect.Constructor<?> constructor = task.getClass().getConstructor();
      return (JavaTask<?, ?>) constructor.newInstance();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // No public no-argument constructor (a task made in code): share the given instance.
      return task;
    }
  }

  private void setUp() throws AttemptFailedException {
    if (!setUp) {
      setUp = true;
      try {
        task.setup();
      } catch (Throwable t) {
        setupFailure = "setup of task [" + task.name() + "] failed on this worker: " + describe(t);
        throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, setupFailure, t);
      }
    }
    if (setupFailure != null) {
      throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, setupFailure);
    }
  }

  /** The task's output names, in the order {@link #invoke} returns the outputs. */
  public List<String> outputNames() {
    return outputNames;
  }

  private Record runHere(Record input, TaskContext context) throws AttemptFailedException {
    try {
      return task.run(input, context);
    } catch (Throwable t) {
      throw classify(t);
    }
  }

  private Record runWithTimeout(Record input, TaskContext context, Duration timeout)
      throws AttemptFailedException {
    if (timeoutThreads == null) {
      timeoutThreads =
          Executors.newCachedThreadPool(
              r -> {
                Thread thread = new Thread(r, "flyte-beam-task-" + task.name());
                thread.setDaemon(true);
                return thread;
              });
    }
    Future<Record> future = timeoutThreads.submit(() -> task.run(input, context));
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AttemptFailedException(
          FailureKind.TIMED_OUT, "TimeoutError: attempt timed out after " + format(timeout));
    } catch (ExecutionException e) {
      throw classify(e.getCause());
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new AttemptFailedException(
          FailureKind.RECOVERABLE_SYSTEM, "InterruptedException: worker interrupted");
    }
  }

  private static AttemptFailedException classify(Throwable t) {
    if (t instanceof RecoverableException) {
      return new AttemptFailedException(FailureKind.RECOVERABLE_USER, describe(t), t);
    }
    if (t instanceof Error) {
      return new AttemptFailedException(FailureKind.RECOVERABLE_SYSTEM, describe(t), t);
    }
    return new AttemptFailedException(FailureKind.NON_RECOVERABLE, describe(t), t);
  }

  static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  static String format(Duration d) {
    return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void close() {
    if (timeoutThreads != null) {
      timeoutThreads.shutdownNow();
    }
    if (setUp && setupFailure == null) {
      setUp = false;
      try {
        task.teardown();
      } catch (Exception e) {
        // Best effort, as Beam's teardown is: the elements' outcomes are already written.
      }
    }
  }
}

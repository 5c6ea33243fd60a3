package org.flytebeam.bench.variants;

import java.io.Serializable;
import org.flytebeam.examples.Burn;
import org.flytebeam.examples.Square;
import org.flytebeam.task.JavaTask;

/**
 * The functions every variant maps: the example tasks' own {@code run} methods, so the plain
 * variants do exactly the work the flyte-beam CLI invokes, record allocation included.
 */
public enum BenchFunction implements Serializable {
  SQUARE("square") {
    @Override
    public long apply(long x) throws Exception {
      return Tasks.SQUARE.run(new Square.Input(x), null).o0();
    }

    @Override
    public JavaTask<?, ?> newTask() {
      return new Square();
    }
  },
  BURN_CPU("burn_cpu") {
    @Override
    public long apply(long x) throws Exception {
      return Tasks.BURN.run(new Burn.Input(x), null).o0();
    }

    @Override
    public JavaTask<?, ?> newTask() {
      return new Burn();
    }
  };

  private final String taskName;

  BenchFunction(String taskName) {
    this.taskName = taskName;
  }

  /** The flyte-beam task name, as registered through {@code @AutoService}. */
  public String taskName() {
    return taskName;
  }

  /** A fresh instance of the flyte-beam task that runs this function. */
  public abstract JavaTask<?, ?> newTask();

  /** One element. */
  public abstract long apply(long x) throws Exception;

  /** The function of a task name: {@code square} or {@code burn_cpu}. */
  public static BenchFunction of(String taskName) {
    for (BenchFunction f : values()) {
      if (f.taskName.equals(taskName)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "workload [" + taskName + "] is unknown: use square or burn_cpu");
  }

  // One stateless instance per JVM, like a worker's task registry holds.
  private static final class Tasks {
    static final Square SQUARE = new Square();
    static final Burn BURN = new Burn();
  }
}

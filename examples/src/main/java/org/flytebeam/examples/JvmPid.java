package org.flytebeam.examples;

import com.google.auto.service.AutoService;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;

/**
 * {@code jvm_pid(x: int, millis: int) -> (x: int, pid: int)}: waits {@code millis} milliseconds,
 * then returns its {@code x} and the id of the JVM process it ran in, to see which worker ran an
 * element (the cluster test checks that one element's inner items ran on several executors).
 */
@SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
@AutoService(JavaTask.class)
public final class JvmPid extends JavaTask<JvmPid.Input, JvmPid.Output> {
  private static final long serialVersionUID = 1L;

  public record Input(long x, long millis) {}

  public record Output(long x, long pid) {}

  public JvmPid() {
    super("jvm_pid", Input.class, Output.class);
  }

  @Override
  public Output run(Input input, TaskContext context) throws Exception {
    if (input.millis() > 0) {
      Thread.sleep(input.millis());
    }
    return new Output(input.x(), ProcessHandle.current().pid());
  }
}

package org.flytebeam.exec;

import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.SubTask;
import org.flytebeam.task.TaskRegistry;

/** Chooses how a sub-task runs: a {@code java-task} in-process, resolved by its name. */
public final class Invokers {
  private Invokers() {}

  /** Fails with a clear message if the sub-task cannot run here; called before anything runs. */
  public static void checkRunnable(SubTask subTask) {
    if (subTask.isJavaTask()) {
      TaskRegistry.current().get(subTask.javaTaskName().orElseThrow());
      return;
    }
    throw new InvalidDefinitionException(
        String.format(
            "sub-task [%s] of type [%s] runs as a container process, which is not supported yet:"
                + " map a java-task instead",
            subTask.id().name(), subTask.type()));
  }

  public static ElementInvoker create(SubTask subTask) {
    checkRunnable(subTask);
    return new JavaTaskInvoker(TaskRegistry.current().get(subTask.javaTaskName().orElseThrow()));
  }
}

package org.flytebeam.exec;

import java.util.List;
import org.flytebeam.cache.CacheSettings;
import org.flytebeam.graph.WorkflowElements;
import org.flytebeam.spec.SubTask;

/**
 * Chooses how a sub-task runs: a Java task in-process, resolved by its name; any other task with a
 * container as a local process per attempt, honouring Flyte's container contract ({@link
 * ContainerInvoker}).
 */
public final class Invokers {
  private Invokers() {}

  /**
   * Fails with a clear message if the sub-task cannot run here (an unknown Java task, an unknown
   * placeholder, a program that is not installed...); called on the driver before anything runs.
   *
   * @return warnings to show once, e.g. that a container's image is not used
   * @throws org.flytebeam.InvalidDefinitionException listing the problems
   */
  public static List<String> checkRunnable(InvokerContext context) {
    SubTask subTask = context.subTask();
    if (WorkflowElements.is(subTask.template())) {
      return WorkflowInvoker.check(context);
    }
    if (subTask.isJavaTask()) {
      TaskRegistry.current().get(subTask.javaTaskName().orElseThrow());
      return List.of();
    }
    return ContainerInvoker.check(context);
  }

  /** The invoker of one worker (one DoFn instance); see {@link #checkRunnable}. */
  public static ElementInvoker create(InvokerContext context) {
    return create(context, CacheSettings.disabled());
  }

  /**
   * As {@link #create(InvokerContext)}, for a run whose element cache is {@code cache}: an element
   * that runs a whole workflow ({@link WorkflowInvoker}) uses it per task node inside.
   */
  public static ElementInvoker create(InvokerContext context, CacheSettings cache) {
    SubTask subTask = context.subTask();
    if (WorkflowElements.is(subTask.template())) {
      return new WorkflowInvoker(context, cache);
    }
    if (subTask.isJavaTask()) {
      return new JavaTaskInvoker(TaskRegistry.current().get(subTask.javaTaskName().orElseThrow()));
    }
    return new ContainerInvoker(context);
  }
}

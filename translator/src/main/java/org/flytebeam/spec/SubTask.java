package org.flytebeam.spec;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Tasks.TaskTemplate;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The task a map runs once per element.
 *
 * @param template the sub-task's TaskTemplate as it is serialized (for the legacy form, the {@code
 *     container_array} template itself)
 * @param scalarInterface the interface of one invocation: every input and output scalar, as the
 *     original, unmapped task declares it
 * @param retries how many more attempts a recoverable user failure gets (sub-node metadata first,
 *     else the template)
 * @param timeout the limit of one attempt, if any
 * @param cacheVersion the {@code discovery_version} when the task is cacheable
 * @param cacheIgnoreInputVars inputs left out of the cache key
 */
public record SubTask(
    TaskTemplate template,
    TypedInterface scalarInterface,
    int retries,
    Optional<Duration> timeout,
    Optional<String> cacheVersion,
    List<String> cacheIgnoreInputVars)
    implements Serializable {

  /** The template type of a task implemented in Java and run in-process. */
  public static final String JAVA_TASK_TYPE = "java-task";

  public SubTask {
    requireNonNull(template, "template");
    requireNonNull(scalarInterface, "scalarInterface");
    requireNonNull(timeout, "timeout");
    requireNonNull(cacheVersion, "cacheVersion");
    cacheIgnoreInputVars = List.copyOf(cacheIgnoreInputVars);
    if (retries < 0) {
      throw new IllegalArgumentException("retries [" + retries + "] must be >= 0");
    }
  }

  public TaskId id() {
    return TaskId.fromProto(template.getId());
  }

  public String type() {
    return template.getType();
  }

  /**
   * The registered name of a {@code java-task}: {@code custom.javaTask}, else the argument after
   * {@code --task} in the container args.
   */
  public String javaTaskName() {
    com.google.protobuf.Value name = template.getCustom().getFieldsMap().get("javaTask");
    if (name != null && name.hasStringValue()) {
      return name.getStringValue();
    }
    List<String> args = template.getContainer().getArgsList();
    int at = args.indexOf("--task");
    if (at >= 0 && at + 1 < args.size()) {
      return args.get(at + 1);
    }
    return template.getId().getName();
  }

  public boolean isJavaTask() {
    return JAVA_TASK_TYPE.equals(template.getType());
  }
}

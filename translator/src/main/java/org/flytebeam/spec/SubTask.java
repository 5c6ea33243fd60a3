package org.flytebeam.spec;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Value;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

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

  /** The key of the Java task's name in a {@code java-task} template's {@code custom} struct. */
  public static final String JAVA_TASK_CUSTOM_KEY = "javaTask";

  /** The image a Java task's container names: the flyte-beam CLI, which runs it by name. */
  public static final String JAVA_TASK_IMAGE = "flyte-beam";

  public SubTask {
    requireNonNull(template, "template");
    requireNonNull(scalarInterface, "scalarInterface");
    requireNonNull(timeout, "timeout");
    requireNonNull(cacheVersion, "cacheVersion");
    cacheIgnoreInputVars = List.copyOf(cacheIgnoreInputVars);
    if (retries < 0) {
      throw new IllegalArgumentException("retries [" + retries + "] must be >= 0");
    }
    if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
      throw new IllegalArgumentException(
          "timeout ["
              + timeout.get()
              + "] of task ["
              + template.getId().getName()
              + "] must be > 0: give a positive limit, or none for no limit");
    }
  }

  /**
   * A sub-task for {@code template}, its retries, timeout and cache settings read from the
   * template's metadata.
   *
   * @param nodeRetries the sub-node's retries, which win over the template's when present
   */
  public static SubTask of(
      TaskTemplate template, TypedInterface scalarInterface, OptionalInt nodeRetries) {
    TaskMetadata metadata = template.getMetadata();
    int retries =
        nodeRetries.isPresent() ? nodeRetries.getAsInt() : metadata.getRetries().getRetries();
    com.google.protobuf.Duration protoTimeout = metadata.getTimeout();
    Optional<Duration> timeout =
        metadata.hasTimeout()
            ? Optional.of(Duration.ofSeconds(protoTimeout.getSeconds(), protoTimeout.getNanos()))
            : Optional.empty();
    Optional<String> cacheVersion =
        metadata.getDiscoverable() ? Optional.of(metadata.getDiscoveryVersion()) : Optional.empty();
    return new SubTask(
        template,
        scalarInterface,
        retries,
        timeout,
        cacheVersion,
        metadata.getCacheIgnoreInputVarsList());
  }

  /**
   * Adds a problem when {@code template} is cacheable ({@code discoverable}) without a {@code
   * discovery_version}: Flyte refuses such a task (flytekit when it is declared, the backend's
   * catalog when it runs).
   */
  public static void checkCache(TaskTemplate template, List<String> problems) {
    TaskMetadata metadata = template.getMetadata();
    if (metadata.getDiscoverable() && metadata.getDiscoveryVersion().isBlank()) {
      problems.add(
          String.format(
              "task [%s] is cacheable (discoverable) but its discovery_version [%s] is empty: set"
                  + " the cache version (flytekit's cache_version, TaskMetadata.discovery_version),"
                  + " or turn caching off",
              template.getId().getName(), metadata.getDiscoveryVersion()));
    }
  }

  public TaskId id() {
    return TaskId.fromProto(template.getId());
  }

  public String type() {
    return template.getType();
  }

  /**
   * Whether the sub-task is a Java task, run in-process by name: a {@code java-task} template, or a
   * container (a legacy {@code container_array} one, say) that runs {@code flyte-beam execute
   * --task NAME}.
   */
  public boolean isJavaTask() {
    return javaTaskName().isPresent();
  }

  /**
   * The name of the Java task this sub-task runs: {@code custom.javaTask}, else the value after
   * {@code --task} in a container whose args start with {@code flyte-beam execute}.
   */
  public Optional<String> javaTaskName() {
    Value custom = template.getCustom().getFieldsMap().get(JAVA_TASK_CUSTOM_KEY);
    if (custom != null && custom.getKindCase() == Value.KindCase.STRING_VALUE) {
      return Optional.of(custom.getStringValue());
    }
    List<String> args = template.getContainer().getArgsList();
    if (args.size() >= 2 && "flyte-beam".equals(args.get(0)) && "execute".equals(args.get(1))) {
      for (int i = 2; i + 1 < args.size() && !"--".equals(args.get(i)); i++) {
        if ("--task".equals(args.get(i))) {
          return Optional.of(args.get(i + 1));
        }
      }
    }
    return Optional.empty();
  }
}

package org.flytebeam.graph;

import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNodeOverrides;
import java.util.ArrayList;
import java.util.List;
import org.flytebeam.exec.process.TaskText;

/**
 * What a workflow node says about how its task runs, over what the task says, as flytepropeller
 * decides it: the node's retries when set and non-zero (else the task's), the node's timeout when
 * set and positive (else the task's), and the node's interruptible and cache settings when set.
 * Settings a local process cannot honour (resources, extended resources, image, pod template,
 * interruptible) are named once per node in a warning, never dropped in silence.
 */
public final class NodeOverrides {
  private NodeOverrides() {}

  /** {@code task} with the node's metadata laid over its own. */
  public static TaskTemplate apply(TaskTemplate task, NodeMetadata node) {
    TaskMetadata.Builder m = task.getMetadata().toBuilder();
    if (node.hasRetries() && node.getRetries().getRetries() != 0) {
      m.setRetries(node.getRetries());
    }
    if (node.hasTimeout() && com.google.protobuf.util.Durations.toNanos(node.getTimeout()) > 0) {
      m.setTimeout(node.getTimeout());
    }
    if (node.getInterruptibleValueCase() == NodeMetadata.InterruptibleValueCase.INTERRUPTIBLE) {
      m.setInterruptible(node.getInterruptible());
    }
    if (node.getCacheableValueCase() == NodeMetadata.CacheableValueCase.CACHEABLE) {
      m.setDiscoverable(node.getCacheable());
    }
    if (node.getCacheVersionValueCase() == NodeMetadata.CacheVersionValueCase.CACHE_VERSION) {
      m.setDiscoveryVersion(node.getCacheVersion());
    }
    if (node.getCacheSerializableValueCase()
        == NodeMetadata.CacheSerializableValueCase.CACHE_SERIALIZABLE) {
      m.setCacheSerializable(node.getCacheSerializable());
    }
    return task.toBuilder().setMetadata(m).build();
  }

  /**
   * The one warning for what node {@code path} asks that a local process cannot give, or nothing:
   * the task node overrides (resources, extended resources, image, pod template) and an
   * interruptible node or task.
   */
  public static List<String> unhonoured(
      String path, TaskTemplate effective, TaskNodeOverrides overrides) {
    List<String> parts = new ArrayList<>();
    if (overrides.hasResources()) {
      parts.add("resources [" + oneLine(overrides.getResources().toString()) + "]");
    }
    if (overrides.hasExtendedResources()) {
      parts.add(
          "extended resources [" + oneLine(overrides.getExtendedResources().toString()) + "]");
    }
    if (!overrides.getContainerImage().isEmpty()) {
      parts.add("the image [" + TaskText.escape(overrides.getContainerImage()) + "]");
    }
    if (overrides.hasPodTemplate()) {
      parts.add("the pod template");
    }
    if (effective.getMetadata().getInterruptible()) {
      parts.add("interruptible (nothing preempts a local process)");
    }
    if (parts.isEmpty()) {
      return List.of();
    }
    return List.of(
        "node ["
            + path
            + "] asks for "
            + String.join(", ", parts)
            + ", which a local process does not honour: task ["
            + effective.getId().getName()
            + "] runs without them");
  }

  private static String oneLine(String proto) {
    return proto.strip().replaceAll("\\s+", " ");
  }
}

package org.flytebeam.runner;

import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNodeOverrides;
import java.util.List;

/**
 * The engine's name for {@link org.flytebeam.graph.NodeOverrides}, which moved to the translator so
 * that a map element running a whole workflow on a worker applies node metadata the same way.
 */
final class NodeOverrides {
  private NodeOverrides() {}

  static TaskTemplate apply(TaskTemplate task, NodeMetadata node) {
    return org.flytebeam.graph.NodeOverrides.apply(task, node);
  }

  static List<String> unhonoured(String path, TaskTemplate effective, TaskNodeOverrides overrides) {
    return org.flytebeam.graph.NodeOverrides.unhonoured(path, effective, overrides);
  }
}

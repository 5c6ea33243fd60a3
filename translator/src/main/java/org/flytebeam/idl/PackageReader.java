package org.flytebeam.idl;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.graph.FlytePackage;

/**
 * Reads a definition into the {@link FlytePackage} of entities it holds, to choose one to run.
 *
 * <p>Read today: one file holding a core {@code WorkflowClosure} (its workflow and its tasks) or a
 * core {@code TaskTemplate}, as protobuf JSON ({@code .json}) or binary ({@code .pb}).
 */
public final class PackageReader {
  private PackageReader() {}

  /**
   * The entities of the definition file {@code name} (a path or URI, already read into {@code
   * bytes}).
   */
  public static FlytePackage read(String name, byte[] bytes) {
    requireNonNull(name, "name");
    requireNonNull(bytes, "bytes");
    Message message = DefinitionReader.parse(name, bytes);
    String source = "[" + name + "]";
    if (message instanceof WorkflowClosure closure) {
      return ofClosure(source, closure);
    }
    return ofTemplate(source, (TaskTemplate) message);
  }

  /** The entities of a core closure: its workflow and its tasks. */
  public static FlytePackage ofClosure(String source, WorkflowClosure closure) {
    Map<String, TaskTemplate> tasks = new LinkedHashMap<>();
    for (TaskTemplate task : closure.getTasksList()) {
      tasks.put(task.getId().getName(), task);
    }
    Map<String, WorkflowTemplate> workflows = new LinkedHashMap<>();
    workflows.put(closure.getWorkflow().getId().getName(), closure.getWorkflow());
    return new FlytePackage(source, tasks, workflows, Map.of(), Optional.empty());
  }

  /** A package of one task. */
  public static FlytePackage ofTemplate(String source, TaskTemplate template) {
    return new FlytePackage(
        source, Map.of(template.getId().getName(), template), Map.of(), Map.of(), Optional.empty());
  }
}

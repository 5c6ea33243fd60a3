package org.flytebeam.graph;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.flytebeam.InvalidDefinitionException;

/**
 * The entities of one definition (a {@code pyflyte package} archive, a folder of serialized files,
 * or a single closure or template), keyed by their full names. Before registration an entity's
 * project, domain and version are empty or {@code {{ registration.* }}} placeholders, so entities
 * are found by resource type and name alone.
 *
 * @param source what the entities were read from, for messages
 * @param tasks task templates by name
 * @param workflows workflow templates by name, sub-workflows included
 * @param launchPlans launch plans by name
 * @param fastBundle the package's code bundle ({@code fast*.tar.gz}) for fast-registered tasks, as
 *     a path or URI every worker can read, when the package holds one
 */
public record FlytePackage(
    String source,
    Map<String, TaskTemplate> tasks,
    Map<String, WorkflowTemplate> workflows,
    Map<String, LaunchPlanDef> launchPlans,
    Optional<String> fastBundle) {

  public FlytePackage {
    requireNonNull(source, "source");
    tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    workflows = Collections.unmodifiableMap(new LinkedHashMap<>(workflows));
    launchPlans = Collections.unmodifiableMap(new LinkedHashMap<>(launchPlans));
    requireNonNull(fastBundle, "fastBundle");
  }

  /** What a run can be asked to run: a launch plan, a workflow or a task. */
  public sealed interface Entity {
    /** The entity's full name. */
    String name();
  }

  /** A launch plan chosen to run. */
  public record LaunchPlanEntity(LaunchPlanDef launchPlan) implements Entity {
    @Override
    public String name() {
      return launchPlan.name();
    }
  }

  /** A workflow chosen to run. */
  public record WorkflowEntity(WorkflowTemplate workflow) implements Entity {
    @Override
    public String name() {
      return workflow.getId().getName();
    }
  }

  /** A task chosen to run (a map task runs as a map, any other task once). */
  public record TaskEntity(TaskTemplate task) implements Entity {
    @Override
    public String name() {
      return task.getId().getName();
    }
  }

  /**
   * The entity to run: by full name when {@code name} is given (a launch plan wins over a workflow
   * of the same name, a workflow over a task); without it, the package's only launch plan, else its
   * only workflow, else its only task.
   *
   * @throws InvalidDefinitionException naming what the package holds when the name matches nothing
   *     or, without a name, the choice is ambiguous
   */
  public Entity select(Optional<String> name) {
    if (name.isPresent()) {
      String n = name.get();
      if (launchPlans.containsKey(n)) {
        return new LaunchPlanEntity(launchPlans.get(n));
      }
      if (workflows.containsKey(n)) {
        return new WorkflowEntity(workflows.get(n));
      }
      if (tasks.containsKey(n)) {
        return new TaskEntity(tasks.get(n));
      }
      throw new InvalidDefinitionException(
          "--workflow ["
              + n
              + "] is not in "
              + source
              + ": it holds "
              + names()
              + "; give one of these names");
    }
    if (launchPlans.size() == 1) {
      return new LaunchPlanEntity(launchPlans.values().iterator().next());
    }
    List<String> topLevel = topLevelWorkflows();
    if (topLevel.size() == 1) {
      return new WorkflowEntity(workflows.get(topLevel.get(0)));
    }
    if (tasks.size() == 1) {
      return new TaskEntity(tasks.values().iterator().next());
    }
    if (launchPlans.isEmpty() && workflows.isEmpty() && tasks.isEmpty()) {
      throw new InvalidDefinitionException(
          source + " holds no launch plan, workflow or task: give a package or definition file");
    }
    throw new InvalidDefinitionException(
        source
            + " holds more than one entity to run: choose one with --workflow NAME among "
            + names());
  }

  /**
   * The workflows no other workflow of the package refers to as a sub-workflow: the ones a user can
   * mean when the package holds no launch plan.
   */
  public List<String> topLevelWorkflows() {
    java.util.Set<String> referenced = new java.util.HashSet<>();
    for (WorkflowTemplate w : workflows.values()) {
      collectSubWorkflowRefs(w.getNodesList(), referenced);
    }
    return workflows.keySet().stream().filter(n -> !referenced.contains(n)).toList();
  }

  private static void collectSubWorkflowRefs(
      List<flyteidl.core.Workflow.Node> nodes, java.util.Set<String> into) {
    for (flyteidl.core.Workflow.Node node : nodes) {
      if (node.hasWorkflowNode() && node.getWorkflowNode().hasSubWorkflowRef()) {
        into.add(node.getWorkflowNode().getSubWorkflowRef().getName());
      }
      if (node.hasArrayNode()) {
        collectSubWorkflowRefs(List.of(node.getArrayNode().getNode()), into);
      }
      if (node.hasBranchNode()) {
        flyteidl.core.Workflow.IfElseBlock block = node.getBranchNode().getIfElse();
        List<flyteidl.core.Workflow.Node> branches = new ArrayList<>();
        branches.add(block.getCase().getThenNode());
        block.getOtherList().forEach(c -> branches.add(c.getThenNode()));
        if (block.hasElseNode()) {
          branches.add(block.getElseNode());
        }
        collectSubWorkflowRefs(branches, into);
      }
    }
  }

  /** Every entity's name, by kind, for messages. */
  public String names() {
    List<String> parts = new ArrayList<>();
    if (!launchPlans.isEmpty()) {
      parts.add("launch plans " + new TreeSet<>(launchPlans.keySet()));
    }
    if (!workflows.isEmpty()) {
      parts.add("workflows " + new TreeSet<>(workflows.keySet()));
    }
    if (!tasks.isEmpty()) {
      parts.add("tasks " + new TreeSet<>(tasks.keySet()));
    }
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }
}

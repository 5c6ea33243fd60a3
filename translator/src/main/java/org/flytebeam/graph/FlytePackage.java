package org.flytebeam.graph;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.IfElseBlock;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
   * of the same name, a workflow over a task); without it, the package's only launch plan, else (no
   * launch plan) its only top-level workflow, else (no workflow either) its only task.
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
    // A lower kind is chosen only when the package holds none of the higher: a package of three
    // launch plans and one task is ambiguous, not a run of its task.
    if (launchPlans.size() == 1) {
      return new LaunchPlanEntity(launchPlans.values().iterator().next());
    }
    List<String> topLevel = topLevelWorkflows();
    if (launchPlans.isEmpty() && topLevel.size() == 1) {
      return new WorkflowEntity(workflows.get(topLevel.get(0)));
    }
    if (launchPlans.isEmpty() && workflows.isEmpty() && tasks.size() == 1) {
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
    Set<String> referenced = new HashSet<>();
    for (WorkflowTemplate w : workflows.values()) {
      collectSubWorkflowRefs(w.getNodesList(), referenced);
    }
    return workflows.keySet().stream().filter(n -> !referenced.contains(n)).toList();
  }

  private static void collectSubWorkflowRefs(List<Node> nodes, Set<String> into) {
    for (Node node : nodes) {
      if (node.hasWorkflowNode() && node.getWorkflowNode().hasSubWorkflowRef()) {
        into.add(node.getWorkflowNode().getSubWorkflowRef().getName());
      }
      collectSubWorkflowRefs(innerNodes(node), into);
    }
  }

  /**
   * The workflows of {@code entity}'s closure (itself, its sub-workflows and launch plans'
   * workflows) that declare a failure node ({@code on_failure}), which flyte-beam does not run: the
   * run names them in a warning rather than drop them in silence.
   */
  public List<String> workflowsWithFailureNode(Entity entity) {
    List<String> found = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (entity instanceof LaunchPlanEntity lp) {
      Optional.ofNullable(workflows.get(lp.launchPlan().workflowName()))
          .ifPresent(w -> failureNodes(w, found, seen));
    } else if (entity instanceof WorkflowEntity w) {
      failureNodes(w.workflow(), found, seen);
    }
    return found;
  }

  private void failureNodes(WorkflowTemplate w, List<String> found, Set<String> seen) {
    if (!seen.add(w.getId().getName())) {
      return;
    }
    if (w.hasFailureNode()) {
      found.add(w.getId().getName());
    }
    failureNodes(w.getNodesList(), found, seen);
  }

  private void failureNodes(List<Node> nodes, List<String> found, Set<String> seen) {
    for (Node node : nodes) {
      if (node.hasWorkflowNode()) {
        flyteidl.core.Workflow.WorkflowNode wn = node.getWorkflowNode();
        WorkflowTemplate sub = null;
        if (wn.hasSubWorkflowRef()) {
          sub = workflows.get(wn.getSubWorkflowRef().getName());
        } else if (wn.hasLaunchplanRef()
            && launchPlans.containsKey(wn.getLaunchplanRef().getName())) {
          sub = workflows.get(launchPlans.get(wn.getLaunchplanRef().getName()).workflowName());
        }
        if (sub != null) {
          failureNodes(sub, found, seen);
        }
      }
      failureNodes(innerNodes(node), found, seen);
    }
  }

  /**
   * The nodes {@code node} holds, which both walks of this class (sub-workflow references, missing
   * references) descend into: an array node's mapped node, a branch node's case nodes and else
   * node, in order; nothing for other kinds.
   */
  static List<Node> innerNodes(Node node) {
    if (node.hasArrayNode()) {
      return List.of(node.getArrayNode().getNode());
    }
    if (node.hasBranchNode()) {
      IfElseBlock block = node.getBranchNode().getIfElse();
      List<Node> branches = new ArrayList<>();
      branches.add(block.getCase().getThenNode());
      block.getOtherList().forEach(c -> branches.add(c.getThenNode()));
      if (block.hasElseNode()) {
        branches.add(block.getElseNode());
      }
      return branches;
    }
    return List.of();
  }

  /**
   * Checks that everything {@code entity} refers to, directly or through its sub-workflows and
   * launch plans, is in the package: a node's task, a sub-workflow, a launch plan, a launch plan's
   * workflow. Only the chosen entity's closure is checked: other entities may refer to what the
   * package lacks. {@link WorkflowCompiler} finds the same in its own pass, with every other
   * problem; this check is for what does not compile the entity ({@code describe}).
   *
   * @throws InvalidDefinitionException with one line per missing entity, naming what refers to it
   */
  public void checkReferences(Entity entity) {
    Set<String> problems = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    if (entity instanceof LaunchPlanEntity lp) {
      checkLaunchPlan(lp.launchPlan(), problems, seen);
    } else if (entity instanceof WorkflowEntity w) {
      checkWorkflow(w.workflow(), problems, seen);
    } // A task refers to nothing in the package.
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(new ArrayList<>(problems));
    }
  }

  private void checkLaunchPlan(LaunchPlanDef lp, Set<String> problems, Set<String> seen) {
    if (!seen.add("lp:" + lp.name())) {
      return;
    }
    WorkflowTemplate w = workflows.get(lp.workflowName());
    if (w == null) {
      problems.add(
          String.format(
              "the launch plan [%s] launches the workflow [%s], which %s does not hold: add it"
                  + " to the package",
              lp.name(), lp.workflowName(), source));
      return;
    }
    checkWorkflow(w, problems, seen);
  }

  private void checkWorkflow(WorkflowTemplate w, Set<String> problems, Set<String> seen) {
    if (!seen.add("wf:" + w.getId().getName())) {
      return;
    }
    checkNodes(w.getId().getName(), w.getNodesList(), problems, seen);
    if (w.hasFailureNode()) {
      checkNodes(w.getId().getName(), List.of(w.getFailureNode()), problems, seen);
    }
  }

  private void checkNodes(
      String workflow, List<Node> nodes, Set<String> problems, Set<String> seen) {
    for (Node node : nodes) {
      String by = String.format("node [%s] of the workflow [%s]", node.getId(), workflow);
      if (node.hasTaskNode() && node.getTaskNode().hasReferenceId()) {
        String task = node.getTaskNode().getReferenceId().getName();
        if (!tasks.containsKey(task)) {
          problems.add(missing("task", task, by));
        }
      }
      if (node.hasWorkflowNode()) {
        WorkflowNode wn = node.getWorkflowNode();
        if (wn.hasSubWorkflowRef()) {
          WorkflowTemplate sub = workflows.get(wn.getSubWorkflowRef().getName());
          if (sub == null) {
            problems.add(missing("sub-workflow", wn.getSubWorkflowRef().getName(), by));
          } else {
            checkWorkflow(sub, problems, seen);
          }
        } else if (wn.hasLaunchplanRef()) {
          LaunchPlanDef lp = launchPlans.get(wn.getLaunchplanRef().getName());
          if (lp == null) {
            problems.add(missing("launch plan", wn.getLaunchplanRef().getName(), by));
          } else {
            checkLaunchPlan(lp, problems, seen);
          }
        }
      }
      checkNodes(workflow, innerNodes(node), problems, seen);
    }
  }

  private String missing(String kind, String name, String by) {
    return String.format(
        "the %s [%s], which the %s refers to, is not in %s: add it to the package or give a"
            + " definition that holds it",
        kind, name, by, source);
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

package org.flytebeam.graph;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNodeOverrides;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A workflow as the engine runs it, validated by {@link WorkflowCompiler} before anything runs: its
 * nodes in an order where every node comes after its upstream nodes, each with its kind, its input
 * bindings, the ids it waits for and its interface; branches and sub-workflows carry their own
 * graphs, whose node ids are scoped to them.
 *
 * @param name the workflow's name
 * @param iface the workflow's inputs and outputs
 * @param nodes the nodes, upstream before downstream
 * @param outputs the bindings of the workflow's outputs
 * @param onFailure what a node failure does to the rest of the run
 */
public record ExecutionGraph(
    String name,
    TypedInterface iface,
    List<GraphNode> nodes,
    List<Binding> outputs,
    OnFailurePolicy onFailure) {

  public ExecutionGraph {
    requireNonNull(name, "name");
    requireNonNull(iface, "iface");
    nodes = List.copyOf(nodes);
    outputs = List.copyOf(outputs);
    requireNonNull(onFailure, "onFailure");
  }

  /**
   * One node of a graph.
   *
   * @param id the node's id, unique in its graph
   * @param inputs the bindings of its inputs
   * @param upstream the ids of the nodes it waits for (its declared upstream ids and the nodes its
   *     promises read)
   * @param iface its inputs and outputs
   * @param metadata its node metadata (retries, timeout, interruptible, cache), overriding the
   *     task's
   * @param target what it runs
   */
  public record GraphNode(
      String id,
      List<Binding> inputs,
      Set<String> upstream,
      TypedInterface iface,
      NodeMetadata metadata,
      Target target) {
    public GraphNode {
      requireNonNull(id, "id");
      inputs = List.copyOf(inputs);
      upstream = Set.copyOf(upstream);
      requireNonNull(iface, "iface");
      requireNonNull(metadata, "metadata");
      requireNonNull(target, "target");
    }
  }

  /** What a node runs. */
  public sealed interface Target {}

  /** A task run once (retries, timeout and cache as a map element has them). */
  public record TaskCall(TaskTemplate task, TaskNodeOverrides overrides) implements Target {
    public TaskCall {
      requireNonNull(task, "task");
      requireNonNull(overrides, "overrides");
    }
  }

  /** A map of a task over its list inputs, with today's map semantics. */
  public record ArrayCall(ArrayNode arrayNode, TaskTemplate task) implements Target {
    public ArrayCall {
      requireNonNull(arrayNode, "arrayNode");
      requireNonNull(task, "task");
    }
  }

  /**
   * A map of a whole workflow over its list inputs (an ArrayNode whose sub-node is a workflow
   * node): element i runs {@code graph} with item i of every mapped input, a launch plan's defaults
   * and fixed inputs around them, on a worker; today's map semantics count elements whose workflow
   * succeeded.
   *
   * @param arrayNode the ArrayNode as written (criteria, parallelism, sub-node)
   * @param graph the workflow each element runs
   * @param launchPlan the launch plan the sub-node names, or empty for a sub-workflow
   * @param elementInterface one element's inputs (the workflow's, fixed inputs left out) and
   *     outputs
   * @param bundle what a worker needs to compile {@code graph} again (see {@link WorkflowBundle})
   */
  public record ArrayWorkflowCall(
      ArrayNode arrayNode,
      ExecutionGraph graph,
      Optional<LaunchPlanDef> launchPlan,
      TypedInterface elementInterface,
      com.google.protobuf.Struct bundle)
      implements Target {
    public ArrayWorkflowCall {
      requireNonNull(arrayNode, "arrayNode");
      requireNonNull(graph, "graph");
      requireNonNull(launchPlan, "launchPlan");
      requireNonNull(elementInterface, "elementInterface");
      requireNonNull(bundle, "bundle");
    }
  }

  /** A sub-workflow run inline. */
  public record SubWorkflow(ExecutionGraph graph) implements Target {
    public SubWorkflow {
      requireNonNull(graph, "graph");
    }
  }

  /** A launch plan: its workflow run with its default and fixed inputs. */
  public record LaunchPlanCall(LaunchPlanDef launchPlan, ExecutionGraph graph) implements Target {
    public LaunchPlanCall {
      requireNonNull(launchPlan, "launchPlan");
      requireNonNull(graph, "graph");
    }
  }

  /** One case of a branch: the node run when the condition holds. */
  public record Case(BooleanExpression condition, GraphNode then) {
    public Case {
      requireNonNull(condition, "condition");
      requireNonNull(then, "then");
    }
  }

  /**
   * A branch: the first case whose condition holds runs, else the else node, else the run fails
   * with {@code elseFail}'s message.
   */
  public record Branch(List<Case> cases, Optional<GraphNode> elseNode, Optional<String> elseFail)
      implements Target {
    public Branch {
      cases = List.copyOf(cases);
      requireNonNull(elseNode, "elseNode");
      requireNonNull(elseFail, "elseFail");
    }
  }

  /** A gate that waits for a duration. */
  public record Sleep(Duration duration) implements Target {
    public Sleep {
      requireNonNull(duration, "duration");
    }
  }
}

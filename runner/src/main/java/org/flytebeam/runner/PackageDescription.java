package org.flytebeam.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.FlytePackage.Entity;
import org.flytebeam.graph.FlytePackage.LaunchPlanEntity;
import org.flytebeam.graph.FlytePackage.TaskEntity;
import org.flytebeam.graph.FlytePackage.WorkflowEntity;
import org.flytebeam.graph.LaunchPlanDef;
import org.flytebeam.types.LiteralTypes;

/**
 * What {@code describe} prints of a package: its launch plans, workflows and tasks with their
 * interfaces, and the chosen entity's graph (nodes, kinds, edges), as text or JSON.
 */
final class PackageDescription {
  private PackageDescription() {}

  static final String START = "start-node";
  static final String END = "end-node";

  /** One node of a graph: its id, its kind and what it runs. */
  record GraphNode(String id, String kind, String target) {}

  /** One edge of a graph, from a node (or the start) to a node (or the end). */
  record Edge(String from, String to) {}

  static void printText(PrintWriter out, FlytePackage pkg, Entity chosen) {
    out.println("package:      " + pkg.source());
    pkg.launchPlans()
        .values()
        .forEach(
            lp ->
                out.println(
                    "launch plan:  "
                        + lp.name()
                        + " -> workflow "
                        + lp.workflowName()
                        + " (defaults: "
                        + lp.defaultInputs().getParametersMap().keySet()
                        + ", fixed: "
                        + lp.fixedInputs().getLiteralsMap().keySet()
                        + ")"));
    pkg.workflows()
        .values()
        .forEach(
            w -> out.println("workflow:     " + w.getId().getName() + " " + sig(w.getInterface())));
    pkg.tasks()
        .values()
        .forEach(
            t ->
                out.println(
                    "task:         "
                        + t.getId().getName()
                        + " ["
                        + t.getType()
                        + "] "
                        + sig(t.getInterface())));
    pkg.fastBundle().ifPresent(b -> out.println("fast bundle:  " + b));
    out.println("chosen:       " + kind(chosen) + " " + chosen.name());
    WorkflowTemplate graph = graphOf(pkg, chosen);
    if (graph == null) {
      return;
    }
    out.println("graph of workflow " + graph.getId().getName() + ":");
    for (GraphNode n : nodes(graph)) {
      out.println("  node " + n.id() + " [" + n.kind() + "] " + n.target());
    }
    for (Edge e : edges(graph)) {
      out.println("  edge " + e.from() + " -> " + e.to());
    }
  }

  static ObjectNode toJson(ObjectMapper json, FlytePackage pkg, Entity chosen) {
    ObjectNode root = json.createObjectNode();
    root.put("source", pkg.source());
    ArrayNode lps = root.putArray("launchPlans");
    for (LaunchPlanDef lp : pkg.launchPlans().values()) {
      ObjectNode o = lps.addObject().put("name", lp.name()).put("workflow", lp.workflowName());
      ArrayNode defaults = o.putArray("defaultInputs");
      lp.defaultInputs()
          .getParametersMap()
          .forEach(
              (name, p) ->
                  defaults
                      .addObject()
                      .put("name", name)
                      .put("type", LiteralTypes.describe(p.getVar().getType()))
                      .put("required", p.getRequired())
                      .put("hasDefault", p.hasDefault()));
      ArrayNode fixed = o.putArray("fixedInputs");
      lp.fixedInputs().getLiteralsMap().keySet().forEach(fixed::add);
    }
    ArrayNode wfs = root.putArray("workflows");
    for (WorkflowTemplate w : pkg.workflows().values()) {
      ObjectNode o = wfs.addObject().put("name", w.getId().getName());
      putInterface(o, w.getInterface());
    }
    ArrayNode tasks = root.putArray("tasks");
    for (TaskTemplate t : pkg.tasks().values()) {
      ObjectNode o = tasks.addObject().put("name", t.getId().getName()).put("type", t.getType());
      putInterface(o, t.getInterface());
    }
    if (pkg.fastBundle().isPresent()) {
      root.put("fastBundle", pkg.fastBundle().get());
    } else {
      root.putNull("fastBundle");
    }
    ObjectNode c = root.putObject("chosen").put("kind", kind(chosen)).put("name", chosen.name());
    WorkflowTemplate graph = graphOf(pkg, chosen);
    if (graph != null) {
      ObjectNode g = c.putObject("graph").put("workflow", graph.getId().getName());
      ArrayNode nodes = g.putArray("nodes");
      nodes(graph)
          .forEach(
              n ->
                  nodes
                      .addObject()
                      .put("id", n.id())
                      .put("kind", n.kind())
                      .put("target", n.target()));
      ArrayNode edges = g.putArray("edges");
      edges(graph).forEach(e -> edges.addObject().put("from", e.from()).put("to", e.to()));
    }
    return root;
  }

  private static void putInterface(ObjectNode o, TypedInterface i) {
    o.set("inputs", vars(o, i.getInputs().getVariablesMap()));
    o.set("outputs", vars(o, i.getOutputs().getVariablesMap()));
  }

  private static ArrayNode vars(ObjectNode parent, Map<String, Variable> vars) {
    ArrayNode list = parent.arrayNode();
    vars.forEach(
        (n, v) -> list.addObject().put("name", n).put("type", LiteralTypes.describe(v.getType())));
    return list;
  }

  static String kind(Entity e) {
    if (e instanceof LaunchPlanEntity) {
      return "launch plan";
    }
    return e instanceof WorkflowEntity ? "workflow" : "task";
  }

  /** The workflow whose graph describes the entity: none for a task. */
  private static WorkflowTemplate graphOf(FlytePackage pkg, Entity e) {
    if (e instanceof LaunchPlanEntity lp) {
      return pkg.workflows().get(lp.launchPlan().workflowName());
    }
    if (e instanceof WorkflowEntity w) {
      return w.workflow();
    }
    if (e instanceof TaskEntity) {
      return null;
    }
    return null;
  }

  static List<GraphNode> nodes(WorkflowTemplate w) {
    List<GraphNode> out = new ArrayList<>();
    for (Node n : w.getNodesList()) {
      out.add(node(n));
    }
    return out;
  }

  private static GraphNode node(Node n) {
    if (n.hasTaskNode()) {
      return new GraphNode(n.getId(), "task", n.getTaskNode().getReferenceId().getName());
    }
    if (n.hasArrayNode()) {
      Node inner = n.getArrayNode().getNode();
      return new GraphNode(
          n.getId(), "array", "over " + node(inner).kind() + " " + node(inner).target());
    }
    if (n.hasWorkflowNode()) {
      return n.getWorkflowNode().hasLaunchplanRef()
          ? new GraphNode(
              n.getId(), "launch plan", n.getWorkflowNode().getLaunchplanRef().getName())
          : new GraphNode(
              n.getId(), "sub-workflow", n.getWorkflowNode().getSubWorkflowRef().getName());
    }
    if (n.hasBranchNode()) {
      int cases = 1 + n.getBranchNode().getIfElse().getOtherCount();
      boolean otherwise =
          n.getBranchNode().getIfElse().hasElseNode() || n.getBranchNode().getIfElse().hasError();
      return new GraphNode(
          n.getId(), "branch", cases + " case(s)" + (otherwise ? " and an else" : ""));
    }
    if (n.hasGateNode()) {
      return new GraphNode(
          n.getId(),
          "gate",
          n.getGateNode().getConditionCase().name().toLowerCase(java.util.Locale.ROOT));
    }
    return new GraphNode(n.getId(), "unknown", "");
  }

  /** Edges from upstream ids and bindings' promises; workflow outputs go to the end node. */
  static List<Edge> edges(WorkflowTemplate w) {
    Set<Edge> edges = new LinkedHashSet<>();
    for (Node n : w.getNodesList()) {
      Set<String> from = new LinkedHashSet<>(n.getUpstreamNodeIdsList());
      for (Binding b : n.getInputsList()) {
        promises(b.getBinding(), from);
      }
      if (from.isEmpty()) {
        from.add(START);
      }
      from.forEach(f -> edges.add(new Edge(f, n.getId())));
    }
    for (Binding b : w.getOutputsList()) {
      Set<String> from = new LinkedHashSet<>();
      promises(b.getBinding(), from);
      from.forEach(f -> edges.add(new Edge(f, END)));
    }
    return new ArrayList<>(edges);
  }

  private static void promises(BindingData d, Set<String> into) {
    if (d.hasPromise()) {
      String id = d.getPromise().getNodeId();
      into.add(id.isEmpty() ? START : id);
    } else if (d.hasCollection()) {
      d.getCollection().getBindingsList().forEach(x -> promises(x, into));
    } else if (d.hasMap()) {
      d.getMap().getBindingsMap().values().forEach(x -> promises(x, into));
    }
  }

  private static String sig(TypedInterface i) {
    return DescribeCommand.describe(i.getInputs().getVariablesMap())
        + " -> "
        + DescribeCommand.describe(i.getOutputs().getVariablesMap());
  }
}

package org.flytebeam.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.Condition.ComparisonExpression;
import flyteidl.core.Condition.ConjunctionExpression;
import flyteidl.core.Condition.Operand;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.IfBlock;
import flyteidl.core.Workflow.IfElseBlock;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.FlytePackage.Entity;
import org.flytebeam.graph.FlytePackage.LaunchPlanEntity;
import org.flytebeam.graph.FlytePackage.WorkflowEntity;
import org.flytebeam.graph.LaunchPlanDef;
import org.flytebeam.graph.Promises;
import org.flytebeam.types.LiteralTypes;

/**
 * What {@code describe} prints of a package: its launch plans, workflows and tasks with their
 * interfaces, and the chosen entity's graph (nodes, kinds, edges), as text or JSON. A branch node
 * shows its cases (each condition and the node it runs, or the else's failure); a sub-workflow or
 * launch plan node of the chosen graph shows its own graph, one level deep (deeper ones are named:
 * describe them with {@code --workflow NAME}).
 */
final class PackageDescription {
  private PackageDescription() {}

  static final String START = Promises.START_NODE;
  static final String END = "end-node";

  /** How many levels of sub-workflows and launch plans are expanded below the chosen graph. */
  static final int EXPANDED_LEVELS = 1;

  /**
   * One node of a graph.
   *
   * @param id the node's id
   * @param kind task, array, branch, sub-workflow, launch plan, gate (or unknown)
   * @param target what it runs: a task's name and type, a workflow's or launch plan's name, a
   *     branch's count of cases, a gate's condition
   * @param cases a branch's cases, in the order they are tried; empty for other kinds
   * @param graph a sub-workflow's or launch plan's graph when expanded
   */
  record GraphNode(
      String id, String kind, String target, List<Case> cases, Optional<Graph> graph) {}

  /**
   * One case of a branch: the condition ("else" for the else) and the node it runs, or the failure
   * the else raises.
   */
  record Case(String condition, Optional<GraphNode> then, Optional<String> fail) {}

  /**
   * A workflow's graph: its nodes and edges.
   *
   * @param workflow the workflow's name
   * @param launchPlan the launch plan that launches it, when it is shown for one
   */
  record Graph(
      String workflow, Optional<String> launchPlan, List<GraphNode> nodes, List<Edge> edges) {}

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
    graph(pkg, chosen).ifPresent(g -> printGraph(out, g, "graph of workflow ", ""));
  }

  private static void printGraph(PrintWriter out, Graph g, String title, String indent) {
    out.println(indent + title + g.workflow() + ":");
    for (GraphNode n : g.nodes()) {
      printNode(out, n, indent + "  ", "node ");
    }
    for (Edge e : g.edges()) {
      out.println(indent + "  edge " + e.from() + " -> " + e.to());
    }
  }

  private static void printNode(PrintWriter out, GraphNode n, String indent, String prefix) {
    out.println(indent + prefix + n.id() + " [" + n.kind() + "] " + n.target());
    for (Case c : n.cases()) {
      String head = indent + "  " + c.condition() + ": ";
      if (c.then().isPresent()) {
        printNode(out, c.then().get(), head, "node ");
      } else {
        out.println(head + "fail \"" + c.fail().orElse("") + "\"");
      }
    }
    n.graph()
        .ifPresent(
            g ->
                printGraph(
                    out,
                    g,
                    g.launchPlan().isPresent() ? "graph of workflow " : "graph of sub-workflow ",
                    " ".repeat(indent.length() + 2)));
  }

  /**
   * The graph that describes the entity: a launch plan's workflow's, a workflow's; none for a task.
   */
  static Optional<Graph> graph(FlytePackage pkg, Entity e) {
    if (e instanceof LaunchPlanEntity lp) {
      WorkflowTemplate w = pkg.workflows().get(lp.launchPlan().workflowName());
      return Optional.ofNullable(w).map(x -> graph(pkg, x, Optional.empty(), 0));
    }
    if (e instanceof WorkflowEntity w) {
      return Optional.of(graph(pkg, w.workflow(), Optional.empty(), 0));
    }
    return Optional.empty();
  }

  private static Graph graph(
      FlytePackage pkg, WorkflowTemplate w, Optional<String> launchPlan, int level) {
    List<GraphNode> nodes = new ArrayList<>();
    for (Node n : w.getNodesList()) {
      nodes.add(node(pkg, n, level));
    }
    return new Graph(w.getId().getName(), launchPlan, nodes, edges(w));
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
    graph(pkg, chosen).ifPresent(g -> c.set("graph", graphJson(c, g)));
    return root;
  }

  private static ObjectNode graphJson(ObjectNode parent, Graph graph) {
    ObjectNode g = parent.objectNode().put("workflow", graph.workflow());
    graph.launchPlan().ifPresent(lp -> g.put("launchPlan", lp));
    ArrayNode nodes = g.putArray("nodes");
    graph.nodes().forEach(n -> nodes.add(nodeJson(g, n)));
    ArrayNode edges = g.putArray("edges");
    graph.edges().forEach(e -> edges.addObject().put("from", e.from()).put("to", e.to()));
    return g;
  }

  private static ObjectNode nodeJson(ObjectNode parent, GraphNode n) {
    ObjectNode o =
        parent.objectNode().put("id", n.id()).put("kind", n.kind()).put("target", n.target());
    if (n.kind().equals("branch")) {
      ArrayNode cases = o.putArray("cases");
      for (Case c : n.cases()) {
        ObjectNode co = cases.addObject().put("condition", c.condition());
        c.then().ifPresent(t -> co.set("then", nodeJson(co, t)));
        c.fail().ifPresent(f -> co.put("fail", f));
      }
    }
    n.graph().ifPresent(g -> o.set("graph", graphJson(o, g)));
    return o;
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

  private static GraphNode node(FlytePackage pkg, Node n, int level) {
    String id = n.getId();
    if (n.hasTaskNode()) {
      return leaf(id, "task", task(pkg, n.getTaskNode().getReferenceId().getName()));
    }
    if (n.hasArrayNode()) {
      flyteidl.core.Workflow.ArrayNode a = n.getArrayNode();
      GraphNode inner = node(pkg, a.getNode(), EXPANDED_LEVELS);
      StringBuilder target = new StringBuilder("over " + inner.kind() + " " + inner.target());
      if (a.getParallelismOptionCase()
          == flyteidl.core.Workflow.ArrayNode.ParallelismOptionCase.PARALLELISM) {
        target.append(", parallelism ").append(a.getParallelism());
      }
      switch (a.getSuccessCriteriaCase()) {
        case MIN_SUCCESSES -> target.append(", min_successes ").append(a.getMinSuccesses());
        case MIN_SUCCESS_RATIO ->
            target.append(", min_success_ratio ").append(a.getMinSuccessRatio());
        default -> {} // every element must succeed
      }
      return leaf(id, "array", target.toString());
    }
    if (n.hasWorkflowNode()) {
      flyteidl.core.Workflow.WorkflowNode wn = n.getWorkflowNode();
      if (wn.hasLaunchplanRef()) {
        String name = wn.getLaunchplanRef().getName();
        LaunchPlanDef lp = pkg.launchPlans().get(name);
        if (lp == null) {
          return leaf(id, "launch plan", name + " (not in the package)");
        }
        WorkflowTemplate w = pkg.workflows().get(lp.workflowName());
        String target = name + " -> workflow " + lp.workflowName();
        if (w == null || level >= EXPANDED_LEVELS) {
          return leaf(id, "launch plan", target + notShown(w, lp.workflowName()));
        }
        return new GraphNode(
            id,
            "launch plan",
            target,
            List.of(),
            Optional.of(graph(pkg, w, Optional.of(name), level + 1)));
      }
      String name = wn.getSubWorkflowRef().getName();
      WorkflowTemplate w = pkg.workflows().get(name);
      if (w == null || level >= EXPANDED_LEVELS) {
        return leaf(id, "sub-workflow", name + notShown(w, name));
      }
      return new GraphNode(
          id,
          "sub-workflow",
          name,
          List.of(),
          Optional.of(graph(pkg, w, Optional.empty(), level + 1)));
    }
    if (n.hasBranchNode()) {
      IfElseBlock block = n.getBranchNode().getIfElse();
      List<Case> cases = new ArrayList<>();
      cases.add(
          new Case(
              "if " + condition(block.getCase().getCondition()),
              Optional.of(node(pkg, block.getCase().getThenNode(), level)),
              Optional.empty()));
      for (IfBlock other : block.getOtherList()) {
        cases.add(
            new Case(
                "else if " + condition(other.getCondition()),
                Optional.of(node(pkg, other.getThenNode(), level)),
                Optional.empty()));
      }
      if (block.hasElseNode()) {
        cases.add(
            new Case("else", Optional.of(node(pkg, block.getElseNode(), level)), Optional.empty()));
      } else if (block.hasError()) {
        cases.add(new Case("else", Optional.empty(), Optional.of(block.getError().getMessage())));
      }
      int conditions = 1 + block.getOtherCount();
      String target =
          conditions
              + (conditions == 1 ? " case" : " cases")
              + (block.hasElseNode() ? " and an else" : block.hasError() ? ", else fail" : "");
      return new GraphNode(id, "branch", target, cases, Optional.empty());
    }
    if (n.hasGateNode()) {
      flyteidl.core.Workflow.GateNode g = n.getGateNode();
      String target =
          switch (g.getConditionCase()) {
            case SLEEP -> "sleep " + seconds(g.getSleep().getDuration());
            case APPROVE -> "approve [" + g.getApprove().getSignalId() + "]";
            case SIGNAL ->
                "signal ["
                    + g.getSignal().getSignalId()
                    + "] of type "
                    + LiteralTypes.describe(g.getSignal().getType());
            case CONDITION_NOT_SET -> "no condition";
          };
      return leaf(id, "gate", target);
    }
    return leaf(id, "unknown", n.getTargetCase().name().toLowerCase(Locale.ROOT));
  }

  private static GraphNode leaf(String id, String kind, String target) {
    return new GraphNode(id, kind, target, List.of(), Optional.empty());
  }

  /** Why a workflow's graph is not shown beside its node. */
  private static String notShown(WorkflowTemplate w, String name) {
    return w == null ? " (not in the package)" : " (describe it with --workflow " + name + ")";
  }

  /** A task's name and type, as the package holds it. */
  private static String task(FlytePackage pkg, String name) {
    TaskTemplate t = pkg.tasks().get(name);
    return t == null ? name + " (not in the package)" : name + " [" + t.getType() + "]";
  }

  private static String seconds(com.google.protobuf.Duration d) {
    return d.getNanos() == 0
        ? d.getSeconds() + "s"
        : java.math.BigDecimal.valueOf(d.getSeconds())
                .add(java.math.BigDecimal.valueOf(d.getNanos(), 9))
                .stripTrailingZeros()
                .toPlainString()
            + "s";
  }

  /** A branch condition as text: {@code n0.o0 > 5 and x == "a"}. */
  static String condition(BooleanExpression e) {
    return condition(e, false);
  }

  private static String condition(BooleanExpression e, boolean nested) {
    switch (e.getExprCase()) {
      case COMPARISON:
        {
          ComparisonExpression c = e.getComparison();
          return operand(c.getLeftValue())
              + " "
              + operator(c.getOperator())
              + " "
              + operand(c.getRightValue());
        }
      case CONJUNCTION:
        {
          ConjunctionExpression c = e.getConjunction();
          String text =
              condition(c.getLeftExpression(), true)
                  + (c.getOperator() == ConjunctionExpression.LogicalOperator.AND
                      ? " and "
                      : " or ")
                  + condition(c.getRightExpression(), true);
          return nested ? "(" + text + ")" : text;
        }
      case EXPR_NOT_SET:
        return "(no condition)";
      default:
        throw new AssertionError(e.getExprCase());
    }
  }

  private static String operator(ComparisonExpression.Operator op) {
    return switch (op) {
      case EQ -> "==";
      case NEQ -> "!=";
      case GT -> ">";
      case GTE -> ">=";
      case LT -> "<";
      case LTE -> "<=";
      case UNRECOGNIZED -> "?";
    };
  }

  @SuppressWarnings("deprecation") // flytekit's older definitions still write primitive operands
  private static String operand(Operand o) {
    switch (o.getValCase()) {
      case VAR:
        return o.getVar();
      case PRIMITIVE:
        return primitive(o.getPrimitive());
      case SCALAR:
        if (o.getScalar().hasPrimitive()) {
          return primitive(o.getScalar().getPrimitive());
        }
        return o.getScalar().hasNoneType() ? "None" : "a " + o.getScalar().getValueCase();
      case VAL_NOT_SET:
        return "(no value)";
      default:
        throw new AssertionError(o.getValCase());
    }
  }

  private static String primitive(Primitive p) {
    return switch (p.getValueCase()) {
      case INTEGER -> Long.toString(p.getInteger());
      case FLOAT_VALUE -> Double.toString(p.getFloatValue());
      case STRING_VALUE -> '"' + p.getStringValue() + '"';
      case BOOLEAN -> p.getBoolean() ? "True" : "False";
      case DATETIME -> com.google.protobuf.util.Timestamps.toString(p.getDatetime());
      case DURATION -> seconds(p.getDuration());
      case VALUE_NOT_SET -> "(no value)";
    };
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

  /**
   * The nodes {@code d}'s promises read ({@link Promises#nodeIds}), the workflow's inputs as {@code
   * START}.
   */
  private static void promises(BindingData d, Set<String> into) {
    Set<String> ids = new LinkedHashSet<>();
    Promises.nodeIds(d, ids);
    ids.forEach(id -> into.add(id.isEmpty() ? START : id));
  }

  private static String sig(TypedInterface i) {
    return DescribeCommand.describe(i.getInputs().getVariablesMap())
        + " -> "
        + DescribeCommand.describe(i.getOutputs().getVariablesMap());
  }
}

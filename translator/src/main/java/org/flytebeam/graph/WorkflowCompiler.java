package org.flytebeam.graph;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.Condition.ComparisonExpression;
import flyteidl.core.Condition.Operand;
import flyteidl.core.Interface.Parameter;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.IfBlock;
import flyteidl.core.Workflow.IfElseBlock;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import flyteidl.core.Workflow.WorkflowNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.ExecutionGraph.ArrayCall;
import org.flytebeam.graph.ExecutionGraph.ArrayWorkflowCall;
import org.flytebeam.graph.ExecutionGraph.Branch;
import org.flytebeam.graph.ExecutionGraph.Case;
import org.flytebeam.graph.ExecutionGraph.GraphNode;
import org.flytebeam.graph.ExecutionGraph.LaunchPlanCall;
import org.flytebeam.graph.ExecutionGraph.Sleep;
import org.flytebeam.graph.ExecutionGraph.SubWorkflow;
import org.flytebeam.graph.ExecutionGraph.Target;
import org.flytebeam.graph.ExecutionGraph.TaskCall;

/**
 * One pass from a package and the entity chosen to run to a validated {@link ExecutionGraph},
 * before anything runs. Every problem found (an unsupported node kind, a missing task, sub-workflow
 * or launch plan, a binding of the wrong type, a promise on a node or output that does not exist, a
 * cycle, an unbound output) is listed at once, each with its workflow and node id.
 *
 * <pre>{@code
 * ExecutionGraph graph = WorkflowCompiler.compile(pkg, pkg.select(Optional.empty()));
 * }</pre>
 */
public final class WorkflowCompiler {
  /** The id of the single node of the graph a lone (non-map) task entity runs in. */
  public static final String TASK_NODE_ID = "n0";

  private final FlytePackage pkg;
  private final BiFunction<LiteralType, LiteralType, Optional<String>> casts;
  private final List<String> problems = new ArrayList<>();
  private final Deque<String> workflowStack = new ArrayDeque<>();
  private final Map<String, ExecutionGraph> compiled = new HashMap<>();

  private WorkflowCompiler(
      FlytePackage pkg, BiFunction<LiteralType, LiteralType, Optional<String>> casts) {
    this.pkg = pkg;
    this.casts = casts;
  }

  /**
   * The graph of {@code entity} (a launch plan's workflow, a workflow, or a one-node graph around a
   * task), checked against {@code pkg}.
   *
   * @throws InvalidDefinitionException listing every problem found, one a line
   */
  public static ExecutionGraph compile(FlytePackage pkg, FlytePackage.Entity entity) {
    return compile(pkg, entity, TypeChecks::castProblem);
  }

  /**
   * As {@link #compile(FlytePackage, FlytePackage.Entity)}, with the given type-cast check (for
   * tests of the layers above).
   */
  public static ExecutionGraph compile(
      FlytePackage pkg,
      FlytePackage.Entity entity,
      BiFunction<LiteralType, LiteralType, Optional<String>> casts) {
    WorkflowCompiler c = new WorkflowCompiler(pkg, casts);
    ExecutionGraph graph;
    if (entity instanceof FlytePackage.LaunchPlanEntity lp) {
      graph = c.launchPlanGraph(lp.launchPlan(), "launch plan [" + lp.name() + "]");
    } else if (entity instanceof FlytePackage.WorkflowEntity wf) {
      graph = c.workflow(wf.workflow());
    } else if (entity instanceof FlytePackage.TaskEntity t) {
      graph = c.taskGraph(t.task());
    } else {
      throw new AssertionError(entity);
    }
    if (!c.problems.isEmpty() || graph == null) {
      throw new InvalidDefinitionException(
          pkg.source()
              + " cannot run: "
              + (c.problems.size() == 1 ? "" : c.problems.size() + " problems:\n  ")
              + String.join("\n  ", c.problems));
    }
    return graph;
  }

  private ExecutionGraph taskGraph(TaskTemplate task) {
    TypedInterface iface = task.getInterface();
    List<Binding> inputs = new ArrayList<>();
    for (String var : iface.getInputs().getVariablesMap().keySet()) {
      inputs.add(promise(var, Promises.START_NODE, var));
    }
    List<Binding> outputs = new ArrayList<>();
    for (String var : iface.getOutputs().getVariablesMap().keySet()) {
      outputs.add(promise(var, TASK_NODE_ID, var));
    }
    GraphNode node =
        new GraphNode(
            TASK_NODE_ID,
            inputs,
            Set.of(),
            iface,
            NodeMetadata.getDefaultInstance(),
            new TaskCall(task, flyteidl.core.Workflow.TaskNodeOverrides.getDefaultInstance()));
    return new ExecutionGraph(
        task.getId().getName(), iface, List.of(node), outputs, OnFailurePolicy.FAIL_IMMEDIATELY);
  }

  private static Binding promise(String var, String nodeId, String outVar) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId(nodeId).setVar(outVar)))
        .build();
  }

  private ExecutionGraph launchPlanGraph(LaunchPlanDef lp, String where) {
    WorkflowTemplate wf = pkg.workflows().get(lp.workflowName());
    if (wf == null) {
      problems.add(
          where
              + ": its workflow ["
              + lp.workflowName()
              + "] is not in "
              + pkg.source()
              + "; add the workflow to the package");
      return null;
    }
    return workflow(wf);
  }

  private ExecutionGraph workflow(WorkflowTemplate wf) {
    String name = wf.getId().getName();
    if (compiled.containsKey(name)) {
      return compiled.get(name);
    }
    if (workflowStack.contains(name)) {
      problems.add(
          "workflow ["
              + name
              + "] runs itself through its sub-workflows "
              + workflowStack
              + ": a workflow cannot contain itself");
      return null;
    }
    workflowStack.push(name);
    try {
      String scope = "workflow [" + name + "]";
      ExecutionGraph graph =
          scopeGraph(
              scope,
              name,
              wf.getInterface(),
              wf.getNodesList(),
              wf.getOutputsList(),
              wf.getMetadata().getOnFailure());
      if (graph != null) {
        compiled.put(name, graph);
      }
      return graph;
    } finally {
      workflowStack.pop();
    }
  }

  /** The interfaces of a scope's nodes, by id, with the workflow's inputs under the start node. */
  private record Scope(
      String where,
      TypedInterface workflowIface,
      Set<String> declared,
      Map<String, GraphNode> nodes) {
    /** A node declared in the scope that did not compile: its own problem is already listed. */
    boolean broken(String nodeId) {
      return declared.contains(nodeId) && !nodes.containsKey(nodeId);
    }

    Optional<Variable> output(String nodeId, String var) {
      if (nodeId.isEmpty() || nodeId.equals(Promises.START_NODE)) {
        return Optional.ofNullable(workflowIface.getInputs().getVariablesMap().get(var));
      }
      GraphNode n = nodes.get(nodeId);
      return n == null
          ? Optional.empty()
          : Optional.ofNullable(n.iface().getOutputs().getVariablesMap().get(var));
    }

    boolean hasNode(String nodeId) {
      return nodeId.isEmpty() || nodeId.equals(Promises.START_NODE) || declared.contains(nodeId);
    }
  }

  private ExecutionGraph scopeGraph(
      String where,
      String name,
      TypedInterface iface,
      List<Node> protoNodes,
      List<Binding> outputs,
      OnFailurePolicy onFailure) {
    int before = problems.size();
    Map<String, Node> byId = new LinkedHashMap<>();
    for (Node n : protoNodes) {
      if (n.getId().isEmpty() || n.getId().equals(Promises.START_NODE)) {
        problems.add(
            where + " node [" + n.getId() + "]: a node id must not be empty or start-node");
      } else if (byId.putIfAbsent(n.getId(), n) != null) {
        problems.add(where + " node [" + n.getId() + "]: two nodes have this id; give unique ids");
      }
    }
    Map<String, GraphNode> nodes = new LinkedHashMap<>();
    Scope scope = new Scope(where, iface, byId.keySet(), nodes);
    // Targets and interfaces first: bindings read the interfaces of any node of the scope.
    for (Node n : byId.values()) {
      GraphNode g = node(where, n, scope);
      if (g != null) {
        nodes.put(n.getId(), g);
      }
    }
    for (GraphNode g : nodes.values()) {
      check(where, g, scope);
    }
    // Upstream ids: declared ones and the nodes promises read.
    Map<String, GraphNode> withUpstream = new LinkedHashMap<>();
    for (GraphNode g : nodes.values()) {
      for (String u : g.upstream()) {
        if (!byId.containsKey(u)) {
          problems.add(
              where + " node [" + g.id() + "]: upstream node [" + u + "] is not in the workflow");
        }
      }
      GraphNode linked = withUpstream(g, nodes.keySet());
      if (linked.upstream().contains(g.id())) {
        problems.add(where + " node [" + g.id() + "]: it waits for itself");
      }
      withUpstream.put(g.id(), linked);
    }
    List<GraphNode> ordered = order(where, withUpstream);
    // Workflow outputs: every declared output bound, every binding a declared output.
    Set<String> bound = new TreeSet<>();
    for (Binding b : outputs) {
      bound.add(b.getVar());
    }
    for (String var : iface.getOutputs().getVariablesMap().keySet()) {
      if (!bound.contains(var)) {
        problems.add(where + ": output [" + var + "] is not bound; bind it to a node output");
      }
    }
    Scope full = new Scope(where, iface, byId.keySet(), withUpstream);
    checkBindings(where + " outputs", outputs, outputsAsInputs(iface), full);
    if (problems.size() > before) {
      return null;
    }
    return new ExecutionGraph(name, iface, ordered, outputs, onFailure);
  }

  /** Binding and condition checks of a compiled node, its branch cases included. */
  private void check(String where, GraphNode g, Scope scope) {
    if (g.target() instanceof Branch) {
      // A branch node's inputs are the values its conditions and cases read, named as flytekit
      // chose (older versions write [.var]): they order the node after what it reads, and only
      // their promises are checked; its interface has outputs only.
      for (Binding b : g.inputs()) {
        checkBindingData(
            where + " node [" + g.id() + "] input [" + b.getVar() + "]",
            b.getBinding(),
            null,
            scope);
      }
    } else {
      checkBindings(where + " node [" + g.id() + "]", g.inputs(), g.iface(), scope);
    }
    checkTargetBindings(where, g);
    if (g.target() instanceof Branch br) {
      String at = where + " node [" + g.id() + "]";
      for (Case c : br.cases()) {
        checkCondition(at, c.condition(), scope);
        check(at + " case", c.then(), scope);
      }
      br.elseNode().ifPresent(e -> check(at + " case", e, scope));
    }
  }

  /**
   * {@code g} waiting for its declared upstream nodes and the nodes its promises and conditions
   * read, limited to the nodes of its scope; a branch's cases likewise.
   */
  private static GraphNode withUpstream(GraphNode g, Set<String> scopeNodes) {
    Set<String> up = new LinkedHashSet<>(g.upstream());
    collectPromiseNodes(g, up);
    Target target = g.target();
    if (target instanceof Branch br) {
      List<Case> cases = new ArrayList<>();
      for (Case c : br.cases()) {
        GraphNode then = withUpstream(c.then(), scopeNodes);
        up.addAll(then.upstream());
        collectOperandNodes(c.condition(), up);
        cases.add(new Case(c.condition(), then));
      }
      Optional<GraphNode> elseNode = br.elseNode().map(e -> withUpstream(e, scopeNodes));
      elseNode.ifPresent(e -> up.addAll(e.upstream()));
      target = new Branch(cases, elseNode, br.elseFail());
    }
    up.retainAll(scopeNodes);
    return new GraphNode(g.id(), g.inputs(), up, g.iface(), g.metadata(), target);
  }

  private static TypedInterface outputsAsInputs(TypedInterface iface) {
    return TypedInterface.newBuilder().setInputs(iface.getOutputs()).build();
  }

  private static void collectPromiseNodes(GraphNode g, Set<String> into) {
    for (Binding b : g.inputs()) {
      Promises.nodeIds(b.getBinding(), into);
    }
  }

  private static void collectOperandNodes(BooleanExpression e, Set<String> into) {
    switch (e.getExprCase()) {
      case CONJUNCTION -> {
        collectOperandNodes(e.getConjunction().getLeftExpression(), into);
        collectOperandNodes(e.getConjunction().getRightExpression(), into);
      }
      case COMPARISON -> {
        for (Operand o :
            List.of(e.getComparison().getLeftValue(), e.getComparison().getRightValue())) {
          if (o.hasVar()) {
            into.add(o.getVar().split("\\.", 2)[0]);
          }
        }
      }
      default -> {}
    }
  }

  /** Kahn's order; the nodes left over form or wait for a cycle. */
  private List<GraphNode> order(String where, Map<String, GraphNode> nodes) {
    List<GraphNode> out = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    boolean progress = true;
    while (progress && done.size() < nodes.size()) {
      progress = false;
      for (GraphNode g : nodes.values()) {
        if (!done.contains(g.id()) && done.containsAll(g.upstream())) {
          done.add(g.id());
          out.add(g);
          progress = true;
        }
      }
    }
    if (done.size() < nodes.size()) {
      Set<String> left = new TreeSet<>(nodes.keySet());
      left.removeAll(done);
      problems.add(
          where
              + ": nodes "
              + left
              + " wait for each other in a cycle; remove one of their upstream links");
    }
    return out;
  }

  private GraphNode node(String where, Node n, Scope scope) {
    String at = where + " node [" + n.getId() + "]";
    switch (n.getTargetCase()) {
      case TASK_NODE -> {
        TaskNode tn = n.getTaskNode();
        TaskTemplate task = task(at, tn.getReferenceId().getName());
        if (task == null) {
          return null;
        }
        return graphNode(n, task.getInterface(), new TaskCall(task, tn.getOverrides()));
      }
      case ARRAY_NODE -> {
        Node sub = n.getArrayNode().getNode();
        if (sub.hasWorkflowNode()) {
          return arrayOfWorkflows(at, n);
        }
        if (!sub.hasTaskNode()) {
          problems.add(
              at
                  + ": the array node maps a ["
                  + sub.getTargetCase()
                  + "]; flyte-beam maps task nodes, launch plans and sub-workflows only");
          return null;
        }
        TaskTemplate task = task(at, sub.getTaskNode().getReferenceId().getName());
        if (task == null) {
          return null;
        }
        return graphNode(
            n, arrayInterface(n.getArrayNode(), task), new ArrayCall(n.getArrayNode(), task));
      }
      case WORKFLOW_NODE -> {
        WorkflowNode wn = n.getWorkflowNode();
        Target target;
        ExecutionGraph graph;
        if (wn.hasSubWorkflowRef()) {
          String ref = wn.getSubWorkflowRef().getName();
          WorkflowTemplate wf = inPackage(at, "sub-workflow", ref, pkg.workflows());
          if (wf == null) {
            return null;
          }
          graph = workflow(wf);
          if (graph == null) {
            return null;
          }
          target = new SubWorkflow(graph);
        } else if (wn.hasLaunchplanRef()) {
          String ref = wn.getLaunchplanRef().getName();
          LaunchPlanDef lp = inPackage(at, "launch plan", ref, pkg.launchPlans());
          if (lp == null) {
            return null;
          }
          graph = launchPlanGraph(lp, at + " launch plan [" + ref + "]");
          if (graph == null) {
            return null;
          }
          target = new LaunchPlanCall(lp, graph);
        } else {
          problems.add(
              at + ": the workflow node refers to neither a sub-workflow nor a launch plan");
          return null;
        }
        return graphNode(n, graph.iface(), target);
      }
      case BRANCH_NODE -> {
        return branch(at, n, scope);
      }
      case GATE_NODE -> {
        switch (n.getGateNode().getConditionCase()) {
          case SLEEP -> {
            com.google.protobuf.Duration d = n.getGateNode().getSleep().getDuration();
            Duration duration = Duration.ofSeconds(d.getSeconds(), d.getNanos());
            if (duration.isNegative()) {
              problems.add(at + ": sleep duration [" + duration + "] must not be negative");
              return null;
            }
            return graphNode(n, TypedInterface.getDefaultInstance(), new Sleep(duration));
          }
          case APPROVE, SIGNAL -> {
            String kind =
                n.getGateNode().hasApprove()
                    ? "an approval [" + n.getGateNode().getApprove().getSignalId() + "]"
                    : "a signal [" + n.getGateNode().getSignal().getSignalId() + "]";
            problems.add(
                "gate node ["
                    + n.getId()
                    + "] waits for "
                    + kind
                    + ", which flyte-beam cannot give: "
                    + where
                    + " can run only without it (remove the gate, or run it on a Flyte cluster)");
            return null;
          }
          case CONDITION_NOT_SET -> {
            problems.add(at + ": the gate node has no condition");
            return null;
          }
          default -> throw new AssertionError(n.getGateNode().getConditionCase());
        }
      }
      case TARGET_NOT_SET -> {
        problems.add(at + ": the node runs nothing (no task, workflow, branch, gate or array)");
        return null;
      }
      default -> throw new AssertionError(n.getTargetCase());
    }
  }

  /**
   * An array node whose sub-node is a workflow node (flytekit's {@code map_task(launch_plan)}): its
   * launch plan or sub-workflow compiled, its interface the element's (the workflow's inputs, a
   * launch plan's fixed inputs left out, and outputs) as lists.
   */
  private GraphNode arrayOfWorkflows(String at, Node n) {
    flyteidl.core.Workflow.ArrayNode array = n.getArrayNode();
    WorkflowNode wn = array.getNode().getWorkflowNode();
    ExecutionGraph graph;
    Optional<LaunchPlanDef> launchPlan;
    com.google.protobuf.Struct bundle;
    if (wn.hasLaunchplanRef()) {
      String ref = wn.getLaunchplanRef().getName();
      LaunchPlanDef lp = inPackage(at, "launch plan", ref, pkg.launchPlans());
      if (lp == null) {
        return null;
      }
      graph = launchPlanGraph(lp, at + " launch plan [" + ref + "]");
      launchPlan = Optional.of(lp);
      bundle = graph == null ? null : WorkflowBundle.ofLaunchPlan(pkg, lp);
    } else if (wn.hasSubWorkflowRef()) {
      String ref = wn.getSubWorkflowRef().getName();
      WorkflowTemplate wf = inPackage(at, "sub-workflow", ref, pkg.workflows());
      if (wf == null) {
        return null;
      }
      graph = workflow(wf);
      launchPlan = Optional.empty();
      bundle = graph == null ? null : WorkflowBundle.ofWorkflow(pkg, ref);
    } else {
      problems.add(
          at
              + ": the array node's workflow node refers to neither a sub-workflow nor a launch plan");
      return null;
    }
    if (graph == null) {
      return null;
    }
    Set<String> fixed =
        launchPlan.map(lp -> lp.fixedInputs().getLiteralsMap().keySet()).orElse(Set.of());
    TypedInterface.Builder element = graph.iface().toBuilder();
    fixed.forEach(element.getInputsBuilder()::removeVariables);
    // An input the node leaves unbound takes the launch plan's default in every element.
    Set<String> bound = new TreeSet<>();
    n.getInputsList().forEach(b -> bound.add(b.getVar()));
    launchPlan.ifPresent(
        lp ->
            lp.defaultInputs()
                .getParametersMap()
                .forEach(
                    (var, p) -> {
                      if (!bound.contains(var) && (p.hasDefault() || !p.getRequired())) {
                        element.getInputsBuilder().removeVariables(var);
                      }
                    }));
    for (String b : array.getBoundInputsList()) {
      if (!element.getInputs().getVariablesMap().containsKey(b)) {
        problems.add(
            at + ": bound input [" + b + "] is not an input of the workflow it maps; remove it");
      }
    }
    Optional<Float> ratio =
        array.getSuccessCriteriaCase()
                == flyteidl.core.Workflow.ArrayNode.SuccessCriteriaCase.MIN_SUCCESS_RATIO
            ? Optional.of(array.getMinSuccessRatio())
            : Optional.empty();
    TypedInterface iface =
        org.flytebeam.spec.MappedInterface.of(
            element.build(),
            array.getBoundInputsList().stream()
                .filter(element.getInputs().getVariablesMap()::containsKey)
                .toList(),
            ratio);
    return graphNode(
        n, iface, new ArrayWorkflowCall(array, graph, launchPlan, element.build(), bundle));
  }

  /** The graph node of {@code n}: its id, bindings, declared upstream ids and metadata. */
  private static GraphNode graphNode(Node n, TypedInterface iface, Target target) {
    return new GraphNode(
        n.getId(), n.getInputsList(), declaredUpstream(n), iface, n.getMetadata(), target);
  }

  private GraphNode branch(String at, Node n, Scope scope) {
    IfElseBlock block = n.getBranchNode().getIfElse();
    if (!block.hasCase()) {
      problems.add(at + ": the branch node has no case");
      return null;
    }
    List<IfBlock> ifs = new ArrayList<>();
    ifs.add(block.getCase());
    ifs.addAll(block.getOtherList());
    List<Case> cases = new ArrayList<>();
    boolean ok = true;
    TypedInterface outputs = null;
    for (IfBlock ib : ifs) {
      checkCondition(at, ib.getCondition(), scope);
      GraphNode then = branchCase(at, ib.getThenNode(), scope);
      if (then == null) {
        ok = false;
        continue;
      }
      if (outputs == null) {
        outputs = then.iface();
      }
      cases.add(new Case(ib.getCondition(), then));
    }
    Optional<GraphNode> elseNode = Optional.empty();
    Optional<String> elseFail = Optional.empty();
    switch (block.getDefaultCase()) {
      case ELSE_NODE -> {
        GraphNode e = branchCase(at, block.getElseNode(), scope);
        if (e == null) {
          ok = false;
        } else {
          elseNode = Optional.of(e);
        }
      }
      case ERROR -> elseFail = Optional.of(block.getError().getMessage());
      case DEFAULT_NOT_SET -> {}
      default -> throw new AssertionError(block.getDefaultCase());
    }
    if (!ok || outputs == null) {
      return null;
    }
    TypedInterface iface = TypedInterface.newBuilder().setOutputs(outputs.getOutputs()).build();
    return graphNode(n, iface, new Branch(cases, elseNode, elseFail));
  }

  /** A branch's case node: its promises read the nodes of the branch's scope. */
  private GraphNode branchCase(String at, Node then, Scope scope) {
    return node(at + " case", then, scope);
  }

  private static Set<String> declaredUpstream(Node n) {
    Set<String> up = new LinkedHashSet<>();
    for (String u : n.getUpstreamNodeIdsList()) {
      if (!u.isEmpty() && !u.equals(Promises.START_NODE)) {
        up.add(u);
      }
    }
    return up;
  }

  private void checkTargetBindings(String where, GraphNode g) {
    if (g.target() instanceof LaunchPlanCall lp) {
      Map<String, Parameter> defaults = lp.launchPlan().defaultInputs().getParametersMap();
      Set<String> fixed = lp.launchPlan().fixedInputs().getLiteralsMap().keySet();
      Set<String> bound = new TreeSet<>();
      for (Binding b : g.inputs()) {
        bound.add(b.getVar());
        if (fixed.contains(b.getVar())) {
          problems.add(
              where
                  + " node ["
                  + g.id()
                  + "]: input ["
                  + b.getVar()
                  + "] is fixed by launch plan ["
                  + lp.launchPlan().name()
                  + "]; remove the binding");
        }
      }
      for (String var : g.iface().getInputs().getVariablesMap().keySet()) {
        Parameter p = defaults.get(var);
        boolean hasDefault = p != null && (p.hasDefault() || !p.getRequired());
        if (!bound.contains(var) && !fixed.contains(var) && !hasDefault) {
          problems.add(where + " node [" + g.id() + "]: required input [" + var + "] is not bound");
        }
      }
    } else if (g.target() instanceof ArrayWorkflowCall aw) {
      Set<String> fixed =
          aw.launchPlan().map(lp -> lp.fixedInputs().getLiteralsMap().keySet()).orElse(Set.of());
      Map<String, Parameter> defaults =
          aw.launchPlan().map(lp -> lp.defaultInputs().getParametersMap()).orElse(Map.of());
      Set<String> bound = new TreeSet<>();
      for (Binding b : g.inputs()) {
        bound.add(b.getVar());
        if (fixed.contains(b.getVar())) {
          problems.add(
              where
                  + " node ["
                  + g.id()
                  + "]: input ["
                  + b.getVar()
                  + "] is fixed by launch plan ["
                  + aw.launchPlan().get().name()
                  + "] for every element; remove the binding");
        }
      }
      for (String var : g.iface().getInputs().getVariablesMap().keySet()) {
        Parameter p = defaults.get(var);
        boolean hasDefault = p != null && (p.hasDefault() || !p.getRequired());
        if (!bound.contains(var) && !hasDefault) {
          problems.add(
              where
                  + " node ["
                  + g.id()
                  + "]: input ["
                  + var
                  + "] of the mapped workflow is not bound; bind it to a list");
        }
      }
    } else if (!(g.target() instanceof Branch) && !(g.target() instanceof Sleep)) {
      Set<String> bound = new TreeSet<>();
      g.inputs().forEach(b -> bound.add(b.getVar()));
      for (String var : g.iface().getInputs().getVariablesMap().keySet()) {
        if (!bound.contains(var)) {
          problems.add(where + " node [" + g.id() + "]: input [" + var + "] is not bound");
        }
      }
    }
  }

  private void checkCondition(String at, BooleanExpression e, Scope scope) {
    switch (e.getExprCase()) {
      case CONJUNCTION -> {
        checkCondition(at, e.getConjunction().getLeftExpression(), scope);
        checkCondition(at, e.getConjunction().getRightExpression(), scope);
      }
      case COMPARISON -> {
        ComparisonExpression c = e.getComparison();
        for (Operand o : List.of(c.getLeftValue(), c.getRightValue())) {
          if (o.hasVar()) {
            // flytekit writes a promise operand as "<node id>.<output>".
            String[] parts = o.getVar().split("\\.", 2);
            if (parts.length == 2
                && !scope.broken(parts[0])
                && scope.output(parts[0], parts[1]).isEmpty()) {
              problems.add(
                  at
                      + ": the condition reads ["
                      + o.getVar()
                      + "], which no node or workflow input of the scope provides");
            }
          }
        }
      }
      case EXPR_NOT_SET -> problems.add(at + ": a branch case has no condition");
      default -> throw new AssertionError(e.getExprCase());
    }
  }

  private void checkBindings(String at, List<Binding> bindings, TypedInterface iface, Scope scope) {
    Map<String, Variable> inputs = iface.getInputs().getVariablesMap();
    Set<String> seen = new LinkedHashSet<>();
    for (Binding b : bindings) {
      if (!seen.add(b.getVar())) {
        problems.add(at + ": input [" + b.getVar() + "] is bound twice");
      }
      Variable target = inputs.get(b.getVar());
      if (target == null) {
        problems.add(
            at
                + ": binds ["
                + b.getVar()
                + "], which is not among its inputs "
                + new TreeSet<>(inputs.keySet()));
      }
      checkBindingData(at + " input [" + b.getVar() + "]", b.getBinding(), target, scope);
    }
  }

  private void checkBindingData(String at, BindingData d, Variable target, Scope scope) {
    switch (d.getValueCase()) {
      case PROMISE -> {
        OutputReference ref = d.getPromise();
        if (scope.broken(ref.getNodeId())) {
          return;
        }
        if (!scope.hasNode(ref.getNodeId())) {
          problems.add(
              at
                  + ": reads node ["
                  + ref.getNodeId()
                  + "], which is not in "
                  + scope.where()
                  + "; refer to one of its nodes");
          return;
        }
        Optional<Variable> source = scope.output(ref.getNodeId(), ref.getVar());
        if (source.isEmpty()) {
          String of =
              ref.getNodeId().isEmpty() || ref.getNodeId().equals(Promises.START_NODE)
                  ? "the workflow inputs"
                  : "node [" + ref.getNodeId() + "]";
          problems.add(
              at + ": reads output [" + ref.getVar() + "] of " + of + ", which has no such value");
          return;
        }
        if (target != null && ref.getAttrPathCount() == 0) {
          casts
              .apply(source.get().getType(), target.getType())
              .ifPresent(p -> problems.add(at + ": " + p));
        }
      }
      case COLLECTION ->
          d.getCollection()
              .getBindingsList()
              .forEach(x -> checkBindingData(at, x, elementOf(target), scope));
      case MAP ->
          d.getMap()
              .getBindingsMap()
              .values()
              .forEach(x -> checkBindingData(at, x, valueOf(target), scope));
      case SCALAR, OFFLOADED_METADATA, VALUE_NOT_SET -> {}
      default -> throw new AssertionError(d.getValueCase());
    }
  }

  private static Variable elementOf(Variable v) {
    return v != null && v.getType().hasCollectionType()
        ? Variable.newBuilder().setType(v.getType().getCollectionType()).build()
        : null;
  }

  private static Variable valueOf(Variable v) {
    return v != null && v.getType().hasMapValueType()
        ? Variable.newBuilder().setType(v.getType().getMapValueType()).build()
        : null;
  }

  private TaskTemplate task(String at, String name) {
    return inPackage(at, "task", name, pkg.tasks());
  }

  /** The {@code kind} named {@code name} in the package; else null, a problem noted. */
  private <T> T inPackage(String at, String kind, String name, Map<String, T> entities) {
    T entity = entities.get(name);
    if (entity == null) {
      problems.add(
          at
              + ": "
              + kind
              + " ["
              + name
              + "] is not in "
              + pkg.source()
              + "; add it to the package");
    }
    return entity;
  }

  /**
   * An array node's interface: the task's own when it is serialized in list form, else every input
   * and output a list, bound inputs excepted (as SPEC section 2 says).
   */
  static TypedInterface arrayInterface(flyteidl.core.Workflow.ArrayNode array, TaskTemplate task) {
    boolean original =
        array.hasIsOriginalSubNodeInterface() && array.getIsOriginalSubNodeInterface().getValue();
    if (!original) {
      return task.getInterface();
    }
    Optional<Float> ratio =
        array.getSuccessCriteriaCase()
                == flyteidl.core.Workflow.ArrayNode.SuccessCriteriaCase.MIN_SUCCESS_RATIO
            ? Optional.of(array.getMinSuccessRatio())
            : Optional.empty();
    return org.flytebeam.spec.MappedInterface.of(
        task.getInterface(), array.getBoundInputsList(), ratio);
  }
}

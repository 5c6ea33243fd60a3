package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowMetadata;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.examples.FailOnTwo;
import org.flytebeam.examples.Square;
import org.flytebeam.examples.Total;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.Promises;
import org.flytebeam.graph.WorkflowCompiler;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * The engine on the DirectRunner with the example Java tasks: a map then a reducer, an independent
 * node beside them, and the two failure policies. Bindings and conditions are evaluated by the
 * graph library's {@code BindingResolver} and {@code Conditions}.
 */
class WorkflowEngineTest {

  static final TaskTemplate SQUARE = MapTask.javaTaskTemplate(new Square());
  private static final TaskTemplate TOTAL = MapTask.javaTaskTemplate(new Total());
  private static final TaskTemplate FAIL_ON_TWO = MapTask.javaTaskTemplate(new FailOnTwo());

  /** A binding of {@code var} to output {@code out} of node {@code node}. */
  static Binding promise(String var, String node, String out) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId(node).setVar(out)))
        .build();
  }

  /** An array node {@code id} mapping {@code task}'s input x over {@code fromNode.fromVar}. */
  static Node map(String id, TaskTemplate task, String fromNode, String fromVar) {
    Node sub =
        Node.newBuilder()
            .setId(id)
            .addInputs(promise("x", fromNode, fromVar))
            .setTaskNode(TaskNode.newBuilder().setReferenceId(task.getId()))
            .build();
    return Node.newBuilder()
        .setId(id)
        .addInputs(promise("x", fromNode, fromVar))
        .setArrayNode(
            ArrayNode.newBuilder()
                .setNode(sub)
                .setIsOriginalSubNodeInterface(
                    com.google.protobuf.BoolValue.newBuilder().setValue(true)))
        .build();
  }

  private static Node total(String id, String fromNode, String fromVar) {
    return Node.newBuilder()
        .setId(id)
        .addInputs(promise("xs", fromNode, fromVar))
        .addUpstreamNodeIds(fromNode)
        .setTaskNode(TaskNode.newBuilder().setReferenceId(TOTAL.getId()))
        .build();
  }

  /** xs -> n0 = map(task, xs) -> n1 = total(n0); n2 = total(xs) beside them. */
  static FlytePackage workflow(TaskTemplate mapped, OnFailurePolicy policy) {
    flyteidl.core.Interface.TypedInterface iface =
        flyteidl.core.Interface.TypedInterface.newBuilder()
            .setInputs(TOTAL.getInterface().getInputs())
            .setOutputs(
                flyteidl.core.Interface.VariableMap.newBuilder()
                    .putVariables("o0", TOTAL.getInterface().getOutputs().getVariablesOrThrow("o0"))
                    .putVariables(
                        "o1", TOTAL.getInterface().getOutputs().getVariablesOrThrow("o0")))
            .build();
    WorkflowTemplate wf =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setName("wf.map_then_total"))
            .setMetadata(WorkflowMetadata.newBuilder().setOnFailure(policy))
            .setInterface(iface)
            .addNodes(map("n0", mapped, Promises.START_NODE, "xs"))
            .addNodes(total("n1", "n0", "o0"))
            .addNodes(total("n2", Promises.START_NODE, "xs"))
            .addOutputs(promise("o0", "n1", "o0"))
            .addOutputs(promise("o1", "n2", "o0"))
            .build();
    return new FlytePackage(
        "[test]",
        Map.of(
            SQUARE.getId().getName(), SQUARE,
            TOTAL.getId().getName(), TOTAL,
            FAIL_ON_TWO.getId().getName(), FAIL_ON_TWO),
        Map.of(wf.getId().getName(), wf),
        Map.of(),
        Optional.empty());
  }

  private static WorkflowResult run(FlytePackage pkg) {
    return run(pkg, RunOptions.defaults());
  }

  static WorkflowResult run(FlytePackage pkg, RunOptions options) {
    FlytePackage.Entity entity = pkg.select(Optional.empty());
    ExecutionGraph graph =
        WorkflowCompiler.compile(
            pkg,
            entity,
            (up, down) -> up.equals(down) ? Optional.empty() : Optional.of(up + " != " + down));
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals(
                "xs", Literals.collection(List.of(Literals.of(1), Literals.of(2), Literals.of(3))))
            .build();
    return FlyteBeam.runWorkflow(pkg, entity, graph, inputs, options);
  }

  private static WorkflowResult.NodeOutcome node(WorkflowResult r, String path) {
    return r.nodes().stream().filter(n -> n.path().equals(path)).findFirst().orElseThrow();
  }

  @Test
  void aMapFeedsItsReducerAndAnIndependentNodeRunsBesideThem() {
    WorkflowResult r = run(workflow(SQUARE, OnFailurePolicy.FAIL_IMMEDIATELY));

    assertThat(r.error()).isEmpty();
    assertThat(r.success()).isTrue();
    assertThat(r.outputs().getLiteralsOrThrow("o0")).isEqualTo(Literals.of(14));
    assertThat(r.outputs().getLiteralsOrThrow("o1")).isEqualTo(Literals.of(6));
    // n2 waits for nothing, so it starts with n0, before n1 (which waits for n0) can.
    assertThat(node(r, "n2").started()).isBefore(node(r, "n1").started());
    assertThat(node(r, "n0").ended()).isBeforeOrEqualTo(node(r, "n1").started());
  }

  @Test
  void failImmediatelyFailsTheRunNamingTheNodeAndSkipsItsDownstream() {
    WorkflowResult r = run(workflow(FAIL_ON_TWO, OnFailurePolicy.FAIL_IMMEDIATELY));

    assertThat(r.success()).isFalse();
    assertThat(r.error()).get().asString().contains("node [n0] failed");
    assertThat(node(r, "n0").status()).isEqualTo(WorkflowResult.Status.FAILED);
    assertThat(node(r, "n1").status()).isEqualTo(WorkflowResult.Status.SKIPPED);
  }

  @Test
  void failAfterExecutableNodesCompleteStillRunsTheIndependentNode() {
    WorkflowResult r =
        run(workflow(FAIL_ON_TWO, OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE));

    assertThat(r.success()).isFalse();
    assertThat(node(r, "n1").status()).isEqualTo(WorkflowResult.Status.SKIPPED);
    assertThat(node(r, "n2").status()).isEqualTo(WorkflowResult.Status.SUCCEEDED);
  }

  /**
   * top(xs): s = sub(xs) [total], l = lp() [sub with xs fixed to [5]], z = sleep 0s after l, b = if
   * s.o0 > limit then total(xs) else fail.
   */
  private static WorkflowResult nested(long limit) {
    return nested(limit, RunOptions.defaults());
  }

  static WorkflowResult nested(long limit, RunOptions options) {
    flyteidl.core.Interface.TypedInterface subIface =
        flyteidl.core.Interface.TypedInterface.newBuilder()
            .setInputs(TOTAL.getInterface().getInputs())
            .setOutputs(TOTAL.getInterface().getOutputs())
            .build();
    WorkflowTemplate sub =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setName("wf.sub"))
            .setInterface(subIface)
            .addNodes(total("t", Promises.START_NODE, "xs").toBuilder().clearUpstreamNodeIds())
            .addOutputs(promise("o0", "t", "o0"))
            .build();
    org.flytebeam.graph.LaunchPlanDef lp =
        new org.flytebeam.graph.LaunchPlanDef(
            "lp.sub",
            "wf.sub",
            flyteidl.core.Interface.ParameterMap.getDefaultInstance(),
            LiteralMap.newBuilder()
                .putLiterals("xs", Literals.collection(List.of(Literals.of(5))))
                .build());
    Node s =
        Node.newBuilder()
            .setId("s")
            .addInputs(promise("xs", "", "xs"))
            .setWorkflowNode(
                flyteidl.core.Workflow.WorkflowNode.newBuilder().setSubWorkflowRef(sub.getId()))
            .build();
    Node l =
        Node.newBuilder()
            .setId("l")
            .setWorkflowNode(
                flyteidl.core.Workflow.WorkflowNode.newBuilder()
                    .setLaunchplanRef(Identifier.newBuilder().setName("lp.sub")))
            .build();
    Node z =
        Node.newBuilder()
            .setId("z")
            .addUpstreamNodeIds("l")
            .setGateNode(
                flyteidl.core.Workflow.GateNode.newBuilder()
                    .setSleep(flyteidl.core.Workflow.SleepCondition.getDefaultInstance()))
            .build();
    BooleanExpression bigger =
        BooleanExpression.newBuilder()
            .setComparison(
                flyteidl.core.Condition.ComparisonExpression.newBuilder()
                    .setOperator(flyteidl.core.Condition.ComparisonExpression.Operator.GT)
                    .setLeftValue(flyteidl.core.Condition.Operand.newBuilder().setVar("s.o0"))
                    .setRightValue(
                        flyteidl.core.Condition.Operand.newBuilder()
                            .setScalar(Literals.of(limit).getScalar())))
            .build();
    Node b =
        Node.newBuilder()
            .setId("b")
            .addUpstreamNodeIds("s")
            .addUpstreamNodeIds("z")
            .setBranchNode(
                flyteidl.core.Workflow.BranchNode.newBuilder()
                    .setIfElse(
                        flyteidl.core.Workflow.IfElseBlock.newBuilder()
                            .setCase(
                                flyteidl.core.Workflow.IfBlock.newBuilder()
                                    .setCondition(bigger)
                                    .setThenNode(
                                        Node.newBuilder()
                                            .setId("b-n0")
                                            .addInputs(
                                                Binding.newBuilder()
                                                    .setVar("xs")
                                                    .setBinding(
                                                        BindingData.newBuilder()
                                                            .setCollection(
                                                                flyteidl.core.Literals
                                                                    .BindingDataCollection
                                                                    .newBuilder()
                                                                    .addBindings(
                                                                        promise("x", "l", "o0")
                                                                            .getBinding()))))
                                            .setTaskNode(
                                                TaskNode.newBuilder()
                                                    .setReferenceId(TOTAL.getId()))))
                            .setError(
                                flyteidl.core.Types.Error.newBuilder()
                                    .setFailedNodeId("b")
                                    .setMessage("the total is too small"))))
            .build();
    WorkflowTemplate top =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setName("wf.top"))
            .setInterface(
                flyteidl.core.Interface.TypedInterface.newBuilder()
                    .setInputs(TOTAL.getInterface().getInputs())
                    .setOutputs(
                        flyteidl.core.Interface.VariableMap.newBuilder()
                            .putVariables(
                                "sub", TOTAL.getInterface().getOutputs().getVariablesOrThrow("o0"))
                            .putVariables(
                                "branch",
                                TOTAL.getInterface().getOutputs().getVariablesOrThrow("o0"))))
            .addNodes(s)
            .addNodes(l)
            .addNodes(z)
            .addNodes(b)
            .addOutputs(promise("sub", "s", "o0"))
            .addOutputs(promise("branch", "b", "o0"))
            .build();
    FlytePackage pkg =
        new FlytePackage(
            "[test]",
            Map.of(TOTAL.getId().getName(), TOTAL),
            Map.of("wf.top", top, "wf.sub", sub),
            Map.of("lp.sub", lp),
            Optional.empty());
    FlytePackage.Entity entity = new FlytePackage.WorkflowEntity(top);
    ExecutionGraph graph =
        WorkflowCompiler.compile(
            pkg,
            entity,
            (up, down) -> up.equals(down) ? Optional.empty() : Optional.of(up + " != " + down));
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals("xs", Literals.collection(List.of(Literals.of(1), Literals.of(2))))
            .build();
    return FlyteBeam.runWorkflow(pkg, entity, graph, inputs, options);
  }

  @Test
  void subWorkflowsLaunchPlansSleepsAndBranchesRunInline() {
    WorkflowResult r = nested(2);

    assertThat(r.error()).isEmpty();
    // sub: 1 + 2; the branch holds (3 > 2) and totals the launch plan's output, its fixed [5].
    assertThat(r.outputs().getLiteralsOrThrow("sub")).isEqualTo(Literals.of(3));
    assertThat(r.outputs().getLiteralsOrThrow("branch")).isEqualTo(Literals.of(5));
    assertThat(r.nodes())
        .extracting(WorkflowResult.NodeOutcome::path)
        .contains("s/t", "l/t", "z", "b", "s", "l");
  }

  @Test
  void aBranchWithNoCaseHoldingFailsWithItsElseFailMessage() {
    WorkflowResult r = nested(100);

    assertThat(r.success()).isFalse();
    assertThat(r.error()).get().asString().contains("node [b] failed: the total is too small");
  }
}

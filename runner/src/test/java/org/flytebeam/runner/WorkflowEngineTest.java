package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
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
import org.flytebeam.spec.Bindings;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * The engine on the DirectRunner with the example Java tasks: a map then a reducer, an independent
 * node beside them, and the two failure policies. Bindings are evaluated by a stand-in for the
 * graph library's (values, collections and plain promises) until it lands.
 */
class WorkflowEngineTest {

  /** Values, collections of bindings and promises without an attribute path. */
  private static final WorkflowEngine.Evaluation PLAIN =
      new WorkflowEngine.Evaluation() {
        @Override
        public Literal resolve(BindingData data, Promises promises) {
          switch (data.getValueCase()) {
            case PROMISE -> {
              OutputReference ref = data.getPromise();
              return promises
                  .output(ref.getNodeId(), ref.getVar())
                  .orElseThrow(() -> new AssertionError("no value for " + ref));
            }
            case COLLECTION -> {
              LiteralCollection.Builder c = LiteralCollection.newBuilder();
              data.getCollection()
                  .getBindingsList()
                  .forEach(b -> c.addLiterals(resolve(b, promises)));
              return Literal.newBuilder().setCollection(c).build();
            }
            default -> {
              return Bindings.toLiteral(data);
            }
          }
        }

        @Override
        public boolean holds(BooleanExpression condition, Promises promises) {
          throw new AssertionError("no branch in these workflows");
        }
      };

  private static final TaskTemplate SQUARE = MapTask.javaTaskTemplate(new Square());
  private static final TaskTemplate TOTAL = MapTask.javaTaskTemplate(new Total());
  private static final TaskTemplate FAIL_ON_TWO = MapTask.javaTaskTemplate(new FailOnTwo());

  private static Binding promise(String var, String node, String out) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId(node).setVar(out)))
        .build();
  }

  private static Node map(String id, TaskTemplate task, String fromNode, String fromVar) {
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
  private static FlytePackage workflow(TaskTemplate mapped, OnFailurePolicy policy) {
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
    return FlyteBeam.runWorkflow(pkg, entity, graph, inputs, RunOptions.defaults(), PLAIN);
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
}

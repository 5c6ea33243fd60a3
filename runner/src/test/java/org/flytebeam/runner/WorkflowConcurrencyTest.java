package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * Nodes that do not wait for each other run at the same time: two task nodes over a task that
 * succeeds only when another invocation waits beside it (a barrier of two, with a generous
 * timeout), so the run succeeds only if they overlapped, and their recorded times say so.
 */
class WorkflowConcurrencyTest {
  private static final TaskTemplate MEET = MapTask.javaTaskTemplate(new TestTasks.Rendezvous());

  private static Node meet(String id, String input) {
    return Node.newBuilder()
        .setId(id)
        .addInputs(
            Binding.newBuilder()
                .setVar("x")
                .setBinding(
                    BindingData.newBuilder()
                        .setPromise(OutputReference.newBuilder().setVar(input))))
        .setTaskNode(TaskNode.newBuilder().setReferenceId(MEET.getId()))
        .build();
  }

  private static Binding output(String var, String node) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId(node).setVar("o0")))
        .build();
  }

  @Test
  void independentTaskNodesRunAtTheSameTime() {
    var x = MEET.getInterface().getInputs().getVariablesOrThrow("x");
    var y = MEET.getInterface().getOutputs().getVariablesOrThrow("o0");
    WorkflowTemplate wf =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setName("wf.side_by_side"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(VariableMap.newBuilder().putVariables("a", x).putVariables("b", x))
                    .setOutputs(VariableMap.newBuilder().putVariables("a", y).putVariables("b", y)))
            .addNodes(meet("left", "a"))
            .addNodes(meet("right", "b"))
            .addOutputs(output("a", "left"))
            .addOutputs(output("b", "right"))
            .build();
    FlytePackage pkg =
        new FlytePackage(
            "[test]",
            Map.of(MEET.getId().getName(), MEET),
            Map.of(wf.getId().getName(), wf),
            Map.of(),
            Optional.empty());
    TestTasks.MEETINGS.clear();

    WorkflowResult r =
        FlyteBeam.runWorkflow(
            pkg,
            "wf.side_by_side",
            LiteralMap.newBuilder()
                .putLiterals("a", Literals.of(1L))
                .putLiterals("b", Literals.of(2L))
                .build(),
            RunOptions.defaults());

    assertThat(r.error()).isEmpty();
    assertThat(r.outputs().getLiteralsOrThrow("a")).isEqualTo(Literals.of(1L));
    assertThat(r.outputs().getLiteralsOrThrow("b")).isEqualTo(Literals.of(2L));
    long[] left = TestTasks.MEETINGS.get(1L);
    long[] right = TestTasks.MEETINGS.get(2L);
    // Each started before the other ended: their runs overlapped.
    assertThat(left[0]).isLessThan(right[1]);
    assertThat(right[0]).isLessThan(left[1]);
  }
}

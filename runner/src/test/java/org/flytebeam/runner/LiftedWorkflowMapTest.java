package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.Condition.ComparisonExpression;
import flyteidl.core.Condition.Operand;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.BindingDataCollection;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.BranchNode;
import flyteidl.core.Workflow.IfBlock;
import flyteidl.core.Workflow.IfElseBlock;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.LiftedWorkflowMap;
import org.flytebeam.exec.NodeCounts;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.ExecutionGraph.ArrayWorkflowCall;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.Promises;
import org.flytebeam.graph.WorkflowCompiler;
import org.flytebeam.runner.WorkflowMaps.Criteria;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * The lifter's walk without Beam: its stages run by a stand-in that computes {@code square} and
 * {@code test_counted} itself and records every stage it is given (path and size), so the stages'
 * shape (flattened pairs, branch partitions, waves) and the outer fail fast are seen directly.
 */
class LiftedWorkflowMapTest {

  /** Runs stages in this thread: square(x) = x*x; test_counted(x) = 10x, failing when x < 0. */
  private static final class FakeStages implements LiftedWorkflowMap.Stages {
    final List<String> stages = new ArrayList<>();

    @Override
    public List<ElementOutcome> run(String path, MapTaskSpec spec, LiteralMap inputs, int size) {
      stages.add(path + " " + size);
      List<Literal> xs = inputs.getLiteralsOrThrow("x").getCollection().getLiteralsList();
      List<ElementOutcome> out = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        long x = xs.get(i).getScalar().getPrimitive().getInteger();
        String task = spec.subTask().id().name();
        if (task.equals("test_counted") && x < 0) {
          out.add(
              new ElementOutcome(
                  i, ElementStatus.FAILED, 1, 0, 0, "negative: " + x, List.of(), false));
        } else {
          long y = task.equals("square") ? x * x : 10 * x;
          out.add(
              new ElementOutcome(i, ElementStatus.SUCCEEDED, 1, 0, 0, "", List.of(Literals.of(y))));
        }
      }
      return out;
    }

    @Override
    public boolean sleep(Duration duration) {
      stages.add("sleep");
      return true;
    }
  }

  private static BooleanExpression greaterThan(long value) {
    return BooleanExpression.newBuilder()
        .setComparison(
            ComparisonExpression.newBuilder()
                .setOperator(ComparisonExpression.Operator.GT)
                .setLeftValue(Operand.newBuilder().setVar("x"))
                .setRightValue(Operand.newBuilder().setScalar(Literals.of(value).getScalar())))
        .build();
  }

  /**
   * The call of {@code wf.top(xs)}'s n0, which maps sub-workflow {@code wf.elem(x) -> o0} over xs
   * ({@code criteria}, {@code parallelism}): wf.elem's n0 maps test_counted over {@code [x, -1]}
   * with ratio 0.5 (so it fails only when x is negative), then branch b: if x > 10, b-n0 =
   * square(x), else b-n1 = square(7).
   */
  static ArrayWorkflowCall call(Criteria criteria, Optional<Integer> parallelism) {
    ArrayNode.Builder inner =
        ArrayNode.newBuilder()
            .setNode(
                Node.newBuilder()
                    .setId("n0")
                    .addInputs(WorkflowMaps.promise("x", Promises.START_NODE, "ys"))
                    .setTaskNode(
                        TaskNode.newBuilder().setReferenceId(WorkflowMaps.COUNTED.getId())))
            .setIsOriginalSubNodeInterface(
                com.google.protobuf.BoolValue.newBuilder().setValue(true));
    Criteria.ratio(0.5f).applyTo(inner);
    BindingData xAndMinusOne =
        BindingData.newBuilder()
            .setCollection(
                BindingDataCollection.newBuilder()
                    .addBindings(WorkflowMaps.promise("x", Promises.START_NODE, "x").getBinding())
                    .addBindings(WorkflowMaps.scalar("x", -1).getBinding()))
            .build();
    Node branch =
        Node.newBuilder()
            .setId("b")
            .addUpstreamNodeIds("n0")
            .setBranchNode(
                BranchNode.newBuilder()
                    .setIfElse(
                        IfElseBlock.newBuilder()
                            .setCase(
                                IfBlock.newBuilder()
                                    .setCondition(greaterThan(10))
                                    .setThenNode(
                                        WorkflowMaps.taskNode(
                                            "b-n0",
                                            WorkflowMaps.SQUARE,
                                            WorkflowMaps.promise("x", Promises.START_NODE, "x"))))
                            .setElseNode(
                                WorkflowMaps.taskNode(
                                    "b-n1", WorkflowMaps.SQUARE, WorkflowMaps.scalar("x", 7)))))
            .build();
    WorkflowTemplate elem =
        WorkflowTemplate.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.elem"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(Containers.vars("x", WorkflowMaps.INT))
                    .setOutputs(Containers.vars("o0", WorkflowMaps.INT)))
            .addNodes(
                Node.newBuilder()
                    .setId("n0")
                    .addInputs(Binding.newBuilder().setVar("x").setBinding(xAndMinusOne))
                    .setArrayNode(inner))
            .addNodes(branch)
            .addOutputs(WorkflowMaps.promise("o0", "b", "o0"))
            .build();
    WorkflowTemplate top = WorkflowMaps.mapOverSubWorkflow("wf.top", elem, criteria, parallelism);
    FlytePackage pkg =
        WorkflowMaps.pkg(
            List.of(top, elem), List.of(WorkflowMaps.COUNTED, WorkflowMaps.SQUARE), List.of());
    ExecutionGraph graph = WorkflowCompiler.compile(pkg, pkg.select(Optional.of("wf.top")));
    return (ArrayWorkflowCall) graph.nodes().get(0).target();
  }

  private static List<Map<String, Literal>> elements(long... xs) {
    List<Map<String, Literal>> elements = new ArrayList<>();
    for (long x : xs) {
      elements.add(Map.of("x", Literals.of(x)));
    }
    return elements;
  }

  private static List<String> statuses(List<ElementOutcome> outcomes) {
    return outcomes.stream()
        .map(o -> o.status() + (o.status().succeeded() ? " " + o.outputs() : " " + o.error()))
        .map(s -> s.replaceAll("\\s+", " "))
        .toList();
  }

  @Test
  void shouldRunAnInnerMapAsOneStageOfEveryPairAndEachBranchPartitionOnce() {
    FakeStages stages = new FakeStages();

    List<ElementOutcome> out =
        new LiftedWorkflowMap(call(Criteria.ratio(0.5f), Optional.empty()), stages)
            .run(elements(1, 20, -3, 30), List.of("o0"), 2, false, OptionalInt.empty());

    // n0: 4 elements of 2 items; b: element 0 takes the else node, elements 1 and 3 the case;
    // element 2's inner map failed, so its branch never started.
    assertThat(stages.stages).containsExactly("n0[] 8", "b/b-n1 1", "b/b-n0 2");
    assertThat(out.get(0).outputs()).containsExactly(Literals.of(49));
    assertThat(out.get(1).outputs()).containsExactly(Literals.of(400));
    assertThat(out.get(3).outputs()).containsExactly(Literals.of(900));
    assertThat(out.get(2).status()).isEqualTo(ElementStatus.FAILED);
    assertThat(out.get(2).error())
        .isEqualTo("n0 (test_counted): 0 of 2 elements succeeded, 1 required; [0]: negative: -3");
    assertThat(out.get(0).nodes()).isEqualTo(new NodeCounts(3, 3, 0, 0));
    assertThat(out.get(2).nodes()).isEqualTo(new NodeCounts(1, 0, 1, 0));
  }

  @Test
  void shouldRunTheOuterElementsInWavesOfTheMapsParallelism() {
    FakeStages stages = new FakeStages();

    List<ElementOutcome> out =
        new LiftedWorkflowMap(call(Criteria.ratio(0.5f), Optional.of(2)), stages)
            .run(elements(1, 20, -3, 30), List.of("o0"), 2, false, OptionalInt.of(2));

    assertThat(stages.stages)
        .containsExactly("n0[] 4", "b/b-n1 1", "b/b-n0 1", "n0[] 4", "b/b-n0 1");
    assertThat(statuses(out))
        .containsExactly(
            "SUCCEEDED [scalar { primitive { integer: 49 } } ]",
            "SUCCEEDED [scalar { primitive { integer: 400 } } ]",
            "FAILED n0 (test_counted): 0 of 2 elements succeeded, 1 required; [0]: negative: -3",
            "SUCCEEDED [scalar { primitive { integer: 900 } } ]");
  }

  @Test
  void shouldAbortTheLaterWavesOnceTheOuterMapCanNoLongerSucceed() {
    FakeStages stages = new FakeStages();

    List<ElementOutcome> out =
        new LiftedWorkflowMap(call(Criteria.all(), Optional.of(1)), stages)
            .run(elements(1, 20, -3, 30), List.of("o0"), 4, false, OptionalInt.of(1));

    // Element 2 fails in its first node: element 3 never starts.
    assertThat(stages.stages).containsExactly("n0[] 2", "b/b-n1 1", "n0[] 2", "b/b-n0 1", "n0[] 2");
    assertThat(out.get(3).status()).isEqualTo(ElementStatus.ABORTED);
    assertThat(out.get(3).error()).isEqualTo("aborted: the map could no longer succeed");
    assertThat(out.get(3).nodes()).isEqualTo(NodeCounts.none());
  }

  @Test
  void shouldAbortTheElementsOfAWaveThatHaveNotEndedOnceTheMapCanNoLongerSucceed() {
    FakeStages stages = new FakeStages();

    List<ElementOutcome> failFast =
        new LiftedWorkflowMap(call(Criteria.all(), Optional.empty()), stages)
            .run(elements(-3, 1, 20), List.of("o0"), 3, false, OptionalInt.empty());
    FakeStages all = new FakeStages();
    List<ElementOutcome> runAll =
        new LiftedWorkflowMap(call(Criteria.all(), Optional.empty()), all)
            .run(elements(-3, 1, 20), List.of("o0"), 3, true, OptionalInt.empty());

    // After n0, element 0 failed and 3 of 3 can no longer succeed: the branch never runs.
    assertThat(stages.stages).containsExactly("n0[] 6");
    assertThat(failFast.stream().map(ElementOutcome::status))
        .containsExactly(ElementStatus.FAILED, ElementStatus.ABORTED, ElementStatus.ABORTED);
    // run_all_sub_nodes: every element runs to its end.
    assertThat(all.stages).containsExactly("n0[] 6", "b/b-n1 1", "b/b-n0 1");
    assertThat(runAll.stream().map(ElementOutcome::status))
        .containsExactly(ElementStatus.FAILED, ElementStatus.SUCCEEDED, ElementStatus.SUCCEEDED);
  }
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowMetadata;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import flyteidl.core.Workflow.WorkflowNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.exec.NodeCounts;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.Promises;
import org.flytebeam.runner.WorkflowMaps.Criteria;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maps over workflows that hold maps run lifted (each node of the element workflow one map over
 * every live element, an inner map one map over every (element, item) pair) and give exactly what
 * the in-worker path gives: outputs, success, error lines, node outcomes, the map's verdict
 * summary, error groups and node counts. Each case runs both ways on the DirectRunner, each run
 * with a cache folder of its own.
 */
class WorkflowMapLiftIT {
  @TempDir Path dir;
  private int runs;

  /** Runs {@code run} in-worker, then lifted; returns both results. */
  private List<WorkflowResult> bothWays(Function<RunOptions, WorkflowResult> run) {
    List<WorkflowResult> results = new ArrayList<>();
    for (boolean lift : List.of(false, true)) {
      RunOptions options =
          RunOptions.defaults().withCacheDir(dir.resolve("cache-" + runs++).toString());
      WorkflowEngine.liftNestedMaps = lift;
      try {
        results.add(run.apply(options));
      } finally {
        WorkflowEngine.liftNestedMaps = true;
      }
    }
    return results;
  }

  /** What a user sees of a run, as text: compared whole between the two paths. */
  static List<String> seen(WorkflowResult r) {
    List<String> seen = new ArrayList<>();
    seen.add("success " + r.success());
    seen.add("outputs " + r.outputs());
    seen.add("error " + r.error().orElse(""));
    for (WorkflowResult.NodeOutcome n :
        r.nodes().stream()
            .sorted(java.util.Comparator.comparing(WorkflowResult.NodeOutcome::path))
            .toList()) {
      seen.add("node " + n.path() + " " + n.status() + " " + n.error().orElse(""));
      if (n.elements().isPresent()) {
        MapVerdict v = n.elements().get();
        seen.add("verdict " + n.path() + " " + v.summary());
        seen.add("errors " + n.path() + " " + v.errors().format());
        seen.add("nodes " + n.path() + " " + v.nodes());
      }
    }
    return seen;
  }

  private static void assertSame(List<WorkflowResult> both) {
    assertThat(seen(both.get(1))).isEqualTo(seen(both.get(0)));
  }

  @Test
  void aNestedMapInsideEachElementGivesTheSameResultLifted() {
    List<WorkflowResult> both = bothWays(WorkflowMapTest::nested);

    assertSame(both);
    assertThat(both.get(1).success()).isTrue();
    assertThat(WorkflowMapTest.nodes(both.get(1), "n0")).isEqualTo(new NodeCounts(3, 2, 1, 0));
  }

  @Test
  void outerCriteriaOverInnerMapsGiveTheSameVerdictLifted() {
    LiteralMap in = WorkflowMapTest.xss(new long[] {1, -1}, new long[] {-1, -2}, new long[] {2, 3});
    List<WorkflowResult> passing =
        bothWays(o -> FlyteBeam.runWorkflow(WorkflowMaps.nested(0.6f), "wf.outer", in, o));
    List<WorkflowResult> failing =
        bothWays(
            o ->
                FlyteBeam.runWorkflow(
                    WorkflowMaps.nested(1.0f),
                    "wf.outer",
                    WorkflowMapTest.xss(new long[] {-1, -2}),
                    o));

    assertSame(passing);
    assertSame(failing);
    assertThat(failing.get(1).error().orElseThrow())
        .contains("[0]: n0 (test_counted): 0 of 2 elements succeeded, 1 required; [0]: ")
        .contains("negative: -1");
  }

  @Test
  void aMapOverALaunchPlanMappingAnotherLaunchPlanGivesTheSameResultLifted() {
    List<WorkflowResult> ok =
        bothWays(o -> WorkflowMapNestingTest.lpOfLps(Criteria.ratio(0.6f), o));
    // min 3 of 3, fail fast: which other elements (or their inner items) the in-worker path
    // aborted is its scheduler's, so only the failed element's line is compared.
    List<WorkflowResult> tooFew = bothWays(o -> WorkflowMapNestingTest.lpOfLps(Criteria.min(3), o));

    assertSame(ok);
    assertThat(WorkflowMapTest.outputs(ok.get(1))).isEqualTo(WorkflowMapNestingTest.LP_OF_LPS);
    assertThat(WorkflowMapTest.nodes(ok.get(1), "n0")).isEqualTo(new NodeCounts(12, 8, 4, 0));
    for (WorkflowResult r : tooFew) {
      assertThat(r.success()).isFalse();
      assertThat(r.error().orElseThrow())
          .contains(
              "[2]: n0 (lp.element): 0 of 2 elements succeeded, 1 required; [0]: n0[0]/n0"
                  + " (fail_if_equal): IllegalArgumentException: x must not be 1");
    }
    // Lifted, elements 0 and 1 had ended with element 2: they count as succeeded.
    assertThat(tooFew.get(1).error().orElseThrow())
        .contains(
            "map failed: 2 of 3 elements succeeded, 3 required (1 failed, 0 timed out, 0"
                + " aborted)");
  }

  @Test
  void anInnerMapsParallelismGivesTheSameOutputsLifted() {
    List<WorkflowResult> both =
        bothWays(o -> WorkflowMapNestingTest.innerTimedRun(Optional.of(2), o));

    assertSame(both);
    assertThat(both.get(1).outputs().getLiteralsOrThrow("o0"))
        .isEqualTo(WorkflowMapNestingTest.FIVE_300S);
  }

  @Test
  void aSecondRunWithTheCacheRunsNoTaskOfAnInnerItemThatSucceededLifted() {
    RunOptions options = RunOptions.defaults().withCacheDir(dir.resolve("shared").toString());
    org.flytebeam.runner.testing.TestTasks.reset();
    WorkflowResult first = WorkflowMapTest.nested(options);
    int firstCalls = org.flytebeam.runner.testing.TestTasks.calls("test_counted");
    WorkflowResult second = WorkflowMapTest.nested(options);

    assertThat(firstCalls).isEqualTo(6);
    // Items 1, 2 and 3 (10, 20, 30) succeeded: the second run runs only the three failed ones.
    assertThat(org.flytebeam.runner.testing.TestTasks.calls("test_counted")).isEqualTo(9);
    assertThat(WorkflowMapTest.nodes(second, "n0")).isEqualTo(new NodeCounts(3, 2, 1, 3));
    assertThat(seen(second).subList(0, 3)).isEqualTo(seen(first).subList(0, 3));
  }

  /**
   * {@code wf.wrap_top(xss)} maps sub-workflow {@code wf.wrap} over xss with ratio 0.5; wf.wrap(xs)
   * ({@code policy}): n0 runs sub-workflow {@code wf.inner(xs)} (a map of test_counted, ratio 0.5),
   * n1 = test_counted(7) beside it, n2 = test_counted(n1) after n0 and n1; outputs n0's list and
   * n2's value.
   */
  static FlytePackage wrapped(OnFailurePolicy policy) {
    FlytePackage nested = WorkflowMaps.nested(0.5f);
    WorkflowTemplate inner = nested.workflows().get("wf.inner");
    var innerOut = inner.getInterface().getOutputs().getVariablesOrThrow("o0");
    WorkflowTemplate wrap =
        WorkflowTemplate.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.wrap"))
            .setMetadata(WorkflowMetadata.newBuilder().setOnFailure(policy))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        VariableMap.newBuilder()
                            .putVariables(
                                "xs", WorkflowMaps.var(WorkflowMaps.listOf(WorkflowMaps.INT))))
                    .setOutputs(
                        VariableMap.newBuilder()
                            .putVariables("o0", innerOut)
                            .putVariables("o1", WorkflowMaps.var(WorkflowMaps.INT))))
            .addNodes(
                Node.newBuilder()
                    .setId("n0")
                    .addInputs(WorkflowMaps.promise("xs", Promises.START_NODE, "xs"))
                    .setWorkflowNode(WorkflowNode.newBuilder().setSubWorkflowRef(inner.getId())))
            .addNodes(
                WorkflowMaps.taskNode("n1", WorkflowMaps.COUNTED, WorkflowMaps.scalar("x", 7)))
            .addNodes(
                WorkflowMaps.taskNode(
                        "n2", WorkflowMaps.COUNTED, WorkflowMaps.promise("x", "n1", "o0"))
                    .toBuilder()
                    .addUpstreamNodeIds("n0")
                    .addUpstreamNodeIds("n1")
                    .build())
            .addOutputs(WorkflowMaps.promise("o0", "n0", "o0"))
            .addOutputs(WorkflowMaps.promise("o1", "n2", "o0"))
            .build();
    Binding xs = WorkflowMaps.promise("xs", Promises.START_NODE, "xs");
    ArrayNode.Builder array =
        ArrayNode.newBuilder()
            .setNode(
                Node.newBuilder()
                    .setId("wf-wrap")
                    .addInputs(xs)
                    .setWorkflowNode(WorkflowNode.newBuilder().setSubWorkflowRef(wrap.getId())))
            .setExecutionMode(ArrayNode.ExecutionMode.FULL_STATE)
            .setIsOriginalSubNodeInterface(
                com.google.protobuf.BoolValue.newBuilder().setValue(true));
    Criteria.ratio(0.5f).applyTo(array);
    WorkflowTemplate top =
        WorkflowTemplate.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.wrap_top"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        VariableMap.newBuilder()
                            .putVariables(
                                "xs",
                                WorkflowMaps.var(
                                    WorkflowMaps.listOf(WorkflowMaps.listOf(WorkflowMaps.INT)))))
                    .setOutputs(
                        VariableMap.newBuilder()
                            .putVariables(
                                "o0",
                                WorkflowMaps.var(
                                    WorkflowMapNestingTest.mappedOutput(
                                        innerOut.getType(), Criteria.ratio(0.5f))))))
            .addNodes(Node.newBuilder().setId("n0").addInputs(xs).setArrayNode(array))
            .addOutputs(WorkflowMaps.promise("o0", "n0", "o0"))
            .build();
    return WorkflowMaps.pkg(List.of(top, wrap, inner), List.of(WorkflowMaps.COUNTED), List.of());
  }

  private static RunOptions uncached(RunOptions options) {
    return options.withCacheMode(org.flytebeam.cache.CacheMode.DISABLED);
  }

  static WorkflowResult wrappedRun(OnFailurePolicy policy, RunOptions options) {
    LiteralMap xss =
        WorkflowMapTest.xss(new long[] {1, -1}, new long[] {-1, -2}, new long[] {2, 3});
    LiteralMap in =
        LiteralMap.newBuilder().putLiterals("xs", xss.getLiteralsOrThrow("xss")).build();
    return FlyteBeam.runWorkflow(wrapped(policy), "wf.wrap_top", in, options);
  }

  @Test
  void aSubWorkflowHoldingAMapAndBothFailurePoliciesGiveTheSameResultLifted() {
    // n1 and n2 get the same inputs in every element: whether one element's entry is there when
    // another looks is the scheduler's on either path, so this case runs without the cache.
    List<WorkflowResult> immediately =
        bothWays(o -> wrappedRun(OnFailurePolicy.FAIL_IMMEDIATELY, uncached(o)));
    List<WorkflowResult> after =
        bothWays(
            o -> wrappedRun(OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE, uncached(o)));

    assertSame(immediately);
    assertSame(after);
    assertThat(immediately.get(1).success())
        .as(String.valueOf(immediately.get(1).error()))
        .isTrue();
    assertThat(WorkflowMapTest.outputs(immediately.get(1)))
        .containsExactly(
            Literals.collection(List.of(Literals.of(10), Literals.none())),
            Literals.none(),
            Literals.collection(List.of(Literals.of(20), Literals.of(30))));
    // Elements 0 and 2: n0, its map, n1, n2. Element 1: n0 and its map fail; n1 runs or not by
    // the policy, n2 never starts.
    assertThat(WorkflowMapTest.nodes(immediately.get(1), "n0"))
        .isEqualTo(new NodeCounts(8 + 2, 8, 2, 0));
    assertThat(WorkflowMapTest.nodes(after.get(1), "n0")).isEqualTo(new NodeCounts(8 + 3, 9, 2, 0));
  }
}

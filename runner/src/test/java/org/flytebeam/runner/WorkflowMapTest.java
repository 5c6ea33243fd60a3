package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.NodeCounts;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.runner.WorkflowMaps.Criteria;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * Maps over launch plans on the DirectRunner: the contract over {@code [1,2,3,4]} with an element
 * workflow failing on 1, the launch plan's fixed and default inputs, the failure text naming the
 * node inside the element.
 */
class WorkflowMapTest {

  static WorkflowResult run(Criteria criteria, RunOptions options) {
    FlytePackage pkg = WorkflowMaps.mapOverLaunchPlan(criteria, Optional.empty(), Duration.ZERO);
    return FlyteBeam.runWorkflow(pkg, WorkflowMaps.TOP, WorkflowMaps.xs(1, 2, 3, 4), options);
  }

  static List<Literal> outputs(WorkflowResult r) {
    return r.outputs().getLiteralsOrThrow("o0").getCollection().getLiteralsList();
  }

  /** The node executions inside the elements of the map node {@code path}. */
  static NodeCounts nodes(WorkflowResult r, String path) {
    return r.nodes().stream()
        .filter(n -> n.path().equals(path))
        .findFirst()
        .orElseThrow()
        .elements()
        .orElseThrow()
        .nodes();
  }

  @Test
  void theMapCountsTheNodeExecutionsInsideItsElements() {
    WorkflowResult r = run(Criteria.ratio(0.75f), RunOptions.defaults());

    assertThat(r.success()).as(String.valueOf(r.error())).isTrue();
    // Element 0: n0 fails, n1 never starts; elements 1 to 3: n0 and n1 succeed.
    assertThat(nodes(r, "n0")).isEqualTo(new NodeCounts(7, 6, 1, 0));
  }

  @Test
  void theCacheHitsOfTaskNodesInsideElementsAreCounted(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) {
    RunOptions options = RunOptions.defaults().withCacheDir(cache.toString());

    WorkflowResult first = counted(options);
    WorkflowResult second = counted(options);

    assertThat(nodes(first, "n0")).isEqualTo(new NodeCounts(3, 2, 1, 0));
    // Elements 0 and 2 take their task node's outputs from the cache; element 1 runs again.
    assertThat(nodes(second, "n0")).isEqualTo(new NodeCounts(3, 2, 1, 2));
    WorkflowResult.NodeOutcome n0 = second.nodes().get(0);
    assertThat(n0.elements().orElseThrow().summary())
        .contains(
            "3 node executions inside the elements (2 succeeded, 1 failed, 2 task runs from the"
                + " cache)");
  }

  static final List<Literal> EXPECTED =
      List.of(Literals.none(), Literals.of(20), Literals.of(30), Literals.of(40));

  @Test
  void enoughElementsSucceedingGiveNoneForTheFailedOneAndTheOthersInOrder() {
    for (Criteria c :
        List.of(Criteria.ratio(0.75f), Criteria.ratio(0.5f), Criteria.min(1), Criteria.min(3))) {
      WorkflowResult r = run(c, RunOptions.defaults());

      assertThat(r.success()).as(c + ": " + r.error()).isTrue();
      assertThat(outputs(r)).as(c.toString()).isEqualTo(EXPECTED);
    }
  }

  @Test
  void tooFewSucceedingFailsTheRunNamingTheElementTheNodeInsideAndItsError() {
    List<String> errors = new ArrayList<>();
    for (Criteria c : List.of(Criteria.min(4), Criteria.all())) {
      WorkflowResult r = run(c, RunOptions.defaults());

      assertThat(r.success()).as(c.toString()).isFalse();
      errors.add(r.error().orElseThrow());
    }
    assertThat(errors)
        .allSatisfy(
            e ->
                assertThat(e)
                    .contains("node [n0] failed")
                    .contains("[0]: n0 (fail_if_equal): ")
                    .contains("x must not be 1"));
  }

  @Test
  void aFixedInputCannotBeBoundOnTheMap() {
    FlytePackage pkg =
        WorkflowMaps.mapOverLaunchPlan(Criteria.all(), Optional.empty(), Duration.ZERO);
    var top = pkg.workflows().get(WorkflowMaps.TOP).toBuilder();
    top.getNodesBuilder(0).addInputs(WorkflowMaps.promise("bad", "start-node", "xs"));
    FlytePackage bound = WorkflowMaps.pkg(top.build(), pkg.workflows().get("wf.element"));

    assertThatThrownBy(
            () ->
                FlyteBeam.runWorkflow(
                    bound, WorkflowMaps.TOP, WorkflowMaps.xs(1), RunOptions.defaults()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input [bad] is fixed by launch plan [lp.element]");
  }

  @Test
  void aMissingLaunchPlanIsNamedWithTheNode() {
    FlytePackage pkg =
        WorkflowMaps.mapOverLaunchPlan(Criteria.all(), Optional.empty(), Duration.ZERO);
    FlytePackage missing =
        new FlytePackage(
            pkg.source(), pkg.tasks(), pkg.workflows(), java.util.Map.of(), Optional.empty());

    assertThatThrownBy(
            () ->
                FlyteBeam.runWorkflow(
                    missing, WorkflowMaps.TOP, WorkflowMaps.xs(1), RunOptions.defaults()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("node [n0]")
        .hasMessageContaining("launch plan [lp.element] is not in [test]");
  }

  static WorkflowResult timed(Optional<Integer> parallelism, RunOptions options) {
    var sub = WorkflowMaps.oneTask("wf.timed", WorkflowMaps.TIMED);
    var top = WorkflowMaps.mapOverSubWorkflow("wf.top", sub, Criteria.all(), parallelism);
    FlytePackage pkg = WorkflowMaps.pkg(List.of(top, sub), List.of(WorkflowMaps.TIMED), List.of());
    return FlyteBeam.runWorkflow(pkg, "wf.top", WorkflowMaps.xs(150, 150, 150, 150), options);
  }

  /** The recorded [start, end] intervals, sorted by start, overlap nowhere. */
  static void assertNoOverlap(List<long[]> intervals) {
    List<long[]> sorted = new ArrayList<>(intervals);
    sorted.sort(java.util.Comparator.comparingLong(i -> i[0]));
    for (int i = 1; i < sorted.size(); i++) {
      assertThat(sorted.get(i)[0])
          .as("element workflow %d starts after %d ended", i, i - 1)
          .isGreaterThanOrEqualTo(sorted.get(i - 1)[1]);
    }
  }

  @Test
  void parallelismOneRunsOneElementWorkflowAtATime() {
    TestTasks.reset();
    WorkflowResult r = timed(Optional.of(1), RunOptions.defaults());

    assertThat(r.success()).as(String.valueOf(r.error())).isTrue();
    assertThat(outputs(r)).hasSize(4).allMatch(l -> l.equals(Literals.of(150)));
    assertThat(TestTasks.INTERVALS).hasSize(4);
    assertNoOverlap(TestTasks.INTERVALS);
  }

  static WorkflowResult counted(RunOptions options) {
    var sub = WorkflowMaps.oneTask("wf.counted", WorkflowMaps.COUNTED);
    var top =
        WorkflowMaps.mapOverSubWorkflow("wf.top", sub, Criteria.ratio(0.5f), Optional.empty());
    FlytePackage pkg =
        WorkflowMaps.pkg(List.of(top, sub), List.of(WorkflowMaps.COUNTED), List.of());
    return FlyteBeam.runWorkflow(pkg, "wf.top", WorkflowMaps.xs(1, -2, 3), options);
  }

  @Test
  void aSecondRunWithTheCacheRunsOnlyTheTaskNodesOfElementsThatDidNotFinish(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) {
    TestTasks.reset();
    RunOptions options = RunOptions.defaults().withCacheDir(cache.toString());

    WorkflowResult first = counted(options);
    int firstCalls = TestTasks.calls("test_counted");
    WorkflowResult second = counted(options);

    assertThat(first.success()).as(String.valueOf(first.error())).isTrue();
    assertThat(firstCalls).isEqualTo(3);
    // Elements 0 and 2 finished: their task node is a cache hit; element 1 failed and runs again.
    assertThat(TestTasks.calls("test_counted")).isEqualTo(4);
    assertThat(outputs(second)).isEqualTo(outputs(first));
    assertThat(outputs(second)).containsExactly(Literals.of(10), Literals.none(), Literals.of(30));
  }

  static LiteralMap xss(long[]... lists) {
    List<Literal> outer = new ArrayList<>();
    for (long[] l : lists) {
      outer.add(Literals.collection(java.util.Arrays.stream(l).mapToObj(Literals::of).toList()));
    }
    return LiteralMap.newBuilder().putLiterals("xss", Literals.collection(outer)).build();
  }

  static WorkflowResult nested(RunOptions options) {
    return FlyteBeam.runWorkflow(
        WorkflowMaps.nested(0.5f),
        "wf.outer",
        xss(new long[] {1, -1}, new long[] {-1, -2}, new long[] {2, 3}),
        options);
  }

  @Test
  void aNestedMapInsideEachElementDecidesItsNodeByItsOwnCriteria() {
    WorkflowResult r = nested(RunOptions.defaults());

    assertThat(r.success()).as(String.valueOf(r.error())).isTrue();
    // One node (the inner map) per outer element; the second element's fails.
    NodeCounts counts = nodes(r, "n0");
    assertThat(List.of(counts.started(), counts.succeeded(), counts.failed()))
        .containsExactly(3L, 2L, 1L);
    // [1, -1]: 1 of 2 succeed, inner ratio 0.5 met; [-1, -2]: none, the element fails.
    assertThat(outputs(r))
        .containsExactly(
            Literals.collection(List.of(Literals.of(10), Literals.none())),
            Literals.none(),
            Literals.collection(List.of(Literals.of(20), Literals.of(30))));
  }

  @Test
  void theCacheHitsOfANestedMapsItemsInsideElementsAreCounted(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) {
    RunOptions options = RunOptions.defaults().withCacheDir(cache.toString());

    WorkflowResult first = nested(options);
    WorkflowResult second = nested(options);

    assertThat(nodes(first, "n0")).isEqualTo(new NodeCounts(3, 2, 1, 0));
    // The inner items 1, 2 and 3 succeeded the first time: task runs from the cache now.
    assertThat(nodes(second, "n0")).isEqualTo(new NodeCounts(3, 2, 1, 3));
    assertThat(outputs(second)).isEqualTo(outputs(first));
  }

  @Test
  void aNestedMapFailingItsCriteriaNamesItsInnerElement() {
    WorkflowResult r =
        FlyteBeam.runWorkflow(
            WorkflowMaps.nested(1.0f), "wf.outer", xss(new long[] {-1, -2}), RunOptions.defaults());

    assertThat(r.success()).isFalse();
    assertThat(r.error().orElseThrow())
        .contains("[0]: n0 (test_counted): 0 of 2 elements succeeded, 1 required; [0]: ")
        .contains("negative: -1");
  }

  @Test
  void theHtmlReportShowsTheFailedElementItsNodeAndWhy(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    WorkflowResult r = run(Criteria.min(4), RunOptions.defaults());
    java.nio.file.Path html = dir.resolve("report.html");
    java.nio.file.Path json = dir.resolve("summary.json");

    WorkflowReport.write(
        r,
        WorkflowMaps.mapOverLaunchPlan(Criteria.min(4), Optional.empty(), Duration.ZERO)
            .select(Optional.of(WorkflowMaps.TOP)),
        1,
        "DirectRunner",
        System.currentTimeMillis(),
        List.of("run"),
        html,
        json);

    assertThat(java.nio.file.Files.readString(html))
        .contains("[0]: n0 (fail_if_equal): IllegalArgumentException: x must not be 1")
        .contains("node execution");
    assertThat(java.nio.file.Files.readString(json)).contains("n0 (fail_if_equal)");
    var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    var elements = summary.path("nodes").get(0).path("elements");
    // The fields of before stay; the node executions are added beside them.
    assertThat(elements.path("size").asLong()).isEqualTo(4);
    assertThat(elements.path("failed").asLong()).isGreaterThanOrEqualTo(1);
    NodeCounts counted = nodes(r, "n0");
    assertThat(elements.path("nodes").path("started").asLong()).isEqualTo(counted.started());
    assertThat(elements.path("nodes").path("failed").asLong()).isEqualTo(counted.failed());
    assertThat(elements.path("nodes").path("succeeded").asLong()).isEqualTo(counted.succeeded());
    assertThat(elements.path("nodes").path("cacheHits").asLong()).isZero();
    // Element 0's n0 failed, whatever else fail fast let start.
    assertThat(counted.failed()).isGreaterThanOrEqualTo(1);
    assertThat(counted.started()).isEqualTo(counted.succeeded() + counted.failed());
  }
}

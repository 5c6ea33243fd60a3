package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.flytebeam.runner.WorkflowMaps.Criteria;
import org.flytebeam.runner.testing.TestTasks;
import org.junit.jupiter.api.Test;

/**
 * Maps over launch plans and sub-workflows give the same outputs, node outcomes and errors on the
 * DirectRunner and on Spark {@code local[2]}: the contract's criteria, a launch plan with fixed and
 * default inputs, a nested map, a container task node inside the elements, a map over a launch plan
 * mapping another launch plan, the node executions counted inside the elements (in executor threads
 * on Spark, carried back with the outcomes), and parallelism 1 (no two element workflows overlap on
 * Spark either).
 */
class WorkflowMapSparkDifferentialIT {
  private static final RunOptions SPARK =
      RunOptions.defaults().withRunner(RunnerKind.SparkRunner).withSparkMaster("local[2]");

  private static void assertSame(WorkflowResult direct, WorkflowResult spark) {
    assertThat(spark.success()).isEqualTo(direct.success());
    assertThat(spark.outputs()).isEqualTo(direct.outputs());
    assertThat(spark.error()).isEqualTo(direct.error());
    assertThat(outcomes(spark)).isEqualTo(outcomes(direct));
  }

  private static List<String> outcomes(WorkflowResult r) {
    return r.nodes().stream().map(n -> n.path() + " " + n.status()).sorted().toList();
  }

  @Test
  void theContractGivesTheSameOutputsAndExitOnBothRunners() {
    for (Criteria c : List.of(Criteria.ratio(0.75f), Criteria.min(3), Criteria.min(4))) {
      WorkflowResult direct = WorkflowMapTest.run(c, RunOptions.defaults());
      WorkflowResult spark = WorkflowMapTest.run(c, SPARK);

      if (c.minSuccesses().orElse(0L) == 4) {
        // Fail fast: which elements were still to start when the map could no longer succeed is
        // the scheduler's, so only the verdict and the failed element's line are compared.
        assertThat(direct.success()).isFalse();
        assertThat(spark.success()).isFalse();
        assertThat(List.of(direct.error().orElseThrow(), spark.error().orElseThrow()))
            .allSatisfy(
                e ->
                    assertThat(e)
                        .contains(
                            "[0]: n0 (fail_if_equal): IllegalArgumentException: x must not be 1"));
      } else {
        assertSame(direct, spark);
        assertThat(WorkflowMapTest.outputs(spark)).isEqualTo(WorkflowMapTest.EXPECTED);
        // Counted in the executor threads and carried back with the elements' outcomes.
        assertThat(WorkflowMapTest.nodes(spark, "n0"))
            .isEqualTo(WorkflowMapTest.nodes(direct, "n0"))
            .isEqualTo(new org.flytebeam.exec.NodeCounts(7, 6, 1, 0));
      }
    }
  }

  @Test
  void aNestedMapGivesTheSameOutputsOnBothRunners() {
    WorkflowResult direct = WorkflowMapTest.nested(RunOptions.defaults());
    WorkflowResult spark = WorkflowMapTest.nested(SPARK);

    assertThat(direct.success()).as(String.valueOf(direct.error())).isTrue();
    assertSame(direct, spark);
    // The cacheable inner task may hit the user's default cache on the second run: not compared.
    assertThat(executions(spark)).isEqualTo(executions(direct)).containsExactly(3L, 2L, 1L);
  }

  private static List<Long> executions(WorkflowResult r) {
    org.flytebeam.exec.NodeCounts n = WorkflowMapTest.nodes(r, "n0");
    return List.of(n.started(), n.succeeded(), n.failed());
  }

  @Test
  void aContainerTaskNodeInsideElementsGivesTheSameOutputsAndCountsOnBothRunners() {
    WorkflowResult direct =
        WorkflowMapNestingTest.container(Criteria.ratio(0.5f), RunOptions.defaults());
    WorkflowResult spark = WorkflowMapNestingTest.container(Criteria.ratio(0.5f), SPARK);
    WorkflowResult failed = WorkflowMapNestingTest.container(Criteria.all(), SPARK);

    assertThat(direct.success()).as(String.valueOf(direct.error())).isTrue();
    assertSame(direct, spark);
    assertThat(WorkflowMapTest.nodes(spark, "n0"))
        .isEqualTo(WorkflowMapTest.nodes(direct, "n0"))
        .isEqualTo(new org.flytebeam.exec.NodeCounts(7, 6, 1, 0));
    assertThat(failed.success()).isFalse();
    assertThat(failed.error().orElseThrow())
        .contains("[2]: n0 (sh_square): ")
        .contains("x must not be three");
  }

  @Test
  void aMapOverALaunchPlanMappingAnotherLaunchPlanGivesTheSameOutputsOnBothRunners() {
    WorkflowResult direct =
        WorkflowMapNestingTest.lpOfLps(Criteria.ratio(0.6f), RunOptions.defaults());
    WorkflowResult spark = WorkflowMapNestingTest.lpOfLps(Criteria.ratio(0.6f), SPARK);

    assertThat(direct.success()).as(String.valueOf(direct.error())).isTrue();
    assertSame(direct, spark);
    assertThat(WorkflowMapTest.outputs(spark)).isEqualTo(WorkflowMapNestingTest.LP_OF_LPS);
    assertThat(WorkflowMapTest.nodes(spark, "n0"))
        .isEqualTo(WorkflowMapTest.nodes(direct, "n0"))
        .isEqualTo(new org.flytebeam.exec.NodeCounts(12, 8, 4, 0));
  }

  @Test
  void anInnerMapsItemsRunAtOnceWithinTheirBoundInsideAnExecutorsElement() {
    WorkflowResult direct =
        WorkflowMapNestingTest.innerTimedRun(Optional.of(2), RunOptions.defaults());
    TestTasks.reset();
    WorkflowResult spark = WorkflowMapNestingTest.innerTimedRun(Optional.of(2), SPARK);

    assertThat(spark.success()).as(String.valueOf(spark.error())).isTrue();
    assertSame(direct, spark);
    assertThat(TestTasks.INTERVALS).hasSize(5);
    assertThat(WorkflowMapNestingTest.peak(TestTasks.INTERVALS)).isBetween(1, 2);
  }

  @Test
  void parallelismOneHoldsOnSpark() {
    TestTasks.reset();
    WorkflowResult spark = WorkflowMapTest.timed(Optional.of(1), SPARK);

    assertThat(spark.success()).as(String.valueOf(spark.error())).isTrue();
    assertThat(TestTasks.INTERVALS).hasSize(4);
    WorkflowMapTest.assertNoOverlap(TestTasks.INTERVALS);
  }

  /** Runs {@code run} on Spark local[2] in-worker, then lifted, each with a cache of its own. */
  private static List<WorkflowResult> bothWaysOnSpark(
      java.nio.file.Path dir, java.util.function.Function<RunOptions, WorkflowResult> run) {
    List<WorkflowResult> results = new java.util.ArrayList<>();
    for (boolean lift : List.of(false, true)) {
      RunOptions options = SPARK.withCacheDir(dir.resolve("cache-" + lift).toString());
      WorkflowEngine.liftNestedMaps = lift;
      try {
        results.add(run.apply(options));
      } finally {
        WorkflowEngine.liftNestedMaps = true;
      }
    }
    return results;
  }

  @Test
  void nestedMapsGiveTheSameResultLiftedAndInTheWorkersOnSpark(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    List<List<WorkflowResult>> cases =
        List.of(
            bothWaysOnSpark(dir.resolve("nested"), WorkflowMapTest::nested),
            bothWaysOnSpark(
                dir.resolve("lp-of-lps"),
                o -> WorkflowMapNestingTest.lpOfLps(Criteria.ratio(0.6f), o)),
            bothWaysOnSpark(
                dir.resolve("wrapped"),
                o ->
                    WorkflowMapLiftIT.wrappedRun(
                        flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy
                            .FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
                        o.withCacheMode(org.flytebeam.cache.CacheMode.DISABLED))));

    for (List<WorkflowResult> both : cases) {
      assertThat(WorkflowMapLiftIT.seen(both.get(1)))
          .isEqualTo(WorkflowMapLiftIT.seen(both.get(0)));
    }
    assertThat(WorkflowMapTest.outputs(cases.get(1).get(1)))
        .isEqualTo(WorkflowMapNestingTest.LP_OF_LPS);
  }
}

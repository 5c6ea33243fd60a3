package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same workflows give the same outputs, node outcomes and errors on the DirectRunner and on
 * Spark {@code local[2]}: a map then a reducer beside an independent node; a sub-workflow, a launch
 * plan with a fixed input, a sleep and a branch (its case taken, and its else_fail).
 */
class WorkflowSparkDifferentialIT {
  private static final RunOptions SPARK =
      RunOptions.defaults().withRunner(RunnerKind.SparkRunner).withSparkMaster("local[2]");

  private static void assertSame(WorkflowResult direct, WorkflowResult spark) {
    assertThat(spark.success()).isEqualTo(direct.success());
    assertThat(spark.outputs()).isEqualTo(direct.outputs());
    assertThat(spark.error()).isEqualTo(direct.error());
    assertThat(outcomes(spark)).isEqualTo(outcomes(direct));
  }

  /** Each node's path and status, in path order (the order nodes end in is the machine's). */
  private static List<String> outcomes(WorkflowResult r) {
    return r.nodes().stream().map(n -> n.path() + " " + n.status()).sorted().toList();
  }

  @Test
  void aMapThenAReducerGivesTheSameOutputsOnBothRunners() {
    var pkg =
        WorkflowEngineTest.workflow(WorkflowEngineTest.SQUARE, OnFailurePolicy.FAIL_IMMEDIATELY);

    WorkflowResult direct = WorkflowEngineTest.run(pkg, RunOptions.defaults());
    WorkflowResult spark = WorkflowEngineTest.run(pkg, SPARK);

    assertThat(direct.success()).as(direct.error().toString()).isTrue();
    assertSame(direct, spark);
  }

  @Test
  void subWorkflowsLaunchPlansAndBranchesGiveTheSameOutputsOnBothRunners() {
    WorkflowResult direct = WorkflowEngineTest.nested(2, RunOptions.defaults());
    WorkflowResult spark = WorkflowEngineTest.nested(2, SPARK);
    WorkflowResult directFails = WorkflowEngineTest.nested(100, RunOptions.defaults());
    WorkflowResult sparkFails = WorkflowEngineTest.nested(100, SPARK);

    assertThat(direct.success()).as(direct.error().toString()).isTrue();
    assertSame(direct, spark);
    assertThat(directFails.success()).isFalse();
    assertSame(directFails, sparkFails);
  }
}

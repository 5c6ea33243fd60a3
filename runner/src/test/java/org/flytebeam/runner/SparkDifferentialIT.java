package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.LiteralMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.flytebeam.beam.MapResult;
import org.flytebeam.examples.FailOnTwo;
import org.flytebeam.examples.FormatAbc;
import org.flytebeam.examples.Multiply;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/** The same definitions give the same results, element by element, on Direct and Spark local[2]. */
class SparkDifferentialIT {

  private record Case(String name, MapTaskSpec spec, LiteralMap inputs) {}

  private static List<Case> cases() {
    long[] mixed = new long[500];
    for (int i = 0; i < mixed.length; i++) {
      mixed[i] = i % 7 == 3 ? -i : i;
    }
    return List.of(
        new Case(
            "multiply",
            MapTask.of(new Multiply()).build(),
            LiteralMap.newBuilder()
                .putLiterals("a", Inputs.ints(1, 3, 5))
                .putLiterals("b", Inputs.ints(2, 4, 6))
                .putLiterals("c", Inputs.ints(7, 8, 9))
                .build()),
        new Case(
            "partial",
            MapTask.of(new FormatAbc())
                .bind("c", "c")
                .boundInputsValues(Map.of("c", Literals.of("d")))
                .build(),
            LiteralMap.newBuilder()
                .putLiterals("a", Inputs.ints(1, 2, 3))
                .putLiterals(
                    "b",
                    Literals.collection(
                        List.of(Literals.of(0.1), Literals.of(0.2), Literals.of(0.3))))
                .build()),
        new Case(
            "ratio",
            MapTask.of(new FailOnTwo()).minSuccessRatio(0.5f).build(),
            Inputs.of("x", Inputs.ints(1, 2, 3, 4))),
        // Fail fast aborts whichever elements had not started, which depends on scheduling: compare
        // a failing map with run_all_sub_nodes, where every element runs.
        new Case(
            "failing",
            MapTask.of(new FailOnTwo()).runAllSubNodes(true).build(),
            Inputs.of("x", Inputs.ints(1, 2, 3, 4))),
        new Case(
            "mixed-concurrency-3",
            MapTask.of(new TestTasks.Counted()).concurrency(3).minSuccessRatio(0.5f).build(),
            Inputs.of("x", Inputs.ints(mixed))),
        new Case(
            "retries",
            MapTask.of(new TestTasks.WhereAmI()).build(),
            Inputs.of("x", Inputs.range(40))));
  }

  static List<String> outcomes(MapResult result) {
    List<String> all = new ArrayList<>();
    for (Iterator<ElementOutcome> it = result.outcomes(); it.hasNext(); ) {
      ElementOutcome o = it.next();
      all.add(
          o.index() + " " + o.status() + " " + o.attempts() + " " + o.error() + " " + o.outputs());
    }
    return all;
  }

  @Test
  void shouldGiveIdenticalResultsOnTheDirectRunnerAndSparkLocal() {
    RunOptions spark =
        RunOptions.defaults().withRunner(RunnerKind.SparkRunner).withSparkMaster("local[2]");
    for (Case c : cases()) {
      MapResult direct = FlyteBeam.run(c.spec(), c.inputs(), RunOptions.defaults());
      MapResult onSpark = FlyteBeam.run(c.spec(), c.inputs(), spark);
      try {
        assertThat(onSpark.outputs()).as(c.name()).isEqualTo(direct.outputs());
        assertThat(onSpark.verdict()).as(c.name()).isEqualTo(direct.verdict());
        assertThat(outcomes(onSpark)).as(c.name()).isEqualTo(outcomes(direct));
      } finally {
        FlyteBeam.deleteLocalFolder(direct.plan().workDir());
        FlyteBeam.deleteLocalFolder(onSpark.plan().workDir());
      }
    }
  }

  @Test
  void shouldRunAtMostParallelismElementsAtOnceOnSpark() {
    RunOptions spark =
        RunOptions.defaults().withRunner(RunnerKind.SparkRunner).withSparkMaster("local[2]");
    long[] sleeps = new long[16];
    java.util.Arrays.fill(sleeps, 40);
    for (int parallelism : new int[] {1, 2}) {
      TestTasks.reset();
      MapResult result =
          FlyteBeam.run(
              MapTask.of(new TestTasks.Timed()).concurrency(parallelism).build(),
              Inputs.of("x", Inputs.ints(sleeps)),
              spark);
      FlyteBeam.deleteLocalFolder(result.plan().workDir());

      assertThat(TestTasks.INTERVALS).hasSize(16);
      assertThat(TestTasks.maxOverlap()).isBetween(1, parallelism);
    }
  }
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.beam.MapResult;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flyte's runtime semantics through the Java API, on the DirectRunner. */
class FlyteBeamTest {
  private final List<MapResult> results = new ArrayList<>();

  @BeforeEach
  void reset() {
    TestTasks.reset();
  }

  @AfterEach
  void cleanUp() {
    results.forEach(r -> FlyteBeam.deleteLocalFolder(r.plan().workDir()));
  }

  private MapResult run(MapTaskSpec spec, flyteidl.core.Literals.LiteralMap inputs) {
    MapResult result = FlyteBeam.run(spec, inputs, RunOptions.defaults());
    results.add(result);
    return result;
  }

  private static List<ElementOutcome> outcomes(MapResult result) {
    List<ElementOutcome> all = new ArrayList<>();
    for (Iterator<ElementOutcome> it = result.outcomes(); it.hasNext(); ) {
      all.add(it.next());
    }
    return all;
  }

  @Test
  void shouldRetryRecoverableFailuresAndReportAttempts() {
    MapResult result =
        run(MapTask.of(new TestTasks.Flaky()).build(), Inputs.of("x", Inputs.ints(5, 6, 7)));

    assertThat(result.success()).isTrue();
    assertThat(Inputs.plain(result.outputs(), "o0")).containsExactly(5L, 6L, 7L);
    assertThat(outcomes(result)).allSatisfy(o -> assertThat(o.attempts()).isEqualTo(2));
    assertThat(TestTasks.calls("test_flaky")).isEqualTo(6);
  }

  @Test
  void shouldSeeItsArrayIndexAndAttemptNumber() {
    MapResult result =
        run(MapTask.of(new TestTasks.WhereAmI()).build(), Inputs.of("x", Inputs.ints(9, 9, 9, 9)));

    assertThat(Inputs.plain(result.outputs(), "index")).containsExactly(0L, 1L, 2L, 3L);
    assertThat(Inputs.plain(result.outputs(), "attempt")).containsExactly(0L, 1L, 0L, 1L);
  }

  @Test
  void shouldTimeOutAnAttemptAndRetryItWithinTheBudget() {
    // 1000 ms sleeps time out at 300 ms twice (retries 1); 10 ms sleeps succeed.
    MapResult result =
        run(
            MapTask.of(new TestTasks.Sleepy()).minSuccessRatio(0.5f).build(),
            Inputs.of("x", Inputs.ints(10, 1000)));

    List<ElementOutcome> outcomes = outcomes(result);
    assertThat(outcomes.get(0).status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(outcomes.get(1).status()).isEqualTo(ElementStatus.TIMED_OUT);
    assertThat(outcomes.get(1).attempts()).isEqualTo(2);
    assertThat(outcomes.get(1).error()).contains("timed out");
    assertThat(result.success()).isTrue();
    assertThat(Inputs.plain(result.outputs(), "o0")).containsExactly(10L, null);
    assertThat(result.verdict().timedOut()).isEqualTo(1);
  }

  @Test
  void shouldRunAtMostParallelismElementsAtOnce() {
    long[] sleeps = new long[24];
    java.util.Arrays.fill(sleeps, 40);

    run(
        MapTask.of(new TestTasks.Timed()).concurrency(1).build(),
        Inputs.of("x", Inputs.ints(sleeps)));
    assertThat(TestTasks.INTERVALS).hasSize(24);
    assertThat(TestTasks.maxOverlap()).isEqualTo(1);

    TestTasks.reset();
    run(
        MapTask.of(new TestTasks.Timed()).concurrency(2).build(),
        Inputs.of("x", Inputs.ints(sleeps)));
    assertThat(TestTasks.INTERVALS).hasSize(24);
    assertThat(TestTasks.maxOverlap()).isBetween(1, 2);
  }

  @Test
  void shouldStopStartingElementsOnceSuccessIsImpossible() {
    long[] values = new long[2000];
    values[0] = -1; // fails at once; every element is required

    MapResult result =
        run(
            MapTask.of(new TestTasks.Counted()).concurrency(1).build(),
            Inputs.of("x", Inputs.ints(values)));

    assertThat(result.success()).isFalse();
    assertThat(result.verdict().failed()).isEqualTo(1);
    assertThat(result.verdict().aborted()).isEqualTo(1999);
    assertThat(TestTasks.calls("test_counted")).isEqualTo(1);
    assertThat(Inputs.plain(result.outputs(), "o0")).containsOnlyNulls();
  }

  @Test
  void shouldRunEveryElementWhenRunAllSubNodesIsSet() {
    long[] values = new long[200];
    values[0] = -1;

    MapResult result =
        run(
            MapTask.of(new TestTasks.Counted()).concurrency(1).runAllSubNodes(true).build(),
            Inputs.of("x", Inputs.ints(values)));

    assertThat(result.success()).isFalse();
    assertThat(TestTasks.calls("test_counted")).isEqualTo(200);
    assertThat(result.verdict().succeeded()).isEqualTo(199);
    assertThat(result.verdict().aborted()).isZero();
    assertThat(result.verdict().errors().format())
        .isEqualTo("[0]: IllegalStateException: negative: -1");
  }

  @Test
  void shouldFailAtOnceWhenMinSuccessesExceedsTheSize() {
    MapResult result =
        run(
            MapTask.of(new TestTasks.Counted()).minSuccesses(5).build(),
            Inputs.of("x", Inputs.ints(1, 2, 3, 4)));

    assertThat(result.success()).isFalse();
    assertThat(TestTasks.calls("test_counted")).isZero();
    assertThat(result.verdict().errors().format()).contains("min_successes [5]");
    assertThat(Inputs.plain(result.outputs(), "o0")).containsExactly(null, null, null, null);
  }

  @Test
  void shouldSucceedWithEmptyOutputsWhenTheInputsAreEmpty() {
    MapResult result =
        run(
            MapTask.of(new TestTasks.Counted()).minSuccesses(3).build(),
            Inputs.of("x", Inputs.ints()));

    assertThat(result.success()).isTrue();
    assertThat(Inputs.list(result.outputs(), "o0")).isEmpty();
    assertThat(TestTasks.calls("test_counted")).isZero();
  }

  @Test
  void shouldRejectUnequalLengthsBeforeRunningAnything() {
    MapTaskSpec spec = MapTask.of(new org.flytebeam.examples.Multiply()).build();
    flyteidl.core.Literals.LiteralMap inputs =
        flyteidl.core.Literals.LiteralMap.newBuilder()
            .putLiterals("a", Inputs.ints(1, 2, 3))
            .putLiterals("b", Inputs.ints(1, 2))
            .putLiterals("c", Inputs.ints(1, 2, 3))
            .build();

    assertThatThrownBy(() -> FlyteBeam.run(spec, inputs, RunOptions.defaults()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input arrays have different lengths: expecting '3' found '2'");
  }
}

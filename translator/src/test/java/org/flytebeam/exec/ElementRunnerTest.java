package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

class ElementRunnerTest {

  /** Fails with the given kinds in order, then succeeds; records the attempt numbers it saw. */
  static final class ScriptedInvoker implements ElementInvoker {
    final List<FailureKind> failures;
    final List<Integer> attempts = new ArrayList<>();

    ScriptedInvoker(FailureKind... failures) {
      this.failures = List.of(failures);
    }

    @Override
    public List<Literal> invoke(
        long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
        throws AttemptFailedException {
      attempts.add(attempt);
      if (attempt < failures.size()) {
        throw new AttemptFailedException(failures.get(attempt), "Boom: attempt " + attempt);
      }
      return List.of(Literals.of(index));
    }
  }

  private static RunControl control(boolean runAll) {
    return RunControl.forRun(UUID.randomUUID().toString(), 10, 10, runAll);
  }

  private static ElementOutcome run(ScriptedInvoker invoker, int retries) {
    return new ElementRunner(invoker, retries, Optional.empty(), control(true)).run(3, Map.of());
  }

  /** Counts one node execution per attempt, a failed node on a failed attempt. */
  static final class NodeCountingInvoker implements ElementInvoker {
    final ScriptedInvoker script;
    NodeCounts last = NodeCounts.none();

    NodeCountingInvoker(FailureKind... failures) {
      this.script = new ScriptedInvoker(failures);
    }

    @Override
    public List<Literal> invoke(
        long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
        throws AttemptFailedException {
      try {
        List<Literal> out = script.invoke(index, attempt, inputs, timeout);
        last = new NodeCounts(1, 1, 0, attempt);
        return out;
      } catch (AttemptFailedException e) {
        last = new NodeCounts(1, 0, 1, 0);
        throw e;
      }
    }

    @Override
    public NodeCounts takeNodeCounts() {
      NodeCounts counts = last;
      last = NodeCounts.none();
      return counts;
    }
  }

  @Test
  void shouldCarryTheNodeExecutionsOfEveryAttemptInTheOutcome() {
    NodeCountingInvoker succeeding = new NodeCountingInvoker(FailureKind.RECOVERABLE_USER);
    NodeCountingInvoker failing = new NodeCountingInvoker(FailureKind.NON_RECOVERABLE);

    ElementOutcome ok =
        new ElementRunner(succeeding, 1, Optional.empty(), control(true)).run(3, Map.of());
    ElementOutcome failed =
        new ElementRunner(failing, 1, Optional.empty(), control(true)).run(3, Map.of());

    assertThat(ok.status()).isEqualTo(ElementStatus.SUCCEEDED);
    // attempt 0: one node failed; attempt 1: one node succeeded, one cache hit
    assertThat(ok.nodes()).isEqualTo(new NodeCounts(2, 1, 1, 1));
    assertThat(failed.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(failed.nodes()).isEqualTo(new NodeCounts(1, 0, 1, 0));
    assertThat(run(new ScriptedInvoker(), 0).nodes()).isEqualTo(NodeCounts.none());
  }

  @Test
  void shouldNeverRetryWhenTheFailureIsNonRecoverable() {
    ScriptedInvoker invoker = new ScriptedInvoker(FailureKind.NON_RECOVERABLE);

    ElementOutcome outcome = run(invoker, 5);

    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.error()).isEqualTo("Boom: attempt 0");
    assertThat(outcome.outputs()).isEmpty();
  }

  @Test
  void shouldRetryRecoverableUserFailuresUpToTheRetries() {
    ScriptedInvoker invoker =
        new ScriptedInvoker(
            FailureKind.RECOVERABLE_USER,
            FailureKind.RECOVERABLE_USER,
            FailureKind.RECOVERABLE_USER);

    ElementOutcome outcome = run(invoker, 2);

    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(invoker.attempts).containsExactly(0, 1, 2);
    assertThat(outcome.error()).isEqualTo("Boom: attempt 2");
  }

  @Test
  void shouldSucceedOnTheSecondAttemptWhenTheFirstWasRecoverable() {
    ScriptedInvoker invoker = new ScriptedInvoker(FailureKind.RECOVERABLE_USER);

    ElementOutcome outcome = run(invoker, 1);

    assertThat(outcome.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(outcome.outputs()).containsExactly(Literals.of(3L));
  }

  @Test
  void shouldGiveSystemFailuresABudgetOfTheirOwnWhenUserRetriesAreZero() {
    ScriptedInvoker invoker =
        new ScriptedInvoker(
            FailureKind.RECOVERABLE_SYSTEM,
            FailureKind.RECOVERABLE_SYSTEM,
            FailureKind.RECOVERABLE_SYSTEM);

    ElementOutcome outcome = run(invoker, 0);

    assertThat(outcome.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(invoker.attempts).containsExactly(0, 1, 2, 3);
  }

  @Test
  void shouldFailAfterFourSystemFailures() {
    ScriptedInvoker invoker =
        new ScriptedInvoker(
            FailureKind.RECOVERABLE_SYSTEM, FailureKind.RECOVERABLE_SYSTEM,
            FailureKind.RECOVERABLE_SYSTEM, FailureKind.RECOVERABLE_SYSTEM);

    ElementOutcome outcome = run(invoker, 0);

    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.attempts()).isEqualTo(4);
  }

  @Test
  void shouldReportTimedOutWhenTheLastAttemptTimedOut() {
    ScriptedInvoker invoker = new ScriptedInvoker(FailureKind.TIMED_OUT, FailureKind.TIMED_OUT);

    ElementOutcome outcome = run(invoker, 1);

    assertThat(outcome.status()).isEqualTo(ElementStatus.TIMED_OUT);
    assertThat(outcome.attempts()).isEqualTo(2);
  }

  @Test
  void shouldAbortWithoutRunningWhenTheMapCanNoLongerSucceed() {
    RunControl control = RunControl.forRun(UUID.randomUUID().toString(), 4, 4, false);
    control.finished(0, ElementStatus.FAILED);
    ScriptedInvoker invoker = new ScriptedInvoker();

    ElementOutcome outcome =
        new ElementRunner(invoker, 0, Optional.empty(), control).run(1, Map.of());

    assertThat(control.stopped()).isTrue();
    assertThat(outcome.status()).isEqualTo(ElementStatus.ABORTED);
    assertThat(invoker.attempts).isEmpty();
  }

  @Test
  void shouldCountAnIndexOnceWhenItsFailureIsReportedTwice() {
    RunControl control = RunControl.forRun(UUID.randomUUID().toString(), 4, 2, false);

    control.finished(1, ElementStatus.FAILED);
    control.finished(1, ElementStatus.FAILED);

    assertThat(control.stopped()).isFalse();
    control.finished(2, ElementStatus.TIMED_OUT);
    assertThat(control.stopped()).isFalse();
    control.finished(3, ElementStatus.FAILED);
    assertThat(control.stopped()).isTrue();
  }

  @Test
  void shouldNeverStopWhenRunAllSubNodesIsSet() {
    RunControl control = RunControl.forRun(UUID.randomUUID().toString(), 2, 2, true);

    control.finished(0, ElementStatus.FAILED);
    control.finished(1, ElementStatus.FAILED);

    assertThat(control.stopped()).isFalse();
  }

  @Test
  void shouldKeepEachFailedAttemptWithTheStackTraceOfItsCause() {
    // given: a task that fails recoverably twice with an exception of its own, then succeeds
    ElementInvoker invoker =
        new ElementInvoker() {
          @Override
          public List<Literal> invoke(
              long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
              throws AttemptFailedException {
            if (attempt < 2) {
              IllegalStateException cause = new IllegalStateException("flaky " + attempt);
              throw new AttemptFailedException(
                  FailureKind.RECOVERABLE_USER, "IllegalStateException: flaky " + attempt, cause);
            }
            return List.of(Literals.of(index));
          }
        };

    // when
    ElementOutcome outcome =
        new ElementRunner(invoker, 3, Optional.empty(), control(true)).run(3, Map.of());

    // then: the success keeps its history; the traces start at the task's exception and leave
    // out the runner's frames beneath it
    assertThat(outcome.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(outcome.failedAttempts())
        .extracting(AttemptError::attempt, AttemptError::error)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "IllegalStateException: flaky 0"),
            org.assertj.core.groups.Tuple.tuple(2, "IllegalStateException: flaky 1"));
    assertThat(outcome.failedAttempts().get(0).stackTrace())
        .startsWith("java.lang.IllegalStateException: flaky 0\n")
        .contains("at org.flytebeam.exec.ElementRunnerTest$")
        .doesNotContain("at org.flytebeam.exec.ElementRunner.run(");
  }

  @Test
  void shouldKeepOnlyTheLastAttemptsWhenAnElementFailsManyTimes() {
    ScriptedInvoker many =
        new ScriptedInvoker(
            java.util.Collections.nCopies(9, FailureKind.RECOVERABLE_USER)
                .toArray(new FailureKind[0]));

    ElementOutcome outcome = run(many, 8);

    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.attempts()).isEqualTo(9);
    assertThat(outcome.failedAttempts())
        .extracting(AttemptError::attempt)
        .containsExactly(5, 6, 7, 8, 9);
  }
}

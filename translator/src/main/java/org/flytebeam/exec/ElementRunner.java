package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Literal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one element to its terminal state: attempts, retries by failure kind, and the run's
 * fail-fast signal between attempts.
 *
 * <p>Budgets (SPEC section 3): a non-recoverable failure ends the element at once; recoverable user
 * failures and timeouts get {@code retries} more attempts; recoverable system failures draw on a
 * budget of their own.
 */
public final class ElementRunner {
  /** Flyte's default budget for recoverable system failures. */
  public static final int SYSTEM_RETRIES = 3;

  private final ElementInvoker invoker;
  private final int retries;
  private final Optional<Duration> timeout;
  private final RunControl control;

  public ElementRunner(
      ElementInvoker invoker, int retries, Optional<Duration> timeout, RunControl control) {
    this.invoker = requireNonNull(invoker, "invoker");
    this.retries = retries;
    this.timeout = requireNonNull(timeout, "timeout");
    this.control = requireNonNull(control, "control");
  }

  public ElementOutcome run(long index, Map<String, Literal> inputs) {
    long startMillis = System.currentTimeMillis();
    long startNanos = System.nanoTime();
    int attempt = 0;
    int userFailures = 0;
    int systemFailures = 0;
    // Made at the first failure: most elements have none.
    Deque<AttemptError> failures = null;
    // The node executions inside a workflow element, over its attempts.
    NodeCounts nodes = NodeCounts.none();
    while (true) {
      if (control.stopped()) {
        return attempt == 0
            ? ElementOutcome.aborted(index)
            : outcome(
                index,
                ElementStatus.ABORTED,
                attempt,
                startMillis,
                startNanos,
                "aborted: the map could no longer succeed",
                List.of(),
                failures,
                nodes);
      }
      try {
        List<Literal> outputs;
        try {
          outputs = invoker.invoke(index, attempt, inputs, timeout);
        } finally {
          nodes = nodes.plus(invoker.takeNodeCounts());
        }
        return outcome(
            index,
            ElementStatus.SUCCEEDED,
            attempt + 1,
            startMillis,
            startNanos,
            "",
            outputs,
            failures,
            nodes);
      } catch (AttemptFailedException e) {
        attempt++;
        String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (failures == null) {
          failures = new ArrayDeque<>(AttemptError.MAX_KEPT);
        }
        if (failures.size() == AttemptError.MAX_KEPT) {
          failures.removeFirst();
        }
        failures.addLast(new AttemptError(attempt, error, AttemptError.traceOf(e.getCause())));
        boolean terminal;
        switch (e.kind()) {
          case NON_RECOVERABLE:
            terminal = true;
            break;
          case RECOVERABLE_USER:
          case TIMED_OUT:
            terminal = ++userFailures > retries;
            break;
          case RECOVERABLE_SYSTEM:
            terminal = ++systemFailures > SYSTEM_RETRIES;
            break;
          default:
            throw new AssertionError(e.kind());
        }
        if (terminal) {
          ElementStatus status =
              e.kind() == FailureKind.TIMED_OUT ? ElementStatus.TIMED_OUT : ElementStatus.FAILED;
          return outcome(
              index, status, attempt, startMillis, startNanos, error, List.of(), failures, nodes);
        }
      }
    }
  }

  private static ElementOutcome outcome(
      long index,
      ElementStatus status,
      int attempts,
      long startMillis,
      long startNanos,
      String error,
      List<Literal> outputs,
      Deque<AttemptError> failures, // null: no attempt failed
      NodeCounts nodes) {
    long durationMillis = (System.nanoTime() - startNanos) / 1_000_000;
    return new ElementOutcome(
        index,
        status,
        attempts,
        startMillis,
        durationMillis,
        error,
        outputs,
        false,
        failures == null ? List.of() : List.copyOf(failures),
        nodes);
  }
}

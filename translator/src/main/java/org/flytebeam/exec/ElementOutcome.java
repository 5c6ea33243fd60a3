package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Literal;
import java.io.Serializable;
import java.util.List;
import org.flytebeam.exec.process.TaskText;

/**
 * What became of one element: its status, how many attempts it took, when it started, how long it
 * ran, the error of its last attempt (control characters escaped, see {@link TaskText}), its
 * outputs in the sub-task's output order (empty unless it succeeded), whether those outputs came
 * from the element cache (then it made no attempt), and its failed attempts (the last {@link
 * AttemptError#MAX_KEPT}, with the stack traces of Java tasks), and, for an element that runs a
 * whole workflow, the node executions inside it ({@link NodeCounts#none()} otherwise).
 */
public record ElementOutcome(
    long index,
    ElementStatus status,
    int attempts,
    long startEpochMillis,
    long durationMillis,
    String error,
    List<Literal> outputs,
    boolean cacheHit,
    List<AttemptError> failedAttempts,
    NodeCounts nodes)
    implements Serializable {

  public ElementOutcome {
    requireNonNull(status, "status");
    requireNonNull(nodes, "nodes");
    // A task's own text: shown in error lines, the report and the summary, never raw.
    error = TaskText.escape(requireNonNull(error, "error"));
    outputs = List.copyOf(outputs);
    failedAttempts = List.copyOf(failedAttempts);
  }

  /** An outcome without node executions inside it (the element of a task map). */
  public ElementOutcome(
      long index,
      ElementStatus status,
      int attempts,
      long startEpochMillis,
      long durationMillis,
      String error,
      List<Literal> outputs,
      boolean cacheHit,
      List<AttemptError> failedAttempts) {
    this(
        index,
        status,
        attempts,
        startEpochMillis,
        durationMillis,
        error,
        outputs,
        cacheHit,
        failedAttempts,
        NodeCounts.none());
  }

  /** This outcome with {@code nodes} as the node executions inside the element. */
  public ElementOutcome withNodes(NodeCounts nodes) {
    return new ElementOutcome(
        index,
        status,
        attempts,
        startEpochMillis,
        durationMillis,
        error,
        outputs,
        cacheHit,
        failedAttempts,
        nodes);
  }

  /** An outcome without a record of failed attempts. */
  public ElementOutcome(
      long index,
      ElementStatus status,
      int attempts,
      long startEpochMillis,
      long durationMillis,
      String error,
      List<Literal> outputs,
      boolean cacheHit) {
    this(
        index,
        status,
        attempts,
        startEpochMillis,
        durationMillis,
        error,
        outputs,
        cacheHit,
        List.of());
  }

  /** The stack trace of the last failed attempt (a Java task's exception), or {@code ""}. */
  public String stackTrace() {
    return failedAttempts.isEmpty()
        ? ""
        : failedAttempts.get(failedAttempts.size() - 1).stackTrace();
  }

  /** An outcome of an element that ran (not a cache hit). */
  public ElementOutcome(
      long index,
      ElementStatus status,
      int attempts,
      long startEpochMillis,
      long durationMillis,
      String error,
      List<Literal> outputs) {
    this(index, status, attempts, startEpochMillis, durationMillis, error, outputs, false);
  }

  public static ElementOutcome aborted(long index) {
    return new ElementOutcome(
        index,
        ElementStatus.ABORTED,
        0,
        0,
        0,
        "aborted: the map could no longer succeed",
        List.of());
  }
}

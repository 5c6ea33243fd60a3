package org.flytebeam.runner;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.LiteralMap;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.flytebeam.beam.MapVerdict;

/**
 * The result of {@link FlyteBeam#runWorkflow}: the workflow's outputs (when it succeeded), each
 * node's outcome in the order the nodes ended, and the first failure.
 *
 * @param success whether every node that ran succeeded and the outputs are bound
 * @param outputs the workflow's outputs; empty when it failed
 * @param nodes every node's outcome, nodes of sub-workflows and branches named by their path
 *     ({@code parent/child})
 * @param error the failure that failed the run, naming its node; empty when it succeeded
 * @param warnings what the run could not honour (task node overrides a local process ignores)
 */
public record WorkflowResult(
    boolean success,
    LiteralMap outputs,
    List<NodeOutcome> nodes,
    Optional<String> error,
    List<String> warnings) {

  public WorkflowResult {
    requireNonNull(outputs, "outputs");
    nodes = List.copyOf(nodes);
    requireNonNull(error, "error");
    warnings = List.copyOf(warnings);
  }

  /** How a node ended. */
  public enum Status {
    SUCCEEDED,
    FAILED,
    /** It did not run: an upstream node failed, or the run was aborted. */
    SKIPPED,
    /** It was running when another node's failure aborted its workflow (FAIL_IMMEDIATELY). */
    ABORTED
  }

  /**
   * One node's outcome.
   *
   * @param path the node's id, prefixed by the ids of the nodes it is inside
   * @param status how it ended
   * @param started when it started (its inputs resolved); {@code null}-free: skipped nodes carry
   *     the time they were skipped
   * @param ended when it ended
   * @param error why it failed or was aborted; empty otherwise
   * @param elements for a map (an array node, a legacy map task) that ran: its elements' counts and
   *     the verdict of its success criteria
   */
  public record NodeOutcome(
      String path,
      Status status,
      Instant started,
      Instant ended,
      Optional<String> error,
      Optional<MapVerdict> elements) {
    public NodeOutcome {
      requireNonNull(path, "path");
      requireNonNull(status, "status");
      requireNonNull(started, "started");
      requireNonNull(ended, "ended");
      requireNonNull(error, "error");
      requireNonNull(elements, "elements");
    }

    /** A node that ran no map. */
    public NodeOutcome(
        String path, Status status, Instant started, Instant ended, Optional<String> error) {
      this(path, status, started, ended, error, Optional.empty());
    }
  }
}

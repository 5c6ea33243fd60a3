package org.flytebeam.runner;

import java.util.Optional;
import org.flytebeam.beam.MapRunPlan;

/**
 * What a workflow run tells as it goes, for its progress: nodes starting and ending, and the plans
 * of the maps they run (whose {@link org.flytebeam.exec.RunProgress} counts their elements). Called
 * from the engine's node threads.
 */
interface WorkflowObserver {
  /** Tells nothing. */
  WorkflowObserver NONE = new WorkflowObserver() {};

  /** What the run cannot honour, once, before the first node starts. */
  default void warnings(java.util.List<String> warnings) {}

  /** Node {@code path} starts (its upstream nodes succeeded). */
  default void nodeStarted(String path) {}

  /** Node {@code path} runs the map {@code plan}, before any of its elements runs. */
  default void mapStarted(String path, MapRunPlan plan) {}

  /** A node ended (or was skipped). */
  default void nodeEnded(WorkflowResult.NodeOutcome outcome) {}

  /** The run's Spark context is up, as {@link RunObserver#sparkStarted}. */
  default void sparkStarted(String master, String applicationId, Optional<String> uiUrl) {}
}

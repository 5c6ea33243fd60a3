package org.flytebeam.runner;

import java.util.Optional;
import org.flytebeam.beam.MapRunPlan;

/** Told of a run as it starts, before any element runs: to follow it (progress) or to record it. */
@FunctionalInterface
public interface RunObserver {
  /** The run's plan: its id names its {@link org.flytebeam.exec.RunProgress} in this JVM. */
  void started(MapRunPlan plan);

  /**
   * The SparkRunner's context is up (made by this run or reused): its master, application id and
   * the Spark UI's URL (empty when the UI is off).
   */
  default void sparkStarted(String master, String applicationId, Optional<String> uiUrl) {}

  /**
   * The run entered a phase before its elements run (starting the runner, indexing the inputs given
   * by reference) or after them (writing the outputs), in words.
   */
  default void phase(String description) {}
}

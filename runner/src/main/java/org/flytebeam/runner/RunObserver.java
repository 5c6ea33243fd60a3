package org.flytebeam.runner;

import org.flytebeam.beam.MapRunPlan;

/** Told of a run as it starts, before any element runs: to follow it (progress) or to record it. */
@FunctionalInterface
public interface RunObserver {
  /** The run's plan: its id names its {@link org.flytebeam.exec.RunProgress} in this JVM. */
  void started(MapRunPlan plan);

  /**
   * The run entered a phase before its elements run (starting the runner, indexing the inputs given
   * by reference) or after them (writing the outputs), in words.
   */
  default void phase(String description) {}
}

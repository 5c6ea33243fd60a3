package org.flytebeam.runner;

/** Where the pipeline runs. */
public enum RunnerKind {
  /** Beam's DirectRunner, embedded: no setup. */
  DirectRunner,
  /** Beam's classic SparkRunner: {@code local[N]} or a {@code spark://} cluster. */
  SparkRunner
}

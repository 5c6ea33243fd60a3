package org.flytebeam.runner;

import java.util.Locale;
import org.flytebeam.InvalidDefinitionException;

/** Where the pipeline runs. */
public enum RunnerKind {
  /** Beam's DirectRunner, embedded: no setup. */
  DirectRunner,
  /** Beam's classic SparkRunner: {@code local[N]} or a {@code spark://} cluster. */
  SparkRunner;

  /**
   * A runner as Beam spells it, in any case: {@code DirectRunner} or {@code direct}, {@code
   * SparkRunner} or {@code spark} (Beam's own {@code --runner} takes the short names too).
   *
   * @throws InvalidDefinitionException naming the runners there are
   */
  public static RunnerKind parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    if (key.endsWith("runner")) {
      key = key.substring(0, key.length() - "runner".length());
    }
    int dot = key.lastIndexOf('.');
    if (dot >= 0) {
      // A class name, as Beam also takes: org.apache.beam.runners.spark.SparkRunner.
      key = key.substring(dot + 1);
    }
    switch (key) {
      case "direct":
        return DirectRunner;
      case "spark":
        return SparkRunner;
      default:
        throw new InvalidDefinitionException(
            "runner ["
                + name
                + "] is not one flyte-beam runs on: give DirectRunner (or direct) or SparkRunner (or"
                + " spark)");
    }
  }
}

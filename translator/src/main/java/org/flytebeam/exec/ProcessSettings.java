package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * How sub-tasks that run as processes are run on the workers.
 *
 * @param rawOutputPrefix where blob outputs and {@code {{.rawOutputDataPrefix}}} go, durably (a
 *     local folder or any URI Beam can write); empty: the {@code raw} folder of the run folder
 * @param processesPerWorker at most this many element processes running at once in one worker JVM,
 *     whatever the map's parallelism; 0: one per core
 */
public record ProcessSettings(String rawOutputPrefix, int processesPerWorker)
    implements Serializable {

  public ProcessSettings {
    requireNonNull(rawOutputPrefix, "rawOutputPrefix");
    if (processesPerWorker < 0) {
      throw new IllegalArgumentException(
          "processes per worker [" + processesPerWorker + "] must be >= 0 (0: one per core)");
    }
  }

  /** The raw folder of the run folder, one process per core. */
  public static ProcessSettings defaults() {
    return new ProcessSettings("", 0);
  }

  /** The process limit of one worker: {@link #processesPerWorker}, or its number of cores. */
  public int effectiveProcessesPerWorker() {
    return processesPerWorker > 0 ? processesPerWorker : Runtime.getRuntime().availableProcessors();
  }
}

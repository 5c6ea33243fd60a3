package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * How sub-tasks that run as processes are run on the workers.
 *
 * @param rawOutputPrefix where blob outputs and {@code {{.rawOutputDataPrefix}}} go, durably (a
 *     local folder or any URI Beam can write); empty: the {@code raw} folder of the run folder
 * @param processesPerWorker at most this many element processes running at once in one worker JVM,
 *     whatever the map's parallelism; 0: one per core
 * @param passEnv names of variables of the worker's environment passed on to every task process,
 *     beyond the allow-list ({@link org.flytebeam.exec.process.TaskEnvironment#ALLOWED})
 * @param secretsDir the folder holding the secrets tasks declare, as {@code <dir>/<group>/<key>}
 *     (it must be reachable at this path on every worker); empty: secrets come from the environment
 *     alone ({@code _FSEC_<GROUP>_<KEY>})
 * @param fastBundle the code bundle of fast-registered tasks (a {@code pyflyte package} archive's
 *     {@code fast*.tar.gz}), where every worker reads it: a local path when the workers run on this
 *     machine, else a path or URI in the run folder or wherever it was given; {@code {{
 *     .remote_package_path }}} renders to it (a worker-local copy of it). Empty: none given
 */
public record ProcessSettings(
    String rawOutputPrefix,
    int processesPerWorker,
    List<String> passEnv,
    String secretsDir,
    String fastBundle)
    implements Serializable {

  public ProcessSettings {
    requireNonNull(rawOutputPrefix, "rawOutputPrefix");
    passEnv = List.copyOf(passEnv);
    requireNonNull(secretsDir, "secretsDir");
    requireNonNull(fastBundle, "fastBundle");
    if (processesPerWorker < 0) {
      throw new IllegalArgumentException(
          "processes per worker [" + processesPerWorker + "] must be >= 0 (0: one per core)");
    }
  }

  /** Settings without a code bundle for fast-registered tasks. */
  public ProcessSettings(
      String rawOutputPrefix, int processesPerWorker, List<String> passEnv, String secretsDir) {
    this(rawOutputPrefix, processesPerWorker, passEnv, secretsDir, "");
  }

  /** Settings passing nothing of the environment beyond the allow-list, with no secrets folder. */
  public ProcessSettings(String rawOutputPrefix, int processesPerWorker) {
    this(rawOutputPrefix, processesPerWorker, List.of(), "");
  }

  /** The raw folder of the run folder, one process per core. */
  public static ProcessSettings defaults() {
    return new ProcessSettings("", 0);
  }

  /** These settings, {@code names} also passed on to task processes. Does not modify this. */
  public ProcessSettings withPassEnv(List<String> names) {
    return new ProcessSettings(rawOutputPrefix, processesPerWorker, names, secretsDir, fastBundle);
  }

  /** These settings with the secrets folder {@code dir}. Does not modify this. */
  public ProcessSettings withSecretsDir(String dir) {
    return new ProcessSettings(rawOutputPrefix, processesPerWorker, passEnv, dir, fastBundle);
  }

  /**
   * These settings with the code bundle of fast-registered tasks at {@code bundle} (a path or URI
   * every worker reads; empty: none). Does not modify this.
   */
  public ProcessSettings withFastBundle(String bundle) {
    return new ProcessSettings(rawOutputPrefix, processesPerWorker, passEnv, secretsDir, bundle);
  }

  /** The process limit of one worker: {@link #processesPerWorker}, or its number of cores. */
  public int effectiveProcessesPerWorker() {
    return processesPerWorker > 0 ? processesPerWorker : Runtime.getRuntime().availableProcessors();
  }
}

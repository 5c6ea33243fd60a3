package org.flytebeam.runner;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.cache.CacheMode;
import org.flytebeam.exec.ProcessSettings;

/**
 * How to run a map.
 *
 * @param runner the Beam runner
 * @param sparkMaster for the SparkRunner: {@code local[N]}, {@code local[*]} or {@code
 *     spark://host:port}; under {@code spark-submit} its {@code --master} wins
 * @param workDir the run folder (on any Beam FileSystems path every worker can reach); empty: a new
 *     temporary folder, removed after the run
 * @param beamArgs further Beam pipeline options ({@code --name=value})
 * @param process how sub-tasks that run as processes (containers) are run: where their blob outputs
 *     go, how many run at once per worker
 * @param jars the user's own jars (local files): put on the driver's context class loader for the
 *     run and, on Spark, staged to every executor
 * @param cacheDir the element cache's folder for a cacheable sub-task (any Beam FileSystems path
 *     every worker can reach); empty: {@code $XDG_CACHE_HOME/flyte-beam} (else {@code
 *     ~/.cache/flyte-beam}) on the DirectRunner and Spark {@code local[N]}, no cache on a cluster
 * @param cacheMode look up and store ({@code ENABLED}, the default), neither ({@code DISABLED}), or
 *     run every element and replace its entry ({@code OVERWRITE})
 * @param outputsDir where the workers write the outputs as sharded JSON Lines files (any Beam
 *     FileSystems path every worker can write), the result's outputs then being multipart blobs of
 *     them; empty: the driver assembles the outputs as lists in index order
 * @param sparkConf Spark settings ({@code spark.NAME} to value) for a context this run creates;
 *     they win over the {@code spark.*} system properties
 * @param overwriteOutputs whether an earlier run's shards and {@code outputs.pb} in {@code
 *     outputsDir} are removed (once this run's inputs are checked, before any element runs) rather
 *     than refused
 */
public record RunOptions(
    RunnerKind runner,
    String sparkMaster,
    Optional<String> workDir,
    List<String> beamArgs,
    ProcessSettings process,
    List<String> jars,
    Optional<String> cacheDir,
    CacheMode cacheMode,
    Optional<String> outputsDir,
    boolean overwriteOutputs,
    Map<String, String> sparkConf) {

  public RunOptions {
    requireNonNull(runner, "runner");
    requireNonNull(sparkMaster, "sparkMaster");
    // Local folders absolute before any use: a task process runs in a folder of its own, and a
    // worker may not share the driver's working folder, so a relative path means nothing there.
    workDir = requireNonNull(workDir, "workDir").map(RunOptions::absolute);
    beamArgs = List.copyOf(beamArgs);
    requireNonNull(process, "process");
    if (!process.rawOutputPrefix().isEmpty()) {
      process =
          new ProcessSettings(
              absolute(process.rawOutputPrefix()),
              process.processesPerWorker(),
              process.passEnv(),
              process.secretsDir());
    }
    jars = List.copyOf(jars);
    cacheDir = requireNonNull(cacheDir, "cacheDir").map(RunOptions::absolute);
    requireNonNull(cacheMode, "cacheMode");
    outputsDir = requireNonNull(outputsDir, "outputsDir").map(RunOptions::absolute);
    sparkConf = Collections.unmodifiableMap(new LinkedHashMap<>(sparkConf));
  }

  /** Without Spark settings: see {@link #withSparkConf}. */
  public RunOptions(
      RunnerKind runner,
      String sparkMaster,
      Optional<String> workDir,
      List<String> beamArgs,
      ProcessSettings process,
      List<String> jars,
      Optional<String> cacheDir,
      CacheMode cacheMode,
      Optional<String> outputsDir,
      boolean overwriteOutputs) {
    this(
        runner,
        sparkMaster,
        workDir,
        beamArgs,
        process,
        jars,
        cacheDir,
        cacheMode,
        outputsDir,
        overwriteOutputs,
        Map.of());
  }

  /**
   * A local path (or {@code file:} URI) as an absolute, normalized path; other URIs as given.
   *
   * @throws InvalidDefinitionException when it is empty
   */
  static String absolute(String folder) {
    String local = LiteralFiles.localPathOf(folder);
    if (local.contains("://")) {
      return local;
    }
    if (local.isBlank()) {
      throw new InvalidDefinitionException(
          "a folder option is empty: give a folder, or leave the option out");
    }
    return java.nio.file.Path.of(local).toAbsolutePath().normalize().toString();
  }

  /** The embedded default: the DirectRunner, a temporary run folder. */
  public static RunOptions defaults() {
    return new RunOptions(
        RunnerKind.DirectRunner,
        "local[*]",
        Optional.empty(),
        List.of(),
        ProcessSettings.defaults(),
        List.of(),
        Optional.empty(),
        CacheMode.ENABLED,
        Optional.empty(),
        false);
  }

  public RunOptions withRunner(RunnerKind runner) {
    return copy(c -> c.runner = runner);
  }

  public RunOptions withSparkMaster(String sparkMaster) {
    return copy(c -> c.sparkMaster = sparkMaster);
  }

  public RunOptions withWorkDir(String workDir) {
    return copy(c -> c.workDir = Optional.of(workDir));
  }

  public RunOptions withBeamArgs(List<String> beamArgs) {
    return copy(c -> c.beamArgs = beamArgs);
  }

  public RunOptions withProcess(ProcessSettings process) {
    return copy(c -> c.process = process);
  }

  /**
   * Task processes also get the variables {@code names} of the worker's environment, beyond the
   * allow-list. Does not modify these options.
   */
  public RunOptions withPassEnv(List<String> names) {
    return withProcess(process.withPassEnv(names));
  }

  /**
   * Secrets tasks declare come from {@code dir} ({@code <dir>/<group>/<key>}), else from the
   * environment ({@code _FSEC_<GROUP>_<KEY>}). Does not modify these options.
   */
  public RunOptions withSecretsDir(String dir) {
    return withProcess(process.withSecretsDir(dir));
  }

  public RunOptions withJars(List<String> jars) {
    return copy(c -> c.jars = jars);
  }

  /** The element cache in {@code dir} (a cacheable sub-task's outputs, per element). */
  public RunOptions withCacheDir(String dir) {
    return copy(c -> c.cacheDir = Optional.of(dir));
  }

  /**
   * {@code DISABLED}: no lookup, no store; {@code OVERWRITE}: run every element, replace entries.
   */
  public RunOptions withCacheMode(CacheMode mode) {
    return copy(c -> c.cacheMode = mode);
  }

  /** Without an outputs folder: the outputs come back in memory (a workflow's inner nodes). */
  RunOptions withoutOutputsDir() {
    return copy(c -> c.outputsDir = Optional.empty());
  }

  /** Outputs as shards in {@code outputsDir}, see {@link #outputsDir()}. */
  public RunOptions withOutputsDir(String outputsDir) {
    return copy(c -> c.outputsDir = Optional.of(outputsDir));
  }

  /**
   * Outputs as shards in {@code outputsDir}, replacing an earlier run's shards there when {@code
   * overwrite}, see {@link #overwriteOutputs()}.
   */
  public RunOptions withOutputsDir(String outputsDir, boolean overwrite) {
    return copy(
        c -> {
          c.outputsDir = Optional.of(outputsDir);
          c.overwriteOutputs = overwrite;
        });
  }

  /** Spark settings for the context this run creates ({@code --conf spark.NAME=VALUE}). */
  public RunOptions withSparkConf(Map<String, String> sparkConf) {
    return copy(c -> c.sparkConf = sparkConf);
  }

  /**
   * The one path of every {@code withX}: these options with {@code change} applied, checked and
   * normalized again by the canonical constructor.
   */
  private RunOptions copy(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** A mutable copy of every component, for {@link #copy}. */
  private static final class Copy {
    RunnerKind runner;
    String sparkMaster;
    Optional<String> workDir;
    List<String> beamArgs;
    ProcessSettings process;
    List<String> jars;
    Optional<String> cacheDir;
    CacheMode cacheMode;
    Optional<String> outputsDir;
    boolean overwriteOutputs;
    Map<String, String> sparkConf;

    Copy(RunOptions o) {
      runner = o.runner;
      sparkMaster = o.sparkMaster;
      workDir = o.workDir;
      beamArgs = o.beamArgs;
      process = o.process;
      jars = o.jars;
      cacheDir = o.cacheDir;
      cacheMode = o.cacheMode;
      outputsDir = o.outputsDir;
      overwriteOutputs = o.overwriteOutputs;
      sparkConf = o.sparkConf;
    }

    RunOptions build() {
      return new RunOptions(
          runner,
          sparkMaster,
          workDir,
          beamArgs,
          process,
          jars,
          cacheDir,
          cacheMode,
          outputsDir,
          overwriteOutputs,
          sparkConf);
    }
  }
}

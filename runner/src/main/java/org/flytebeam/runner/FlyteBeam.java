package org.flytebeam.runner;

import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.beam.IndexRange;
import org.flytebeam.beam.MapResult;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.beam.MapTaskTransform;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.beam.Shard;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.OutputShards;
import org.flytebeam.spec.MapTaskSpec;

/**
 * Runs a map task on a Beam runner and returns its result.
 *
 * <pre>{@code
 * MapTaskSpec spec = MapTask.of(new SayHello()).build();
 * MapResult result = FlyteBeam.run(spec, inputs, RunOptions.defaults());
 * LiteralMap outputs = result.outputs();
 * }</pre>
 */
public final class FlyteBeam {
  /** Java 17 module openings Spark needs, for the driver and every executor. */
  public static final String SPARK_JAVA17_FLAGS =
      String.join(
          " ",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

  private FlyteBeam() {}

  /**
   * Runs {@code spec} over the workflow inputs {@code inputs}. The result's outcomes are read from
   * the run folder; with no folder given, a temporary one is left for the caller to remove ({@link
   * MapResult#plan()}{@code .workDir()}).
   */
  public static MapResult run(MapTaskSpec spec, LiteralMap inputs, RunOptions options) {
    return run(spec, inputs, options, plan -> {});
  }

  /**
   * As {@link #run(MapTaskSpec, LiteralMap, RunOptions)}, telling {@code observer} of the run's
   * plan once its inputs are checked, before any element runs (to follow its progress).
   */
  // The jars are installed on the thread's class loader for the try block's whole extent.
  @SuppressWarnings("try")
  public static MapResult run(
      MapTaskSpec spec, LiteralMap inputs, RunOptions options, RunObserver observer) {
    try (UserJars jars = UserJars.install(options.jars())) {
      return runWithJars(spec, inputs, options, observer);
    }
  }

  private static MapResult runWithJars(
      MapTaskSpec spec, LiteralMap inputs, RunOptions options, RunObserver observer) {
    observer.phase(
        "starting the "
            + options.runner()
            + (options.runner() == RunnerKind.SparkRunner
                ? " (" + SparkContexts.submittedMaster().orElse(options.sparkMaster()) + ")"
                : ""));
    PipelineOptions pipelineOptions = pipelineOptions(spec, options);
    FileSystems.setDefaultPipelineOptions(pipelineOptions);
    String runId = UUID.randomUUID().toString();
    // Each run has a folder of its own, so a reused --work-dir never mixes two runs' results.
    String workDir =
        options
            .workDir()
            .map(dir -> join(dir, "run-" + runId))
            .orElseGet(FlyteBeam::temporaryFolder);
    try (PipelineRuns runs = new PipelineRuns(pipelineOptions, options)) {
      MapRunPlan plan;
      try {
        MapRunPlan prepared =
            MapRunPlan.prepare(
                spec,
                inputs,
                workDir,
                runId,
                options.process(),
                pass -> {
                  // Inputs given by reference: the workers count their items first.
                  observer.phase("indexing the inputs given by reference");
                  Pipeline index = runs.create();
                  index.apply("IndexInputs", pass);
                  runs.run(index);
                });
        try {
          CacheChoice.Choice cache =
              CacheChoice.choose(spec.subTask(), options, localWorkers(options));
          plan =
              prepared
                  .withCache(cache.settings(), cache.warnings())
                  .withMaxLanes(maxLanes(options));
        } catch (RuntimeException e) {
          prepared.release();
          throw e;
        }
      } catch (RuntimeException e) {
        if (options.workDir().isEmpty()) {
          deleteLocalFolder(workDir);
        }
        throw e;
      }
      try {
        if (options.outputsDir().isEmpty()) {
          observer.started(plan);
          return runPlan(plan, runs);
        }
        String outputsDir = checkOutputsDir(options.outputsDir().get());
        MapRunPlan sharded = plan.withOutputsDir(outputsDir);
        observer.started(sharded);
        try {
          MapResult result = runPlan(sharded, runs);
          MapRunPlan.writeBytes(outputsFile(outputsDir), result.outputs().toByteArray());
          return result;
        } finally {
          OutputShards.removeTemporary(outputsDir);
        }
      } finally {
        plan.release();
      }
    }
  }

  /** Lanes per worker thread: enough that uneven elements still spread evenly over the threads. */
  static final int LANES_PER_WORKER_THREAD = 8;

  /**
   * At most how many lanes a map runs in: a few per worker thread where the threads are known (the
   * DirectRunner's, Spark {@code local[N]}'s); on a cluster, one per range.
   */
  static int maxLanes(RunOptions options) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (options.runner() == RunnerKind.DirectRunner) {
      return LANES_PER_WORKER_THREAD * Math.max(2, cores);
    }
    String master = SparkContexts.submittedMaster().orElse(options.sparkMaster());
    Matcher local = LOCAL_MASTER.matcher(master);
    if (!local.matches()) {
      return Integer.MAX_VALUE;
    }
    String threads = local.group(1);
    int n = threads == null ? 1 : threads.equals("*") ? cores : Integer.parseInt(threads);
    return LANES_PER_WORKER_THREAD * Math.max(1, n);
  }

  private static final Pattern LOCAL_MASTER =
      Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?");

  /** Whether the workers run on this machine: the DirectRunner, or Spark {@code local[N]}. */
  private static boolean localWorkers(RunOptions options) {
    return options.runner() == RunnerKind.DirectRunner
        || SparkContexts.isLocal(SparkContexts.submittedMaster().orElse(options.sparkMaster()));
  }

  private static MapResult runPlan(MapRunPlan plan, PipelineRuns runs) {
    if (plan.size() == 0) {
      // Empty lists: success at once, whatever the criteria.
      return MapResult.withoutRun(plan, new MapVerdict(0, 0, 0, 0, 0, 0, new ErrorGroups()));
    }
    if (plan.required() > plan.size()) {
      ErrorGroups errors = new ErrorGroups();
      String message =
          String.format(
              "min_successes [%d] is more than the number of elements [%d]: the map cannot succeed",
              plan.required(), plan.size());
      for (long i = 0; i < plan.size(); i++) {
        errors.add(i, message);
      }
      // No worker runs, so the driver writes the shards: every element none.
      plan.outputsDir()
          .ifPresent(
              dir -> {
                for (Shard shard : plan.shards()) {
                  for (IndexRange r : shard.ranges()) {
                    OutputShards.writeAborted(dir, r.start(), r.end(), plan.outputNames());
                  }
                }
              });
      return MapResult.withoutRun(
          plan, new MapVerdict(plan.size(), plan.required(), 0, 0, 0, plan.size(), errors));
    }
    Pipeline pipeline = runs.create();
    pipeline.apply("Map[" + plan.spec().name() + "]", MapTaskTransform.of(plan));
    runs.run(pipeline);
    return MapResult.read(plan);
  }

  /** {@code outputs.pb} in the outputs folder: the output LiteralMap of blobs, binary. */
  public static String outputsFile(String outputsDir) {
    return join(outputsDir, "outputs.pb");
  }

  /**
   * The outputs folder, checked writable and free of earlier shards before any element runs; a
   * local one absolute, as the blobs that refer to it must be.
   */
  private static String checkOutputsDir(String outputsDir) {
    String local = LiteralFiles.localPathOf(outputsDir);
    String dir = local.contains("://") ? local : Path.of(local).toAbsolutePath().toString();
    try {
      OutputShards.checkWritable(dir);
    } catch (IllegalArgumentException e) {
      throw new InvalidDefinitionException("--outputs-dir: " + e.getMessage(), e);
    }
    return dir;
  }

  /**
   * Makes Beam's {@link FileSystems} ready for the paths a run reads and writes before it starts
   * ({@code --definition}, {@code --inputs}, {@code --outputs}): local files, {@code hdfs://} (with
   * {@code HADOOP_CONF_DIR} or {@code --hdfsConfiguration}), {@code gs://}, and any file system
   * whose Beam module is on the class path or among the jars.
   */
  @SuppressWarnings("try") // The jars' file systems are registered while they are installed.
  public static void registerFileSystems(RunOptions options) {
    try (UserJars jars = UserJars.install(options.jars())) {
      FileSystems.setDefaultPipelineOptions(
          PipelineOptionsFactory.fromArgs(beamArgs(options)).create());
    } catch (IllegalArgumentException e) {
      throw new InvalidDefinitionException(
          "Beam options "
              + options.beamArgs()
              + " are invalid: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  static PipelineOptions pipelineOptions(MapTaskSpec spec, RunOptions options) {
    try {
      return pipelineOptions(spec, options, beamArgs(options));
    } catch (IllegalArgumentException e) {
      throw new InvalidDefinitionException(
          "Beam options "
              + options.beamArgs()
              + " are invalid: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static PipelineOptions pipelineOptions(
      MapTaskSpec spec, RunOptions options, String[] args) {
    switch (options.runner()) {
      case DirectRunner:
        {
          DirectOptions direct = PipelineOptionsFactory.fromArgs(args).as(DirectOptions.class);
          direct.setRunner(DirectRunner.class);
          direct.setBlockOnRun(true);
          direct.setTargetParallelism(Math.max(2, Runtime.getRuntime().availableProcessors()));
          return direct;
        }
      case SparkRunner:
        {
          SparkContextOptions spark =
              PipelineOptionsFactory.fromArgs(args).as(SparkContextOptions.class);
          spark.setRunner(SparkRunner.class);
          // Under spark-submit, its --master is the master (RunCommand refuses a different one).
          spark.setSparkMaster(SparkContexts.submittedMaster().orElse(options.sparkMaster()));
          // Never recompute an element because a cached collection was evicted.
          spark.setStorageLevel("MEMORY_AND_DISK");
          spark.setAppName("flyte-beam " + spec.name());
          spark.setEnableSparkMetricSinks(false);
          spark.setFilesToStage(SparkContexts.jarsToStage(spark, UserJars.check(options.jars())));
          return spark;
        }
      default:
        throw new AssertionError(options.runner());
    }
  }

  private static String[] beamArgs(RunOptions options) {
    for (String arg : options.beamArgs()) {
      // Beam answers --help by printing and exiting the JVM.
      if (arg.equals("--help") || arg.startsWith("--help=")) {
        throw new InvalidDefinitionException(
            "Beam option [" + arg + "] is not supported: see Beam's documentation for its options");
      }
    }
    return options.beamArgs().toArray(new String[0]);
  }

  private static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  private static String temporaryFolder() {
    try {
      return Files.createTempDirectory("flyte-beam-run-").toAbsolutePath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a run folder", e);
    }
  }

  /** Removes a local run folder and everything in it. */
  public static void deleteLocalFolder(String folder) {
    Path root = Path.of(folder);
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (var walk = Files.walk(root)) {
      walk.forEach(paths::add);
    } catch (IOException e) {
      return;
    }
    for (int i = paths.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(paths.get(i));
      } catch (IOException e) {
        // Best effort: a leftover temporary folder is harmless.
      }
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}

package org.flytebeam.runner;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.flytebeam.exec.AtomicFiles;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.OutputShards;
import org.flytebeam.exec.UserFolders;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.WorkflowCompiler;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.task.JavaTask;
import org.flytebeam.types.Literals;
import org.flytebeam.types.RecordCodec;

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

  /**
   * Maps {@code task} over {@code inputs}, one element per input record, and returns each element's
   * output record and outcome: the typed face of {@link #run}.
   *
   * <pre>{@code
   * TypedMapResult<Square.Output> result =
   *     FlyteBeam.map(new Square(), List.of(new Square.Input(2), new Square.Input(3)),
   *         map -> map.concurrency(4).minSuccessRatio(0.5f), RunOptions.defaults());
   * }</pre>
   *
   * <p>The task runs on the workers by its name, so it must be registered ({@code
   * META-INF/services/org.flytebeam.task.JavaTask}) on their class path or in {@code --jars}. The
   * outputs are held in memory: for big outputs use {@link #run} with {@link
   * RunOptions#withOutputsDir(String)}.
   *
   * @param settings the map's settings on the builder ({@code concurrency}, {@code
   *     minSuccessRatio}, {@code bind}...); an input bound there is taken from the binding, not
   *     from the records
   * @throws InvalidDefinitionException for invalid settings or options with an outputs folder
   */
  public static <I extends Record, O extends Record> TypedMapResult<O> map(
      JavaTask<I, O> task,
      List<I> inputs,
      java.util.function.UnaryOperator<MapTask> settings,
      RunOptions options) {
    if (options.outputsDir().isPresent()) {
      throw new InvalidDefinitionException(
          "FlyteBeam.map returns the outputs in memory: for an outputs folder use FlyteBeam.run");
    }
    MapTaskSpec spec = settings.apply(MapTask.of(task)).build();
    RecordCodec<I> inputCodec = RecordCodec.of(task.inputType());
    RecordCodec<O> outputCodec = RecordCodec.of(task.outputType());
    java.util.Set<String> given = spec.workflowInterface().getInputs().getVariablesMap().keySet();
    java.util.Map<String, List<Literal>> lists = new java.util.LinkedHashMap<>();
    given.forEach(name -> lists.put(name, new ArrayList<>(inputs.size())));
    for (I input : inputs) {
      java.util.Map<String, Literal> literals = inputCodec.toLiterals(input);
      lists.forEach((name, list) -> list.add(literals.get(name)));
    }
    LiteralMap.Builder workflowInputs = LiteralMap.newBuilder();
    lists.forEach((name, list) -> workflowInputs.putLiterals(name, Literals.collection(list)));
    MapResult result = run(spec, workflowInputs.build(), options);
    try {
      List<String> names = result.plan().outputNames();
      List<TypedMapResult.Element<O>> elements = new ArrayList<>(inputs.size());
      for (java.util.Iterator<ElementOutcome> it = result.outcomes(); it.hasNext(); ) {
        ElementOutcome o = it.next();
        Optional<O> output = Optional.empty();
        if (o.status().succeeded()) {
          java.util.Map<String, Literal> byName = new java.util.LinkedHashMap<>();
          for (int k = 0; k < names.size() && k < o.outputs().size(); k++) {
            byName.put(names.get(k), o.outputs().get(k));
          }
          output = Optional.of(outputCodec.fromLiterals(byName));
        }
        elements.add(
            new TypedMapResult.Element<>(
                o.index(),
                o.status(),
                output,
                o.attempts(),
                o.durationMillis(),
                o.status().succeeded() ? Optional.empty() : Optional.of(o.error()),
                o.cacheHit()));
      }
      return new TypedMapResult<>(result.success(), result.verdict().summary(), elements);
    } finally {
      if (options.workDir().isEmpty()) {
        deleteLocalFolder(result.plan().workDir());
      }
    }
  }

  /** {@link #map(JavaTask, List, java.util.function.UnaryOperator, RunOptions)} with defaults. */
  public static <I extends Record, O extends Record> TypedMapResult<O> map(
      JavaTask<I, O> task, List<I> inputs, RunOptions options) {
    return map(task, inputs, java.util.function.UnaryOperator.identity(), options);
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
            .map(dir -> join(dir, UserFolders.RUN_PREFIX + runId))
            .orElseGet(() -> temporaryFolder(runId));
    // A local run folder names its owner while the run runs: a killed run's is removed later.
    Optional<Path> owned =
        options.workDir().flatMap(dir -> claimLocalRunFolder(dir, workDir, runId));
    try {
      RunOptions placed;
      try {
        placed = FastBundles.place(options, localWorkers(options), workDir);
      } catch (RuntimeException e) {
        if (options.workDir().isEmpty()) {
          deleteLocalFolder(workDir);
        }
        throw e;
      }
      try (PipelineRuns runs = new PipelineRuns(pipelineOptions, placed, observer)) {
        return runInFolder(spec, inputs, placed, observer, runs, workDir, runId);
      }
    } finally {
      owned.ifPresent(UserFolders::release);
    }
  }

  /**
   * In a local {@code --work-dir}: removes the run folders of killed runs, and marks this run's as
   * owned by this process.
   */
  private static Optional<Path> claimLocalRunFolder(
      String workDir, String runFolder, String runId) {
    if (workDir.contains("://")) {
      return Optional.empty();
    }
    UserFolders.removeDead(Path.of(workDir));
    Path folder = Path.of(runFolder);
    try {
      UserFolders.claim(folder, runId);
    } catch (UncheckedIOException e) {
      throw new InfrastructureException(
          "--work-dir [" + workDir + "] cannot be written: " + rootMessage(e), e);
    }
    return Optional.of(folder);
  }

  private static MapResult runInFolder(
      MapTaskSpec spec,
      LiteralMap inputs,
      RunOptions options,
      RunObserver observer,
      PipelineRuns runs,
      String workDir,
      String runId) {
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
              },
              workersInThisJvm(options));
      try {
        CacheChoice.Choice cache =
            CacheChoice.choose(spec.subTask(), options, localWorkers(options));
        plan =
            prepared.withCache(cache.settings(), cache.warnings()).withMaxLanes(maxLanes(options));
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
      String outputsDir =
          claimOutputsDir(options.outputsDir().get(), runId, options.overwriteOutputs());
      try {
        MapRunPlan sharded = plan.withOutputsDir(outputsDir);
        observer.started(sharded);
        MapResult result = runPlan(sharded, runs);
        AtomicFiles.writeBytes(outputsFile(outputsDir), result.outputs().toByteArray());
        return result;
      } finally {
        OutputShards.removeTemporary(outputsDir);
        OutputShards.release(outputsDir, runId);
      }
    } finally {
      plan.release();
    }
  }

  /**
   * Runs one map of a workflow on the workflow's runner ({@code runs}), in its own folder {@code
   * workDir}: its outputs returned in memory, or, with {@code outputsDir}, written there as shards
   * and returned as references to them.
   */
  static MapResult runNode(
      MapTaskSpec spec,
      LiteralMap inputs,
      RunOptions options,
      PipelineRuns runs,
      String workDir,
      String runId,
      Optional<String> outputsDir,
      RunObserver observer) {
    RunOptions node =
        outputsDir.map(dir -> options.withOutputsDir(dir)).orElseGet(options::withoutOutputsDir);
    return runInFolder(spec, inputs, node, observer, runs, workDir, runId);
  }

  /**
   * Checks, before anything runs, that every map's sub-task can run here (a Java task is found, a
   * process's program is installed, its placeholders known), listing every problem at once.
   *
   * @return the warnings to say once, without repeats
   */
  static List<String> checkRunnable(java.util.Collection<MapTaskSpec> specs, RunOptions options) {
    java.util.Set<String> warnings = new java.util.LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    java.util.Set<String> checked = new java.util.HashSet<>();
    for (MapTaskSpec spec : specs) {
      if (!checked.add(spec.subTask().template().toString())) {
        continue;
      }
      try {
        warnings.addAll(
            org.flytebeam.exec.Invokers.checkRunnable(
                new org.flytebeam.exec.InvokerContext(
                    spec.subTask(),
                    spec.form(),
                    spec.dataMode(),
                    spec.name(),
                    "check",
                    "",
                    "",
                    options.process())));
      } catch (InvalidDefinitionException e) {
        for (String problem : e.problems()) {
          if (!problems.contains(problem)) {
            problems.add(problem);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return List.copyOf(warnings);
  }

  /** The folder of a run: in {@code --work-dir}, else a temporary one. */
  static String runFolder(RunOptions options, String runId) {
    return options
        .workDir()
        .map(dir -> join(dir, UserFolders.RUN_PREFIX + runId))
        .orElseGet(() -> temporaryFolder(runId));
  }

  /**
   * Runs the entity {@code entity} of {@code pkg} (a launch plan, a workflow, or a task run once)
   * over {@code inputs}, keyed by the entity's input names: every node on one runner, nodes that do
   * not wait for each other at the same time.
   *
   * <pre>{@code
   * FlytePackage pkg = PackageReader.read("wf.json", bytes);
   * WorkflowResult result = FlyteBeam.runWorkflow(pkg, "wf.map_then_reduce", inputs, options);
   * }</pre>
   *
   * @throws InvalidDefinitionException (before anything runs) for an invalid definition, a missing
   *     required input or an input the launch plan fixes
   */
  public static WorkflowResult runWorkflow(
      FlytePackage pkg, String entityName, LiteralMap inputs, RunOptions options) {
    return runWorkflow(pkg, pkg.select(Optional.of(entityName)), inputs, options);
  }

  /** As {@link #runWorkflow(FlytePackage, String, LiteralMap, RunOptions)}, the entity chosen. */
  public static WorkflowResult runWorkflow(
      FlytePackage pkg, FlytePackage.Entity entity, LiteralMap inputs, RunOptions options) {
    return runWorkflow(
        pkg, entity, WorkflowCompiler.compile(pkg, entity), inputs, options, WorkflowObserver.NONE);
  }

  static WorkflowResult runWorkflow(
      FlytePackage pkg,
      FlytePackage.Entity entity,
      ExecutionGraph graph,
      LiteralMap inputs,
      RunOptions given) {
    return runWorkflow(pkg, entity, graph, inputs, given, WorkflowObserver.NONE);
  }

  // The jars are installed on the thread's class loader for the try block's whole extent.
  @SuppressWarnings("try")
  static WorkflowResult runWorkflow(
      FlytePackage pkg,
      FlytePackage.Entity entity,
      ExecutionGraph graph,
      LiteralMap inputs,
      RunOptions given,
      WorkflowObserver observer) {
    LiteralMap workflowInputs = WorkflowInputs.of(entity, graph, inputs);
    List<String> warnings = new ArrayList<>();
    java.util.Map<String, MapTaskSpec> specs = WorkflowEngine.specs(graph, warnings);
    pkg.workflowsWithFailureNode(entity)
        .forEach(
            w ->
                warnings.add(
                    "the workflow ["
                        + w
                        + "] has a failure node (on_failure), which flyte-beam does not run yet:"
                        + " a failed run ends without it"));
    // Fast-registered tasks: the package's code bundle unless one is given; none at all is found
    // here, before any node runs.
    RunOptions options = FastBundles.withPackageBundle(given, pkg);
    FastBundles.requireBundle(options, specs);
    MapTaskSpec named = specs.isEmpty() ? null : specs.values().iterator().next();
    try (UserJars jars = UserJars.install(options.jars())) {
      warnings.addAll(checkRunnable(specs.values(), options));
      PipelineOptions pipelineOptions =
          named == null
              ? PipelineOptionsFactory.create()
              : pipelineOptions(named, options.withoutOutputsDir());
      FileSystems.setDefaultPipelineOptions(pipelineOptions);
      String runId = UUID.randomUUID().toString();
      String workDir = runFolder(options, runId);
      Optional<String> outputsDir =
          options.outputsDir().map(dir -> claimOutputsDir(dir, runId, options.overwriteOutputs()));
      Optional<Path> owned =
          options.workDir().flatMap(dir -> claimLocalRunFolder(dir, workDir, runId));
      java.util.concurrent.ExecutorService threads =
          java.util.concurrent.Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "flyte-beam-node");
                t.setDaemon(true);
                return t;
              });
      try {
        RunOptions placed = FastBundles.place(options, localWorkers(options), workDir);
        RunObserver spark =
            new RunObserver() {
              @Override
              public void started(MapRunPlan plan) {}

              @Override
              public void sparkStarted(String master, String applicationId, Optional<String> ui) {
                observer.sparkStarted(master, applicationId, ui);
              }
            };
        try (PipelineRuns runs = new PipelineRuns(pipelineOptions, placed, spark)) {
          WorkflowEngine engine =
              new WorkflowEngine(placed, runs, workDir, threads, specs, observer);
          observer.warnings(List.copyOf(new java.util.LinkedHashSet<>(warnings)));
          try {
            LiteralMap outputs = engine.run("", graph, workflowInputs);
            // As a map's: the outputs folder's outputs.pb, the workflow's output LiteralMap.
            outputsDir.ifPresent(
                dir -> AtomicFiles.writeBytes(outputsFile(dir), outputs.toByteArray()));
            return new WorkflowResult(true, outputs, engine.outcomes(), Optional.empty(), warnings);
          } catch (WorkflowEngine.NodeFailedException e) {
            return new WorkflowResult(
                false,
                LiteralMap.getDefaultInstance(),
                engine.outcomes(),
                Optional.of(e.getMessage()),
                warnings);
          }
        }
      } finally {
        threads.shutdownNow();
        outputsDir.ifPresent(dir -> OutputShards.release(dir, runId));
        owned.ifPresent(UserFolders::release);
        if (options.workDir().isEmpty()) {
          deleteLocalFolder(workDir);
        }
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

  /**
   * Whether every worker runs in this JVM: the DirectRunner, or Spark {@code local[N]} (not {@code
   * local-cluster}, whose executors are JVMs of their own).
   */
  static boolean workersInThisJvm(RunOptions options) {
    return options.runner() == RunnerKind.DirectRunner
        || LOCAL_MASTER
            .matcher(SparkContexts.submittedMaster().orElse(options.sparkMaster()))
            .matches();
  }

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
                    OutputShards.writeAborted(
                        dir, plan.runId(), r.start(), r.end(), plan.outputNames());
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
   * The outputs folder, claimed for run {@code runId} (no other run writes there while it runs),
   * checked writable and free of earlier shards before any element runs (with {@code overwrite}, an
   * earlier run's shards and outputs.pb removed first, once the folder is this run's); a local one
   * absolute, as the blobs that refer to it must be.
   */
  private static String claimOutputsDir(String outputsDir, String runId, boolean overwrite) {
    String local = LiteralFiles.localPathOf(outputsDir);
    String dir = local.contains("://") ? local : Path.of(local).toAbsolutePath().toString();
    try {
      OutputShards.claim(dir, runId);
    } catch (IllegalArgumentException e) {
      throw new InvalidDefinitionException("--outputs-dir: " + e.getMessage(), e);
    }
    if (overwrite) {
      try {
        // The old outputs.pb first: nothing then points at a folder being replaced.
        FileSystems.delete(
            List.of(FileSystems.matchNewResource(outputsFile(dir), false)),
            org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
        OutputShards.removeShards(dir);
      } catch (IOException | UncheckedIOException e) {
        OutputShards.release(dir, runId);
        throw new InfrastructureException(
            "--overwrite: the earlier outputs in ["
                + dir
                + "] cannot be removed: "
                + rootMessage(e),
            e);
      }
    }
    try {
      OutputShards.checkWritable(dir);
    } catch (IllegalArgumentException e) {
      OutputShards.release(dir, runId);
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
          options.runner() == RunnerKind.DirectRunner
              ? DirectRunnerOptions.of(List.of(beamArgs(options)))
              : PipelineOptionsFactory.fromArgs(beamArgs(options)).create());
    } catch (IllegalArgumentException e) {
      throw invalidBeamOptions(options, e);
    }
  }

  static PipelineOptions pipelineOptions(MapTaskSpec spec, RunOptions options) {
    try {
      return pipelineOptions(spec, options, beamArgs(options));
    } catch (IllegalArgumentException e) {
      throw invalidBeamOptions(options, e);
    }
  }

  private static InvalidDefinitionException invalidBeamOptions(
      RunOptions options, IllegalArgumentException e) {
    return new InvalidDefinitionException(
        "Beam options "
            + options.beamArgs()
            + " are invalid: "
            + e.getMessage().lines().findFirst().orElse(""));
  }

  private static PipelineOptions pipelineOptions(
      MapTaskSpec spec, RunOptions options, String[] args) {
    switch (options.runner()) {
      case DirectRunner:
        {
          // One object per arguments and class loader, so Beam registers its file systems once.
          return DirectRunnerOptions.of(List.of(args));
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
          if (java.util.Arrays.stream(args).noneMatch(a -> a.startsWith("--appName="))) {
            spark.setAppName("flyte-beam " + spec.name());
          }
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

  /**
   * A new run folder in this user's own temporary folder, after removing those of killed runs
   * there.
   */
  private static String temporaryFolder(String runId) {
    try {
      return UserFolders.newRunFolder(runId).toString();
    } catch (IllegalStateException | UncheckedIOException e) {
      throw new InfrastructureException("cannot create a run folder: " + e.getMessage(), e);
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

package org.flytebeam.runner;

import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.beam.MapResult;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.cache.CacheMode;
import org.flytebeam.exec.ProcessSettings;
import org.flytebeam.exec.RunControl;
import org.flytebeam.exec.UserFolders;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.WorkflowCompiler;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.idl.PackageReader;
import org.flytebeam.spec.MapTaskSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flyte-beam run}: one map task over its inputs, on a Beam runner. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a map task: a flyteidl WorkflowClosure holding one ArrayNode, or a container_array"
          + " TaskTemplate (JSON, or binary .pb).",
      "Exit codes: 0 success; 1 the map failed its success criteria (outputs still written); 2"
          + " invalid usage, definition or inputs; 3 runner or cluster failure; 130 interrupted."
    })
final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Mixin S3Flags s3 = new S3Flags();

  @Option(
      names = "--definition",
      required = true,
      paramLabel = "FILE",
      description =
          "The map task definition: flyteidl JSON (.json) or binary (.pb); a local path"
              + " or any URI Beam's FileSystems opens (hdfs://, gs://, s3://).")
  String definition;

  @Option(
      names = "--inputs",
      paramLabel = "FILE",
      description =
          "The workflow's inputs: a flyteidl LiteralMap (.json or .pb) or a plain JSON object;"
              + " a local path, a FileSystems URI, or - for standard input. Required for a map;"
              + " for a workflow or launch plan whose inputs all have defaults it may be left out.")
  String inputs;

  @Option(
      names = "--workflow",
      paramLabel = "NAME",
      description =
          "The launch plan, workflow or task of the definition to run, by its full name; needed"
              + " when the definition holds more than one.")
  String workflow;

  @Option(
      names = "--outputs",
      paramLabel = "FILE",
      description =
          "Where to write the output LiteralMap: protobuf JSON (.json) or binary (.pb), a local"
              + " path or a FileSystems URI. Without it, outputs are printed as plain JSON.")
  String outputs;

  @Option(
      names = "--outputs-dir",
      paramLabel = "DIR",
      description =
          "For big outputs: the workers write them in parallel as sharded JSON Lines files"
              + " (DIR/elements/part-<start>-<end>.jsonl, one {\"index\", \"outputs\"} line per element),"
              + " and the output LiteralMap (DIR/outputs.pb, and --outputs if given) holds one multipart"
              + " jsonl blob of them per output; the driver never holds the outputs. A local folder or a"
              + " FileSystems URI every worker can write. For a workflow: DIR/outputs.pb holds the"
              + " workflow's outputs (its maps' outputs are not sharded yet).")
  String outputsDir;

  @Option(
      names = "--overwrite",
      description =
          "Replace an earlier run's shards and outputs.pb in --outputs-dir (removed once the"
              + " definition and inputs are checked, before any element runs) instead of refusing"
              + " the folder.")
  boolean overwrite;

  @Option(
      names = "--runner",
      paramLabel = "RUNNER",
      description =
          "DirectRunner (default, embedded) or SparkRunner (the default under spark-submit, and"
              + " with --spark-master); any case, direct and spark too.")
  String runner;

  @Option(
      names = "--spark-master",
      paramLabel = "URL",
      description =
          "Runs on Spark: local[N], local[*] (the SparkRunner's default) or spark://HOST:PORT;"
              + " yarn and k8s://... only under spark-submit, whose --master it must then equal.")
  String sparkMaster;

  @Option(
      names = "--conf",
      paramLabel = "spark.NAME=VALUE",
      description =
          "A Spark setting for the context flyte-beam creates (repeatable), e.g. --conf"
              + " spark.executor.memory=4g. Under spark-submit, give them to spark-submit.")
  java.util.Map<String, String> sparkConf = new java.util.LinkedHashMap<>();

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "The run folder, reachable from every worker: a local path on one machine, a shared"
              + " one (hdfs://, gs://, an NFS mount) on a cluster (default: a temporary folder, removed after"
              + " the run).")
  String workDir;

  @Option(
      names = "--hadoop-conf",
      paramLabel = "DIR",
      description =
          "The Hadoop client configuration folder (core-site.xml, hdfs-site.xml) for hdfs:// paths,"
              + " read here and sent to every executor (default: HADOOP_CONF_DIR, else"
              + " YARN_CONF_DIR).")
  String hadoopConf;

  @Option(
      names = "--jars",
      split = ",",
      paramLabel = "JAR",
      description =
          "Your own jars (local files, comma-separated): Java tasks (found by name through"
              + " ServiceLoader), Beam file system modules. Added to this JVM and, on Spark, staged to every"
              + " executor.")
  List<String> jars = new ArrayList<>();

  @Parameters(
      paramLabel = "BEAM_OPTION",
      description = "Further Beam pipeline options after --, e.g. -- --hdfsConfiguration=[{...}].")
  List<String> beamOptions = new ArrayList<>();

  @Option(
      names = "--fast-bundle",
      paramLabel = "FILE|URI",
      description =
          "The code bundle of fast-registered tasks (pyflyte-fast-execute"
              + " --additional-distribution {{ .remote_package_path }}): the fast*.tar.gz that"
              + " pyflyte package wrote, a local file or a URI every worker reads. Default: the one"
              + " in the --definition archive or folder. Each attempt unpacks it into a fresh"
              + " folder of its own ({{ .dest_dir }}).")
  String fastBundle;

  @Option(
      names = "--raw-output-prefix",
      paramLabel = "DIR",
      description =
          "Where container sub-tasks put blob outputs and {{.rawOutputDataPrefix}} data, kept"
              + " after the run (a folder or a URI every worker can write; a folder per run is made"
              + " in it). Default: the run folder's raw/ with --work-dir, else <outputs name>-raw/"
              + " beside --outputs, else raw/ in your own folder in the temporary folder"
              + " (<tmp>/flyte-beam-<user>/raw, created 0700).")
  String rawOutputPrefix;

  @Option(
      names = "--processes-per-worker",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "At most N element processes (container sub-tasks) running at once in each"
              + " worker, whatever the map's parallelism. Default 0: one per core.")
  int processesPerWorker;

  @Option(
      names = "--pass-env",
      paramLabel = "NAME",
      description =
          "Pass the variable NAME of the worker's environment on to container sub-tasks"
              + " (repeatable). They get only PATH, HOME, USER, LOGNAME, LANG, LANGUAGE, LC_*,"
              + " TMPDIR and TZ otherwise, beside their container's env and Flyte's variables.")
  List<String> passEnv = new ArrayList<>();

  @Option(
      names = "--secrets-dir",
      paramLabel = "DIR",
      description =
          "The folder holding the secrets sub-tasks declare in their security_context, as"
              + " DIR/<group>/<key> (flytekit's layout; at this path on every worker). A secret not"
              + " there is taken from the variable _FSEC_<GROUP>_<KEY>; one found nowhere fails the"
              + " run before it starts.")
  String secretsDir;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "The element cache of a cacheable sub-task (discoverable, with a discovery_version):"
              + " each element's outputs are stored as it succeeds and reused by later runs with the same"
              + " inputs, so a re-run resumes where a killed one stopped. A local path or a FileSystems URI"
              + " every worker reaches. Default: $XDG_CACHE_HOME/flyte-beam or ~/.cache/flyte-beam on the"
              + " DirectRunner and Spark local[N]; none on a cluster.")
  String cache;

  @Option(names = "--no-cache", description = "Neither look up nor store element outputs.")
  boolean noCache;

  @Option(
      names = "--overwrite-cache",
      description = "Run every element, and replace its cached outputs with the new ones.")
  boolean overwriteCache;

  @Option(names = "--verbose", description = "Show stack traces and the runners' info logs.")
  boolean verbose;

  @Option(names = "--quiet", description = "Print no progress while the map runs.")
  boolean quiet;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write a self-contained HTML report of the run (also when the map fails).")
  Path report;

  @Option(
      names = "--summary",
      paramLabel = "FILE",
      description =
          "Write the run's facts as JSON (schema in the README, also when the map fails).")
  Path summary;

  // For tests: progress lines more often than every 2 s.
  @Option(names = "--progress-interval", hidden = true, defaultValue = "PT2S")
  java.time.Duration progressInterval;

  private final CountDownLatch finished = new CountDownLatch(1);
  // For --summary and --report of a run that ends before it has a result.
  private MapTaskSpec spec;
  private String runnerName = RunnerKind.DirectRunner.name();
  private final long startedAt = System.currentTimeMillis();
  private boolean reportWritten;
  private volatile boolean interrupted;

  @Override
  public Integer call() {
    PrintWriter err = command.commandLine().getErr();
    PrintWriter out = command.commandLine().getOut();
    Logging.configure(verbose);
    Thread hook = new Thread(this::onSignal, "flyte-beam-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run(out, err);
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      int code = Failures.report(err, e, verbose);
      int exit = interrupted ? ExitCode.INTERRUPTED : code;
      writeErrorReport(err, exit, Failures.message(e));
      return exit;
    } finally {
      out.flush();
      err.flush();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down (a signal): the hook decides the exit code.
      }
    }
  }

  @SuppressWarnings("try") // The jars are installed for the try block's whole extent.
  private int run(PrintWriter out, PrintWriter err) throws IOException {
    RunOptions options = runOptions();
    // The user's jars first: they may hold the tasks the definition names and file systems.
    try (UserJars userJars = UserJars.install(options.jars())) {
      return run(options, out, err);
    }
  }

  /**
   * The options, with spark-submit's master as the default, and never overridden silently: a runner
   * or master given twice (as options and as Beam options after {@code --}) must agree.
   */
  RunOptions runOptions() {
    Optional<String> submitted = SparkContexts.submittedMaster();
    List<String> beamArgs = new ArrayList<>();
    Optional<String> beamRunner = Optional.empty();
    Optional<String> beamMaster = Optional.empty();
    for (String arg : beamOptions) {
      Optional<String> runnerValue = beamOption(arg, "runner");
      Optional<String> masterValue = beamOption(arg, "sparkMaster");
      if (runnerValue.isPresent()) {
        beamRunner = runnerValue;
      } else if (masterValue.isPresent()) {
        beamMaster = masterValue;
      } else if (beamOption(arg, "filesToStage").isPresent()) {
        throw new InvalidDefinitionException(
            "Beam option ["
                + arg
                + "] is set by flyte-beam (flyte-beam's own jar and --jars): give your jars with"
                + " --jars");
      } else if (beamOption(arg, "storageLevel").isPresent()) {
        throw new InvalidDefinitionException(
            "Beam option ["
                + arg
                + "] is set by flyte-beam (MEMORY_AND_DISK, so that no element is run twice"
                + " because a cached collection was evicted): leave it out");
      } else {
        beamArgs.add(arg);
      }
    }
    // --s3-endpoint and --s3-region as Beam's AWS options: they travel to every worker.
    beamArgs = new ArrayList<>(s3.apply(beamArgs));
    // The Hadoop configuration as Beam's hdfsConfiguration: it travels to every worker too.
    HadoopConf.beamOption(hadoopConf, System.getenv(), beamArgs).ifPresent(beamArgs::add);
    RunnerKind kind = chooseRunner(beamRunner, beamMaster, submitted);
    String master = sparkMaster != null ? sparkMaster : beamMaster.orElse(null);
    if (master != null && beamMaster.isPresent() && !beamMaster.get().equals(master)) {
      throw new InvalidDefinitionException(
          String.format(
              "Beam option [--sparkMaster=%s] contradicts --spark-master [%s]: give the master"
                  + " once, with --spark-master",
              beamMaster.get(), master));
    }
    if (submitted.isPresent() && master != null && !master.equals(submitted.get())) {
      throw new InvalidDefinitionException(
          String.format(
              "--spark-master [%s] differs from spark-submit's --master [%s]: give the master once,"
                  + " to spark-submit",
              master, submitted.get()));
    }
    if (master != null && kind == RunnerKind.SparkRunner) {
      SparkMasters.check(master, submitted.isPresent());
    }
    master = master != null ? master : submitted.orElse("local[*]");
    checkSparkConf(kind, submitted.isPresent());
    runnerName = kind.name();
    if (processesPerWorker < 0) {
      throw new InvalidDefinitionException(
          "--processes-per-worker [" + processesPerWorker + "] must be >= 0 (0: one per core)");
    }
    if (overwrite && outputsDir == null) {
      throw new InvalidDefinitionException(
          "--overwrite replaces the shards of --outputs-dir, which is not given: add --outputs-dir"
              + " DIR, or leave --overwrite out");
    }
    return new RunOptions(
            kind,
            master,
            Optional.ofNullable(workDir).map(LiteralFiles::localPathOf),
            beamArgs,
            new ProcessSettings(
                rawOutputPrefix(),
                processesPerWorker,
                passEnv,
                secretsDir == null
                    ? ""
                    : java.nio.file.Path.of(LiteralFiles.localPathOf(secretsDir))
                        .toAbsolutePath()
                        .toString()),
            jars,
            Optional.ofNullable(cache),
            cacheMode(),
            Optional.ofNullable(outputsDir).map(LiteralFiles::localPathOf),
            overwrite)
        .withSparkConf(sparkConf)
        .withFastBundle(fastBundle == null ? "" : LiteralFiles.localPathOf(fastBundle));
  }

  /**
   * The runner: {@code --runner} (or Beam's {@code --runner=} after {@code --}; both must agree),
   * else the SparkRunner when a master is given or under spark-submit, else the DirectRunner. A
   * master with the DirectRunner is refused: it would be ignored.
   */
  private RunnerKind chooseRunner(
      Optional<String> beamRunner, Optional<String> beamMaster, Optional<String> submitted) {
    RunnerKind given = runner == null ? null : RunnerKind.parse(runner);
    if (beamRunner.isPresent()) {
      RunnerKind fromBeam = RunnerKind.parse(beamRunner.get());
      if (given != null && given != fromBeam) {
        throw new InvalidDefinitionException(
            String.format(
                "Beam option [--runner=%s] contradicts --runner [%s]: give the runner once, with"
                    + " --runner",
                beamRunner.get(), runner));
      }
      given = fromBeam;
    }
    boolean masterGiven = sparkMaster != null || beamMaster.isPresent();
    if (given == RunnerKind.DirectRunner && masterGiven) {
      throw new InvalidDefinitionException(
          String.format(
              "--spark-master [%s] is for the SparkRunner, but the runner is the DirectRunner:"
                  + " drop --runner DirectRunner (a master implies the SparkRunner) or the master",
              sparkMaster != null ? sparkMaster : beamMaster.get()));
    }
    if (given != null) {
      return given;
    }
    return masterGiven || submitted.isPresent() ? RunnerKind.SparkRunner : RunnerKind.DirectRunner;
  }

  /** The value of Beam option {@code --name=value} (or {@code --name}), in any case. */
  private static Optional<String> beamOption(String arg, String name) {
    String prefix = "--" + name;
    if (!arg.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return Optional.empty();
    }
    String rest = arg.substring(prefix.length());
    if (rest.isEmpty()) {
      return Optional.of("");
    }
    return rest.startsWith("=") ? Optional.of(rest.substring(1)) : Optional.empty();
  }

  private void checkSparkConf(RunnerKind kind, boolean submitted) {
    if (sparkConf.isEmpty()) {
      return;
    }
    if (kind != RunnerKind.SparkRunner) {
      throw new InvalidDefinitionException(
          "--conf "
              + sparkConf.keySet().iterator().next()
              + " is a Spark setting, but the runner is the DirectRunner: add --runner SparkRunner"
              + " (or --spark-master URL)");
    }
    if (submitted) {
      throw new InvalidDefinitionException(
          "--conf "
              + sparkConf.keySet().iterator().next()
              + ": under spark-submit the Spark context is spark-submit's: give --conf to"
              + " spark-submit");
    }
    List<String> problems = new ArrayList<>();
    sparkConf.forEach(
        (name, value) -> {
          if (!name.startsWith("spark.") || name.length() == "spark.".length()) {
            problems.add(
                "--conf ["
                    + name
                    + "="
                    + value
                    + "] is not a Spark setting: give spark.NAME=VALUE, e.g. --conf"
                    + " spark.executor.memory=4g");
          }
          if (name.equals(SparkContexts.MASTER_PROPERTY)) {
            problems.add(
                "--conf [spark.master=" + value + "]: give the master with --spark-master");
          }
        });
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
  }

  private CacheMode cacheMode() {
    if (noCache && (overwriteCache || cache != null)) {
      throw new InvalidDefinitionException(
          "--no-cache contradicts "
              + (overwriteCache ? "--overwrite-cache" : "--cache [" + cache + "]")
              + ": give one of them");
    }
    return noCache ? CacheMode.DISABLED : overwriteCache ? CacheMode.OVERWRITE : CacheMode.ENABLED;
  }

  private int run(RunOptions options, PrintWriter out, PrintWriter err) throws IOException {
    FlyteBeam.registerFileSystems(options);
    if (LiteralFiles.isLocalFolder(definition) || LiteralFiles.isRemoteFolder(definition)) {
      FlytePackage pkg =
          LiteralFiles.isLocalFolder(definition)
              ? PackageReader.read(Path.of(definition))
              : PackageReader.readRemoteFolder(definition);
      return runWorkflow(
          FastBundles.withPackageBundle(options, pkg),
          pkg,
          pkg.select(Optional.ofNullable(workflow)),
          out,
          err);
    }
    byte[] definitionBytes = LiteralFiles.read(definition, "--definition");
    FlytePackage pkg = PackageReader.read(definition, definitionBytes);
    FlytePackage.Entity entity = pkg.select(Optional.ofNullable(workflow));
    // --fast-bundle wins over the package's own fast*.tar.gz.
    options = FastBundles.withPackageBundle(options, pkg);
    if (!isOneMap(pkg, entity)) {
      return runWorkflow(options, pkg, entity, out, err);
    }
    MapTaskSpec spec = DefinitionReader.read(definition, definitionBytes);
    if (inputs == null) {
      throw new InvalidDefinitionException(
          "Missing required option: '--inputs=FILE': a map needs its inputs (see flyte-beam run"
              + " --help)");
    }
    this.spec = spec;
    LiteralMap workflowInputs =
        LiteralFiles.readInputs(inputs, spec.workflowInterface().getInputs());
    long startedAt = System.currentTimeMillis();
    MapResult result;
    ProgressPrinter progress =
        new ProgressPrinter(
            err,
            isTerminal(),
            progressInterval,
            options.runner() == RunnerKind.SparkRunner
                && !SparkContexts.isLocal(options.sparkMaster()),
            System::currentTimeMillis);
    try {
      RunObserver observer =
          new RunObserver() {
            @Override
            public void started(org.flytebeam.beam.MapRunPlan plan) {
              // Said once, before any element runs, whatever --quiet says.
              plan.warnings().forEach(warning -> err.println("warning: " + warning));
              err.flush();
              if (!quiet) {
                progress.started(plan);
              }
            }

            @Override
            public void sparkStarted(String master, String applicationId, Optional<String> ui) {
              err.println(
                  "spark: application "
                      + applicationId
                      + " on "
                      + master
                      + ui.map(url -> ", UI at " + url).orElse(" (the Spark UI is off)"));
              err.flush();
            }

            @Override
            public void phase(String description) {
              if (!quiet) {
                progress.phase(description);
              }
            }
          };
      result = FlyteBeam.run(spec, workflowInputs, options, observer);
    } catch (RuntimeException | Error e) {
      progress.close();
      throw e;
    }
    try {
      if (!quiet) {
        progress.phase("writing the outputs");
      }
      try {
        if (this.outputs != null) {
          LiteralFiles.writeOutputs(this.outputs, result);
        } else {
          out.println(LiteralFiles.plainJson(result.outputs()));
        }
      } finally {
        progress.close();
      }
      String cacheWarning = result.verdict().cache().warning();
      if (!cacheWarning.isEmpty()) {
        err.println("warning: " + cacheWarning);
      }
      // After the outputs: a report that cannot be written never costs the outputs.
      reportWritten = true;
      RunReportFiles.write(
          result, options.runner().name(), startedAt, originalArgs(), report, summary);
      MapVerdict verdict = result.verdict();
      if (interrupted) {
        Failures.line(
            err, "interrupted: " + verdict.summary() + "; finished elements' outputs were written");
        printFailures(err, verdict);
        return ExitCode.INTERRUPTED;
      }
      if (!result.success()) {
        Failures.line(err, verdict.summary());
        printFailures(err, verdict);
        return ExitCode.MAP_FAILED;
      }
      // The verdict also on success, and the failures the criteria tolerated: never silent.
      if (!quiet || FailureSummary.any(verdict)) {
        err.println(verdict.summary());
      }
      printFailures(err, verdict);
      return ExitCode.SUCCESS;
    } finally {
      if (workDir == null) {
        FlyteBeam.deleteLocalFolder(result.plan().workDir());
      }
    }
  }

  /**
   * Whether the entity is exactly one map, which keeps the map path and its output: a workflow of
   * one ArrayNode node, or a legacy map task ({@code container_array}).
   */
  static boolean isOneMap(FlytePackage pkg, FlytePackage.Entity entity) {
    if (entity instanceof FlytePackage.TaskEntity t) {
      return DefinitionReader.CONTAINER_ARRAY_TYPE.equals(t.task().getType());
    }
    if (entity instanceof FlytePackage.WorkflowEntity w) {
      return w.workflow().getNodesCount() == 1
          && w.workflow().getNodes(0).hasArrayNode()
          && pkg.workflows().size() == 1;
    }
    return false;
  }

  /** Any other entity: the workflow engine, every node on this run's runner. */
  private int runWorkflow(
      RunOptions options,
      FlytePackage pkg,
      FlytePackage.Entity entity,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    ExecutionGraph graph = WorkflowCompiler.compile(pkg, entity);
    java.util.Set<String> optional = new java.util.HashSet<>();
    if (entity instanceof FlytePackage.LaunchPlanEntity lp) {
      lp.launchPlan()
          .defaultInputs()
          .getParametersMap()
          .forEach(
              (name, p) -> {
                if (p.hasDefault()) {
                  optional.add(name);
                }
              });
      optional.addAll(lp.launchPlan().fixedInputs().getLiteralsMap().keySet());
    }
    LiteralMap given =
        inputs == null
            ? LiteralMap.getDefaultInstance()
            : LiteralFiles.readInputs(inputs, graph.iface().getInputs(), optional);
    WorkflowResult result;
    try (WorkflowProgress progress = new WorkflowProgress(err, progressInterval, quiet)) {
      result = FlyteBeam.runWorkflow(pkg, entity, graph, given, options, progress);
    }
    if (!result.success()) {
      for (String line : result.error().orElse("the workflow failed").split("\n")) {
        Failures.line(err, line);
      }
      writeWorkflowReport(result, entity, ExitCode.MAP_FAILED, options);
      return ExitCode.MAP_FAILED;
    }
    if (this.outputs != null) {
      LiteralFiles.writeOutputs(this.outputs, result.outputs());
    } else {
      out.println(LiteralFiles.plainJson(result.outputs()));
    }
    // After the outputs: a report that cannot be written never costs the outputs.
    writeWorkflowReport(result, entity, ExitCode.SUCCESS, options);
    if (!quiet) {
      err.println(
          "workflow ["
              + entity.name()
              + "] succeeded: "
              + result.nodes().stream()
                  .filter(n -> n.status() == WorkflowResult.Status.SUCCEEDED)
                  .count()
              + " nodes ran");
    }
    return ExitCode.SUCCESS;
  }

  private void writeWorkflowReport(
      WorkflowResult result, FlytePackage.Entity entity, int exit, RunOptions options) {
    reportWritten = true;
    WorkflowReport.write(
        result, entity, exit, options.runner().name(), startedAt, originalArgs(), report, summary);
  }

  /**
   * Blob outputs must outlive the run, so they never go into a temporary run folder: the given
   * prefix; the outputs folder's raw/ (--outputs-dir), beside the shards that refer to them; the
   * run folder's own raw/ when it is kept (--work-dir); else beside the outputs file; else in the
   * temporary folder, where the printed outputs point.
   */
  private String rawOutputPrefix() {
    if (rawOutputPrefix != null) {
      return rawOutputPrefix;
    }
    if (outputsDir != null) {
      String dir = LiteralFiles.localPathOf(outputsDir);
      return dir.contains("://")
          ? (dir.endsWith("/") ? dir + "raw" : dir + "/raw")
          : Path.of(dir).toAbsolutePath().resolve("raw").toString();
    }
    if (workDir != null) {
      return "";
    }
    if (outputs != null) {
      // Beside --outputs, on whatever file system it is.
      String name = LiteralFiles.fileName(outputs);
      int dot = name.lastIndexOf('.');
      String raw = (dot > 0 ? name.substring(0, dot) : name) + "-raw";
      String path = LiteralFiles.localPathOf(outputs);
      return path.contains("://")
          ? path.substring(0, path.length() - name.length()) + raw
          : Path.of(path).toAbsolutePath().resolveSibling(raw).toString();
    }
    // This user's own folder (0700), never a fixed shared name another user could create first.
    try {
      return UserFolders.base().resolve("raw").toString();
    } catch (IllegalStateException e) {
      throw new InfrastructureException(
          "cannot make the default --raw-output-prefix: " + e.getMessage(), e);
    }
  }

  /** The arguments as given to {@code flyte-beam}, for the report. */
  private List<String> originalArgs() {
    picocli.CommandLine root = command.commandLine();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    return root.getParseResult() == null ? List.of() : root.getParseResult().originalArgs();
  }

  private void printFailures(PrintWriter err, MapVerdict verdict) {
    if (FailureSummary.any(verdict)) {
      FailureSummary.print(err, verdict, verbose);
    }
  }

  /**
   * A run that ended before it had a result (exit 2 or 3): {@code --summary} and {@code --report}
   * still say what happened, with the error. Not when the run's own report was tried (its failure
   * may be this one).
   */
  private void writeErrorReport(PrintWriter err, int exit, String message) {
    if (reportWritten) {
      return;
    }
    try {
      RunReportFiles.writeError(exit, message, spec, runnerName, startedAt, report, summary);
    } catch (RuntimeException reportFailure) {
      Failures.line(err, reportFailure.getMessage());
    }
  }

  /** Ctrl-C or SIGTERM: stop starting elements, let the run write what finished, exit 130. */
  private void onSignal() {
    interrupted = true;
    RunControl.interruptAll();
    try {
      finished.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
  }

  // On Java 17, the release this is built for, a null console means no terminal; a JVM of 22 or
  // newer may return a console for a redirected stream, and then shows the terminal's progress.
  @SuppressWarnings("SystemConsoleNull")
  private static boolean isTerminal() {
    return System.console() != null;
  }
}

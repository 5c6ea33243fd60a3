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
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.spec.MapTaskSpec;
import picocli.CommandLine.Command;
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

  @Option(
      names = "--definition",
      required = true,
      paramLabel = "FILE",
      description =
          "The map task definition: flyteidl JSON (.json) or binary (.pb); a local path"
              + " or any URI Beam's FileSystems opens (hdfs://, gs://, s3:// with its module).")
  String definition;

  @Option(
      names = "--inputs",
      required = true,
      paramLabel = "FILE",
      description =
          "The workflow's inputs: a flyteidl LiteralMap (.json or .pb) or a plain JSON object;"
              + " a local path or a FileSystems URI.")
  String inputs;

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
              + " FileSystems URI every worker can write.")
  String outputsDir;

  @Option(
      names = "--runner",
      paramLabel = "RUNNER",
      description =
          "DirectRunner (default, embedded) or SparkRunner (the default under spark-submit).")
  RunnerKind runner;

  @Option(
      names = "--spark-master",
      paramLabel = "URL",
      description =
          "For the SparkRunner: local[N], local[*] (default) or spark://HOST:PORT. Under"
              + " spark-submit, its --master.")
  String sparkMaster;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "The run folder, reachable from every worker: a local path on one machine, a shared"
              + " one (hdfs://, gs://, an NFS mount) on a cluster (default: a temporary folder, removed after"
              + " the run).")
  String workDir;

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
      return interrupted ? ExitCode.INTERRUPTED : code;
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

  /** The options, with spark-submit's master as the default, and never overridden silently. */
  RunOptions runOptions() {
    Optional<String> submitted = SparkContexts.submittedMaster();
    if (submitted.isPresent() && sparkMaster != null && !sparkMaster.equals(submitted.get())) {
      throw new InvalidDefinitionException(
          String.format(
              "--spark-master [%s] differs from spark-submit's --master [%s]: give the master once,"
                  + " to spark-submit",
              sparkMaster, submitted.get()));
    }
    RunnerKind kind =
        runner != null
            ? runner
            : submitted.isPresent() ? RunnerKind.SparkRunner : RunnerKind.DirectRunner;
    String master = sparkMaster != null ? sparkMaster : submitted.orElse("local[*]");
    if (processesPerWorker < 0) {
      throw new InvalidDefinitionException(
          "--processes-per-worker [" + processesPerWorker + "] must be >= 0 (0: one per core)");
    }
    return new RunOptions(
        kind,
        master,
        Optional.ofNullable(workDir).map(LiteralFiles::localPathOf),
        beamOptions,
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
        Optional.ofNullable(outputsDir).map(LiteralFiles::localPathOf));
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
    MapTaskSpec spec =
        DefinitionReader.read(definition, LiteralFiles.read(definition, "--definition"));
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

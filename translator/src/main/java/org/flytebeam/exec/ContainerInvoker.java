package org.flytebeam.exec;

import com.google.protobuf.InvalidProtocolBufferException;
import flyteidl.core.Errors.ContainerError;
import flyteidl.core.Errors.ErrorDocument;
import flyteidl.core.Execution.ExecutionError;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Literals.KeyValuePair;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.DataLoadingConfig;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.ArrayNode.DataMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.process.AttemptSlots;
import org.flytebeam.exec.process.DataConfigFiles;
import org.flytebeam.exec.process.FastRegistration;
import org.flytebeam.exec.process.LocalFiles;
import org.flytebeam.exec.process.ProcessTree;
import org.flytebeam.exec.process.SafePaths;
import org.flytebeam.exec.process.TailBuffer;
import org.flytebeam.exec.process.TaskEnvironment;
import org.flytebeam.exec.process.TaskEnvironment.SecretRef;
import org.flytebeam.exec.process.Templates;
import org.flytebeam.exec.process.Templates.Kind;
import org.flytebeam.exec.process.Templates.Template;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.SubTask;
import org.flytebeam.spec.TaskId;

/**
 * Runs a container sub-task the way Flyte runs it, as a local process per attempt: the container's
 * {@code command} then {@code args} (when {@code command} is empty, as flytekit writes it, {@code
 * args} is the whole command line), each argument rendered from Flyte's templates (see {@link
 * Templates}) and passed as it is, never through a shell of ours. The image is not used: the
 * program must be installed on every worker.
 *
 * <p>Per attempt: a folder under the run folder (or under a local temporary folder when the run
 * folder is not local) holding the working folder (the process's cwd), {@code {{.outputPrefix}}},
 * the checkpoint folder and the captured end of stdout and stderr ({@code stdout.log}, {@code
 * stderr.log}, the last 64 KiB each). Its folders are made once per worker and emptied for the next
 * attempt (see {@link AttemptSlots}); an attempt that failed or left logs is kept, whole, as {@code
 * attempts/<index>/<execution>-<attempt>}. {@code {{.prevCheckpointPrefix}}} is the previous
 * attempt's checkpoint folder there (a retry follows a failed, so kept, attempt), or {@code ""} on
 * the first attempt, as flytepropeller writes it. {@code {{.input}}} is, for {@code
 * SINGLE_INPUT_FILE}, the map's whole input map (lists and bound values, which flytekit indexes by
 * the array index), written once and shared by every element of a worker; for {@code
 * INDIVIDUAL_INPUT_FILES}, the element's own. When mapped inputs are given by reference (JSON
 * Lines, file patterns, offloaded literals) there is no whole map of lists: a process that reads
 * the whole map gets a map of its element alone (each mapped input a list of its one item, bound
 * values whole) with {@code BATCH_JOB_ARRAY_INDEX_VAR_NAME} naming {@link #ELEMENT_INDEX_VARIABLE},
 * which is 0, so flytekit reads item 0 (and a legacy task writes to {@code <outputPrefix>/0/});
 * {@code FLYTE_K8S_ARRAY_INDEX} stays the element's index. The environment is not the worker's:
 * only its allow-listed and passed-on variables (see {@link TaskEnvironment}), the container's
 * {@code env} on top, the secrets the task declares, and Flyte's variables: {@code
 * BATCH_JOB_ARRAY_INDEX_VAR_NAME=FLYTE_K8S_ARRAY_INDEX}, {@code FLYTE_K8S_ARRAY_INDEX}, {@code
 * FLYTE_ATTEMPT_NUMBER} (from 0) and the {@code FLYTE_INTERNAL_EXECUTION_*} and {@code
 * FLYTE_INTERNAL_TASK_*} identity. A workflow's task node ({@link MapTaskSpec.Form#TASK_NODE}) is
 * no array element: its {@code {{.input}}} is its own input map and it gets neither array variable.
 *
 * <p>Outcome: {@code error.pb} (an ErrorDocument) decides, whatever the exit code: NON_RECOVERABLE
 * fails the element at once, RECOVERABLE retries on the user or system budget by its origin; its
 * message (the part after flytekit's {@code Message:}) is the element's error. Else a non-zero exit
 * is a recoverable user error carrying the last lines of stderr; else {@code outputs.pb} holds the
 * outputs. A legacy {@code container_array} writes index i's files to {@code <outputPrefix>/<i>/},
 * every index getting the same prefix. A raw container ({@code data_config.enabled}) gets its
 * inputs as files in a folder standing for {@code input_path} and writes its outputs as files into
 * one standing for {@code output_path} (see {@link DataConfigFiles}); both paths are replaced by
 * those folders wherever they appear in the arguments.
 *
 * <p>A fast-registered task ({@code pyflyte-fast-execute --additional-distribution {{
 * .remote_package_path }} --dest-dir {{ .dest_dir }} -- ...}) gets the run's code bundle ({@link
 * ProcessSettings#fastBundle()}, a local copy of it made once per JVM when it is remote) and a
 * fresh, empty {@code dest} folder in the attempt's folder, removed when the attempt ends; such a
 * task without a bundle is refused by {@link #check} before the run.
 *
 * <p>At most {@link ProcessSettings#effectiveProcessesPerWorker()} processes run at once per JVM,
 * whatever the map's parallelism; timeouts and a stopping run kill the whole process tree (see
 * {@link ProcessTree}).
 */
public final class ContainerInvoker implements ElementInvoker {
  /** How much of the end of stdout and of stderr each attempt keeps. */
  public static final int TAIL_BYTES = 64 * 1024;

  private static final int ERROR_LINES = 5;
  private static final int ERROR_CHARS = 500;

  /** The attempt's input folder, whose files the next attempt writes over in place. */
  private static final String DATA_IN = "data-in";

  /** The folder of this element's own {@code inputs.pb}, written over in place too. */
  private static final String INPUTS = "inputs";

  private static final Set<String> REWRITTEN = Set.of(DATA_IN, INPUTS);

  private static final String STDOUT_LOG = "stdout.log";
  private static final String STDERR_LOG = "stderr.log";

  /**
   * With inputs given by reference, the variable {@code BATCH_JOB_ARRAY_INDEX_VAR_NAME} names: the
   * index of the element in its own input map, always 0.
   */
  public static final String ELEMENT_INDEX_VARIABLE = "FLYTE_BEAM_ELEMENT_INPUTS_INDEX";

  /** flytepropeller's rendering of an absent previous checkpoint. */
  private static final String NO_PREVIOUS_CHECKPOINT = "\"\"";

  private static final Map<Integer, Semaphore> SLOTS = new ConcurrentHashMap<>();

  /** Files written once per JVM and run: the shared inputs, the task template. */
  private static final Map<String, Path> WORKER_FILES = new ConcurrentHashMap<>();

  private final InvokerContext context;
  private final Command command;
  private final List<String> outputNames;
  private final Map<String, String> environment;
  private final List<SecretRef> secrets;
  private final Optional<Path> secretsDir;
  private final Path attemptsRoot;

  /**
   * Names this invoker's attempt folders. Spark may run one range twice at once (a zombie task of a
   * failed stage attempt beside its retry, on another executor): each must have folders of its own.
   */
  private final String execution = java.util.UUID.randomUUID().toString().substring(0, 8);

  private final Semaphore slots;

  /** The attempts' folders, used again from one attempt to the next. */
  private final AttemptSlots folders;

  /** The parsed command line of a container, and its raw-container data folders. */
  private record Command(
      List<Template> argv, Optional<DataLoadingConfig> dataConfig, List<String> problems) {}

  public ContainerInvoker(InvokerContext context) {
    this.context = context;
    this.command = parse(context.subTask());
    if (!command.problems().isEmpty()) {
      throw new InvalidDefinitionException(command.problems());
    }
    this.outputNames =
        List.copyOf(context.subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
    this.environment = environment(context);
    this.secrets = secrets(context.subTask());
    this.secretsDir = secretsDir(context);
    this.attemptsRoot = attemptsRoot(context);
    this.folders = new AttemptSlots(attemptsRoot.resolve("slots").resolve(execution));
    this.slots =
        SLOTS.computeIfAbsent(
            context.process().effectiveProcessesPerWorker(), n -> new Semaphore(n, true));
  }

  /**
   * Checks, before anything runs, that the sub-task can run as a process here: it has a container,
   * its placeholders are known and name its inputs, and its program is installed.
   *
   * @return warnings to show once, e.g. that the image is not used
   * @throws InvalidDefinitionException listing every problem
   */
  public static List<String> check(InvokerContext context) {
    SubTask subTask = context.subTask();
    Command command = parse(subTask);
    List<String> problems = new ArrayList<>(command.problems());
    String task = subTask.id().name();
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    problems.addAll(isolationProblems(context, command));
    if (needsBundle(command) && context.process().fastBundle().isEmpty()) {
      FastRegistration.missingBundle(List.of(task)).ifPresent(problems::add);
    }
    Template program = command.argv().get(0);
    if (!program.hasPlaceholders()) {
      String name = program.source();
      String path = pathOf(subTask.template().getContainer());
      if (name.contains("/") && !name.startsWith("/")) {
        problems.add(
            String.format(
                "the program [%s] of sub-task [%s] is a relative path, but each attempt runs in a"
                    + " fresh working folder: give an absolute path or a program name on PATH",
                name, task));
      } else if (ProcessTree.findOnPath(name, path).isEmpty()) {
        problems.add(
            String.format(
                "the program [%s] of sub-task [%s] is not %s: install it on every worker%s",
                name,
                task,
                name.contains("/") ? "an executable file" : "on PATH",
                name.startsWith("pyflyte") ? " (pip install flytekit)" : ""));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    List<String> warnings = new ArrayList<>();
    String image = subTask.template().getContainer().getImage();
    if (!image.isEmpty()) {
      warnings.add(
          String.format(
              "the image [%s] of sub-task [%s] is not used: its command [%s] runs as a local process"
                  + " on each worker, with what is installed there",
              image, task, program.source()));
    }
    if (!ProcessTree.sessions()) {
      warnings.add(
          "setsid is not installed: element processes cannot get a process group of their own, so"
              + " a timeout or a dying worker kills only what is still a child of the program"
              + " (install util-linux)");
    }
    return warnings;
  }

  /**
   * What would let data escape its folders or the environment leak, known before the run: input and
   * output names that are not plain file names (for {@code data_config}), bad {@code --pass-env}
   * names, and declared secrets that are found nowhere.
   */
  private static List<String> isolationProblems(InvokerContext context, Command command) {
    List<String> problems = new ArrayList<>();
    SubTask subTask = context.subTask();
    String task = subTask.id().name();
    if (command.dataConfig().isPresent()) {
      for (String side : List.of("input", "output")) {
        Map<String, Variable> vars =
            side.equals("input")
                ? subTask.scalarInterface().getInputs().getVariablesMap()
                : subTask.scalarInterface().getOutputs().getVariablesMap();
        for (String name : vars.keySet()) {
          String problem = SafePaths.problem(name);
          if (problem != null) {
            problems.add(
                String.format(
                    "%s [%s] of sub-task [%s] cannot be written as a file of data_config: %s;"
                        + " rename it to a plain name (no /, no . or ..)",
                    side, org.flytebeam.exec.process.TaskText.escape(name), task, problem));
          }
        }
      }
    }
    for (String name : context.process().passEnv()) {
      TaskEnvironment.passEnvProblem(name).ifPresent(problems::add);
    }
    Optional<Path> dir = secretsDir(context);
    if (dir.isPresent() && !Files.isDirectory(dir.get())) {
      problems.add(
          String.format(
              "--secrets-dir [%s] is not a folder: give the folder holding <group>/<key> files",
              dir.get()));
      return problems;
    }
    for (SecretRef secret : secrets(subTask)) {
      Optional<String> bad = TaskEnvironment.secretProblem(secret, task);
      if (bad.isPresent()) {
        problems.add(bad.get());
        continue;
      }
      try {
        if (TaskEnvironment.lookup(secret, dir, System.getenv()).isEmpty()) {
          problems.add(TaskEnvironment.missing(secret, task, dir));
        }
      } catch (IOException e) {
        problems.add(
            String.format(
                "secret [%s] of sub-task [%s] cannot be read: %s",
                secret.describe(), task, e.getMessage()));
      }
    }
    return problems;
  }

  private static List<SecretRef> secrets(SubTask subTask) {
    return subTask.template().getSecurityContext().getSecretsList().stream()
        .map(SecretRef::of)
        .toList();
  }

  private static Optional<Path> secretsDir(InvokerContext context) {
    String dir = context.process().secretsDir();
    return dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir).toAbsolutePath());
  }

  private static Command parse(SubTask subTask) {
    TaskTemplate template = subTask.template();
    String task = subTask.id().name();
    List<String> problems = new ArrayList<>();
    if (!template.hasContainer()) {
      problems.add(
          String.format(
              "sub-task [%s] of type [%s] has no container: only container tasks and java-tasks can"
                  + " run here",
              task, template.getType()));
      return new Command(List.of(), Optional.empty(), problems);
    }
    Container container = template.getContainer();
    List<String> args = new ArrayList<>(container.getCommandList());
    args.addAll(container.getArgsList());
    if (args.isEmpty()) {
      problems.add(
          String.format(
              "the container of sub-task [%s] has neither command nor args: give the command line"
                  + " to run",
              task));
      return new Command(List.of(), Optional.empty(), problems);
    }
    Optional<DataLoadingConfig> data =
        container.hasDataConfig() && container.getDataConfig().getEnabled()
            ? Optional.of(container.getDataConfig())
            : Optional.empty();
    if (data.isPresent()) {
      for (String[] field :
          new String[][] {
            {"input_path", data.get().getInputPath()}, {"output_path", data.get().getOutputPath()}
          }) {
        if (field[1].isBlank()) {
          problems.add(
              String.format(
                  "data_config.%s of sub-task [%s] is empty: give the folder the container %s",
                  field[0],
                  task,
                  field[0].startsWith("input") ? "reads inputs from" : "writes outputs to"));
        }
      }
    }
    Map<String, Variable> inputs = subTask.scalarInterface().getInputs().getVariablesMap();
    List<Template> argv = new ArrayList<>(args.size());
    for (int i = 0; i < args.size(); i++) {
      Template t;
      try {
        t = Templates.parse(args.get(i));
      } catch (IllegalArgumentException e) {
        problems.add(
            String.format(
                "container argument %d [%s] of sub-task [%s]: %s",
                i, args.get(i), task, e.getMessage()));
        continue;
      }
      for (String name : t.inputNames()) {
        Variable var = inputs.get(name);
        if (var == null) {
          problems.add(
              String.format(
                  "container argument %d [%s] of sub-task [%s] uses {{.inputs.%s}}, but the task has"
                      + " no such input (inputs: %s)",
                  i, args.get(i), task, name, inputs.keySet()));
        } else if (!Templates.renderable(var.getType())) {
          problems.add(
              String.format(
                  "container argument %d [%s] of sub-task [%s] uses {{.inputs.%s}}, but a value of"
                      + " type [%s] cannot be put into a command line: use {{.input}} (the inputs"
                      + " file) or data_config for it",
                  i,
                  args.get(i),
                  task,
                  name,
                  org.flytebeam.types.LiteralTypes.describe(var.getType())));
        }
      }
      if (data.isPresent()) {
        t = markDataFolders(t, data.get());
      }
      argv.add(t);
    }
    return new Command(argv, data, problems);
  }

  /** {@code input_path} and {@code output_path} in the literal text, the longer one first. */
  private static Template markDataFolders(Template t, DataLoadingConfig data) {
    String in = data.getInputPath();
    String out = data.getOutputPath();
    return in.length() >= out.length()
        ? t.mark(in, Kind.DATA_INPUT_PATH).mark(out, Kind.DATA_OUTPUT_PATH)
        : t.mark(out, Kind.DATA_OUTPUT_PATH).mark(in, Kind.DATA_INPUT_PATH);
  }

  private static String pathOf(Container container) {
    for (KeyValuePair kv : container.getEnvList()) {
      if (kv.getKey().equals("PATH")) {
        return kv.getValue();
      }
    }
    return System.getenv("PATH");
  }

  /**
   * The environment of every attempt but its own variables: the allow-listed and passed-on part of
   * this worker's, the container's {@code env} on top, then Flyte's variables.
   */
  private static Map<String, String> environment(InvokerContext context) {
    Map<String, String> env =
        new LinkedHashMap<>(
            TaskEnvironment.inherited(System.getenv(), context.process().passEnv()));
    for (KeyValuePair kv : context.subTask().template().getContainer().getEnvList()) {
      env.put(kv.getKey(), kv.getValue());
    }
    TaskId id = context.subTask().id();
    // A task node is no array element: Flyte gives its pod no array variables.
    if (context.form() != MapTaskSpec.Form.TASK_NODE) {
      env.put("BATCH_JOB_ARRAY_INDEX_VAR_NAME", "FLYTE_K8S_ARRAY_INDEX");
    }
    env.put("FLYTE_INTERNAL_EXECUTION_ID", context.runId());
    env.put("FLYTE_INTERNAL_EXECUTION_PROJECT", id.project());
    env.put("FLYTE_INTERNAL_EXECUTION_DOMAIN", id.domain());
    env.put("FLYTE_INTERNAL_EXECUTION_WORKFLOW", context.mapName());
    env.put("FLYTE_INTERNAL_TASK_PROJECT", id.project());
    env.put("FLYTE_INTERNAL_TASK_DOMAIN", id.domain());
    env.put("FLYTE_INTERNAL_TASK_NAME", id.name());
    env.put("FLYTE_INTERNAL_TASK_VERSION", id.version());
    return env;
  }

  /**
   * The attempts' folders: under a local run folder, else under this user's own temporary folder.
   */
  static Path attemptsRoot(InvokerContext context) {
    Path root =
        LocalFiles.isLocal(context.workDir())
            ? LocalFiles.toPath(context.workDir()).resolve("attempts")
            : UserFolders.base()
                .resolve(UserFolders.RUN_PREFIX + context.runId())
                .resolve("attempts");
    try {
      return Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the attempts folder [" + root + "]", e);
    }
  }

  /** The folders of one attempt. */
  private record Attempt(
      Path dir,
      Path work,
      Path outputPrefix,
      Path outputs,
      Path checkpoint,
      Optional<Path> dataIn,
      Optional<Path> dataOut,
      Optional<Path> destDir,
      Optional<Path> inputsDir,
      String previousCheckpoint,
      String rawOutputPrefix) {}

  @Override
  public List<Literal> invoke(
      long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
      throws AttemptFailedException {
    AttemptSlots.Slot slot;
    try {
      slot = folders.take();
    } catch (IOException e) {
      throw notPrepared(e);
    }
    Attempt a = null;
    boolean keep = true;
    try {
      try {
        a = prepare(slot, index, attempt, inputs);
      } catch (IOException | UncheckedIOException e) {
        throw notPrepared(e);
      }
      Ran ran = run(a, index, attempt, inputs, timeout);
      // A successful attempt is kept only for the logs it left.
      keep = ran.logged();
      return ran.outputs();
    } finally {
      // The unpacked code of a fast-registered task lives no longer than its attempt.
      if (a != null) {
        a.destDir().ifPresent(ContainerInvoker::deleteQuietly);
      }
      if (keep) {
        folders.keep(slot, attemptDir(index, attempt));
      } else {
        folders.recycle(slot, REWRITTEN);
      }
    }
  }

  /**
   * Where a kept attempt's folder goes: {@code attempts/<index>/<execution>-<attempt>}, which the
   * next attempt's {@code {{.prevCheckpointPrefix}}} names.
   */
  private Path attemptDir(long index, int attempt) {
    return attemptsRoot.resolve(Long.toString(index)).resolve(execution + "-" + attempt);
  }

  @Override
  public void close() {
    folders.close();
  }

  /**
   * A failure to lay out an attempt: a path from data that would leave its folder fails the
   * element; any other I/O error is the system's, retried on its budget.
   */
  private static AttemptFailedException notPrepared(Exception e) {
    if (e instanceof SafePaths.UnsafePathException) {
      return new AttemptFailedException(FailureKind.NON_RECOVERABLE, e.getMessage(), e);
    }
    return new AttemptFailedException(
        FailureKind.RECOVERABLE_SYSTEM,
        "IOError: cannot prepare the attempt: " + e.getMessage(),
        e);
  }

  /** A successful attempt's outputs, and whether it left logs (which keep its folder). */
  private record Ran(List<Literal> outputs, boolean logged) {}

  private Ran run(
      Attempt a, long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
      throws AttemptFailedException {
    List<String> argv;
    try {
      argv = render(a, index, attempt, inputs);
    } catch (IOException | UncheckedIOException e) {
      throw notPrepared(e);
    } catch (Templates.RenderException | IllegalArgumentException e) {
      throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, e.getMessage(), e);
    }
    Map<String, String> env = new LinkedHashMap<>(environment);
    if (context.form() != MapTaskSpec.Form.TASK_NODE) {
      env.put("FLYTE_K8S_ARRAY_INDEX", Long.toString(index));
    }
    env.put("FLYTE_ATTEMPT_NUMBER", Integer.toString(attempt));
    if (ownWholeMap()) {
      // The element's own map holds one item per mapped input: flytekit reads it at index 0.
      env.put("BATCH_JOB_ARRAY_INDEX_VAR_NAME", ELEMENT_INDEX_VARIABLE);
      env.put(ELEMENT_INDEX_VARIABLE, "0");
    }
    Path secretFiles = a.dir().resolve("secrets");
    try {
      TaskEnvironment.addSecrets(
          secrets, context.subTask().id().name(), secretsDir, System.getenv(), secretFiles, env);
    } catch (TaskEnvironment.MissingSecretException e) {
      throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, e.getMessage(), e);
    } catch (IOException e) {
      deleteQuietly(secretFiles);
      throw new AttemptFailedException(
          FailureKind.RECOVERABLE_SYSTEM,
          "IOError: cannot provide the secrets: " + e.getMessage(),
          e);
    }
    ProcessTree.Launch launch = new ProcessTree.Launch(argv, env, a.work(), timeout, TAIL_BYTES);
    ProcessTree.Completed done;
    try {
      slots.acquire();
      try {
        done = ProcessTree.run(launch, () -> RunControl.stopped(context.runId()));
      } finally {
        slots.release();
        // Secret files live no longer than the attempt.
        deleteQuietly(secretFiles);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttemptFailedException(
          FailureKind.RECOVERABLE_SYSTEM, "InterruptedException: worker interrupted", e);
    } catch (IOException e) {
      throw new AttemptFailedException(
          FailureKind.RECOVERABLE_SYSTEM,
          "IOError: cannot start [" + argv.get(0) + "]: " + e.getMessage(),
          e);
    }
    boolean logged = keepLogs(a, done);
    return new Ran(outcome(a, done, timeout), logged);
  }

  private static void deleteQuietly(Path folder) {
    try {
      LocalFiles.deleteTree(folder);
    } catch (IOException e) {
      // Inside the attempt's folder, which is private to this run: the next cleanup removes it.
    }
  }

  private Attempt prepare(
      AttemptSlots.Slot slot, long index, int attempt, Map<String, Literal> inputs)
      throws IOException {
    Path dir = slot.open();
    Path work = slot.subfolder("work");
    Path checkpoint = slot.subfolder("checkpoint");
    Path outputPrefix;
    Path outputs;
    if (context.form() == MapTaskSpec.Form.LEGACY && ownWholeMap()) {
      // A map of one element: its index in the map, 0, names its output folder.
      outputPrefix = slot.subfolder("outputs");
      outputs = outputPrefix.resolve("0");
    } else if (context.form() == MapTaskSpec.Form.LEGACY) {
      outputPrefix =
          Files.createDirectories(
              attemptsRoot.resolve("legacy-outputs").resolve(execution + "-" + attempt));
      outputs = outputPrefix.resolve(Long.toString(index));
      LocalFiles.deleteTree(outputs);
    } else {
      outputPrefix = slot.subfolder("outputs");
      outputs = outputPrefix;
    }
    Optional<Path> dataIn = Optional.empty();
    Optional<Path> dataOut = Optional.empty();
    if (command.dataConfig().isPresent()) {
      dataIn = Optional.of(slot.subfolder(DATA_IN));
      dataOut = Optional.of(slot.subfolder("data-out"));
      DataConfigFiles.writeInputs(inputs, dataIn.get(), command.dataConfig().get().getFormat());
    }
    String previous =
        attempt == 0
            ? NO_PREVIOUS_CHECKPOINT
            : attemptDir(index, attempt - 1).resolve("checkpoint").toString();
    String raw =
        LocalFiles.join(
            LocalFiles.join(context.rawOutputPrefix(), Long.toString(index)),
            Integer.toString(attempt));
    // {{ .dest_dir }}: a fresh folder per attempt, which pyflyte-fast-execute needs to exist.
    Optional<Path> destDir =
        uses(Kind.DEST_DIR) ? Optional.of(slot.subfolder("dest")) : Optional.empty();
    Optional<Path> inputsDir =
        namesInputFile() ? Optional.of(slot.subfolder(INPUTS)) : Optional.empty();
    return new Attempt(
        dir,
        work,
        outputPrefix,
        outputs,
        checkpoint,
        dataIn,
        dataOut,
        destDir,
        inputsDir,
        previous,
        raw);
  }

  private List<String> render(Attempt a, long index, int attempt, Map<String, Literal> inputs)
      throws IOException, Templates.RenderException {
    // Nothing but {{.input}} and {{.inputPrefix}} names this file: unnamed, it is not written.
    Path input =
        namesInputFile() ? inputFile(a, inputs) : a.dir().resolve(INPUTS).resolve("inputs.pb");
    String key =
        ("fb" + context.runId() + "_" + index + "_" + attempt).replaceAll("[^A-Za-z0-9_]", "_");
    Templates.Values values =
        new Templates.Values(
            input.toString(),
            input.getParent().toString(),
            a.outputPrefix().toString(),
            a.rawOutputPrefix(),
            a.checkpoint().toString(),
            a.previousCheckpoint(),
            key,
            needsTemplateFile() ? templateFile().toString() : "",
            needsBundle(command) ? bundleFile().toString() : "",
            a.destDir().map(Path::toString).orElse(""),
            a.dataIn().map(Path::toString).orElse(""),
            a.dataOut().map(Path::toString).orElse(""),
            inputs);
    List<String> argv = new ArrayList<>(command.argv().size());
    for (Template t : command.argv()) {
      argv.add(t.render(values));
    }
    return argv;
  }

  /**
   * Whether a process that reads the whole input map gets a map of its element alone: with inputs
   * given by reference the shared map holds references, not lists.
   */
  private boolean ownWholeMap() {
    return context.inputsByReference()
        && (context.form() == MapTaskSpec.Form.LEGACY
            || context.dataMode() != DataMode.INDIVIDUAL_INPUT_FILES);
  }

  /** {@code {{.input}}}: the shared whole input map, or this element's own map. */
  private Path inputFile(Attempt a, Map<String, Literal> inputs) throws IOException {
    if (ownWholeMap()) {
      LiteralMap.Builder map = LiteralMap.newBuilder();
      inputs.forEach(
          (name, value) ->
              map.putLiterals(
                  name,
                  context.boundInputs().contains(name)
                      ? value
                      : org.flytebeam.types.Literals.collection(List.of(value))));
      Path file = a.inputsDir().orElseThrow().resolve("inputs.pb");
      LocalFiles.writeInPlace(file, map.build().toByteArray());
      return file;
    }
    if (context.dataMode() == DataMode.INDIVIDUAL_INPUT_FILES
        && context.form() != MapTaskSpec.Form.LEGACY) {
      Path file = a.inputsDir().orElseThrow().resolve("inputs.pb");
      LocalFiles.writeInPlace(
          file, LiteralMap.newBuilder().putAllLiterals(inputs).build().toByteArray());
      return file;
    }
    if (LocalFiles.isLocal(context.inputsFile())) {
      return LocalFiles.toPath(context.inputsFile()).toAbsolutePath();
    }
    return workerFile(
        "inputs",
        "inputs/inputs.pb",
        temp -> Files.write(temp, LocalFiles.read(context.inputsFile())));
  }

  /** Whether the command names the input file, or its folder. */
  private boolean namesInputFile() {
    return uses(Kind.INPUT) || uses(Kind.INPUT_PREFIX);
  }

  private boolean needsTemplateFile() {
    return uses(Kind.TASK_TEMPLATE_PATH);
  }

  private boolean uses(Kind kind) {
    return command.argv().stream().anyMatch(t -> t.uses(kind));
  }

  private static boolean needsBundle(Command command) {
    return command.argv().stream().anyMatch(t -> t.uses(Kind.REMOTE_PACKAGE_PATH));
  }

  /**
   * {@code {{ .remote_package_path }}}: the code bundle as a file of this machine, the given one
   * when it is local, else a copy made once per JVM and run, keeping its name (pyflyte-fast-execute
   * unpacks it by its {@code .tar.gz} suffix).
   */
  private Path bundleFile() throws IOException {
    String bundle = context.process().fastBundle();
    if (bundle.isEmpty()) {
      // check() refuses such a run before it starts; a plan built around it still fails clearly.
      throw new IllegalArgumentException(
          FastRegistration.missingBundle(List.of(context.subTask().id().name())).orElseThrow());
    }
    if (LocalFiles.isLocal(bundle)) {
      return LocalFiles.toPath(bundle).toAbsolutePath();
    }
    String name = bundle.substring(bundle.lastIndexOf('/') + 1);
    String file = SafePaths.problem(name) == null ? name : "bundle.tar.gz";
    return workerFile(
        "fast-bundle",
        "fast-bundle/" + file,
        temp -> {
          Files.delete(temp);
          LocalFiles.copyIn(bundle, temp, false);
        });
  }

  private Path templateFile() throws IOException {
    return workerFile(
        "template",
        "task/task.pb",
        temp -> Files.write(temp, context.subTask().template().toByteArray()));
  }

  /** Writes a worker file's content into a temporary file, which is then moved into place. */
  @FunctionalInterface
  private interface Content {
    void writeTo(Path temp) throws IOException;
  }

  /** A file written once per JVM and run, shared by every attempt of this worker. */
  private Path workerFile(String what, String relative, Content content) throws IOException {
    try {
      return WORKER_FILES.computeIfAbsent(
          context.runId() + "/" + what,
          k -> {
            Path file = attemptsRoot.resolve(relative);
            try {
              Files.createDirectories(file.getParent());
              Path temp = Files.createTempFile(file.getParent(), what, ".tmp");
              content.writeTo(temp);
              Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
              return file;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Writes the ends of stdout and stderr into the attempt's folder, never through a link: the
   * program can reach that folder (its working folder's parent) and put one there.
   *
   * @return whether a log was written
   */
  private static boolean keepLogs(Attempt a, ProcessTree.Completed done) {
    boolean out = keepLog(a.dir().resolve(STDOUT_LOG), done.stdout());
    return keepLog(a.dir().resolve(STDERR_LOG), done.stderr()) || out;
  }

  private static boolean keepLog(Path file, TailBuffer tail) {
    if (tail.total() == 0) {
      return false;
    }
    try {
      LocalFiles.writeInPlace(file, tail.bytes());
      return true;
    } catch (IOException e) {
      // The logs are a courtesy: the attempt's outcome does not depend on them.
      return false;
    }
  }

  private List<Literal> outcome(Attempt a, ProcessTree.Completed done, Optional<Duration> timeout)
      throws AttemptFailedException {
    switch (done.ending()) {
      case TIMED_OUT:
        throw new AttemptFailedException(
            FailureKind.TIMED_OUT,
            "TimeoutError: attempt timed out after "
                + JavaTaskInvoker.format(timeout.orElseThrow()));
      case STOPPED:
        // Not a failure of the element: the runner marks it aborted as it stops.
        throw new AttemptFailedException(
            FailureKind.RECOVERABLE_SYSTEM, "aborted: the map could no longer succeed");
      case EXITED:
        break;
      default:
        throw new AssertionError(done.ending());
    }
    Optional<AttemptFailedException> error = errorDocument(a.outputs().resolve("error.pb"));
    if (error.isEmpty() && a.dataOut().isPresent()) {
      error = errorDocument(a.dataOut().get().resolve("error.pb"));
    }
    if (error.isPresent()) {
      throw error.get();
    }
    if (done.exitCode() != 0) {
      String tail = done.stderr().lastLines(ERROR_LINES, ERROR_CHARS);
      throw new AttemptFailedException(
          FailureKind.RECOVERABLE_USER,
          "exit code "
              + done.exitCode()
              + " without error.pb"
              + (tail.isEmpty() ? " (stderr empty)" : "; stderr: " + tail));
    }
    if (a.dataOut().isPresent()) {
      return dataConfigOutputs(a);
    }
    return outputsFile(a.outputs().resolve("outputs.pb"));
  }

  private List<Literal> dataConfigOutputs(Attempt a) throws AttemptFailedException {
    DataLoadingConfig data = command.dataConfig().orElseThrow();
    try {
      return DataConfigFiles.readOutputs(
          a.dataOut().orElseThrow(),
          data.getOutputPath(),
          context.subTask().scalarInterface().getOutputs(),
          data.getFormat(),
          (name, local) -> {
            String target =
                LocalFiles.join(
                    a.rawOutputPrefix(),
                    SafePaths.entry(a.dataOut().orElseThrow(), name, "name", "output")
                        .getFileName()
                        .toString());
            LocalFiles.moveOut(local, target);
            return target;
          });
    } catch (DataConfigFiles.OutputException | SafePaths.UnsafePathException e) {
      throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, e.getMessage(), e);
    } catch (IOException e) {
      throw new AttemptFailedException(
          FailureKind.RECOVERABLE_SYSTEM, "IOError: cannot read the outputs: " + e.getMessage(), e);
    }
  }

  /** The file a dynamic task writes to its output prefix instead of {@code outputs.pb}. */
  static final String FUTURES_FILE = "futures.pb";

  private List<Literal> outputsFile(Path file) throws AttemptFailedException {
    requireInside(file);
    Path futures = file.resolveSibling(FUTURES_FILE);
    if (!Files.isRegularFile(file) && Files.exists(futures, LinkOption.NOFOLLOW_LINKS)) {
      // What flytekit's @dynamic tasks write instead of their outputs: the workflow to run next.
      throw new AttemptFailedException(
          FailureKind.NON_RECOVERABLE,
          "DynamicWorkflowNotSupported: sub-task ["
              + context.subTask().id().name()
              + "] wrote futures.pb, the workflow a @dynamic task makes at run time, which"
              + " flyte-beam does not run yet: make it a @workflow, or run it on a Flyte cluster");
    }
    if (!Files.isRegularFile(file)) {
      if (outputNames.isEmpty()) {
        return List.of();
      }
      throw new AttemptFailedException(
          FailureKind.NON_RECOVERABLE,
          "OutputsNotFound: the process exited 0 without writing outputs.pb to {{.outputPrefix}}: it"
              + " must write the outputs "
              + outputNames);
    }
    LiteralMap map;
    try {
      map = LiteralMap.parseFrom(Files.readAllBytes(file));
    } catch (InvalidProtocolBufferException e) {
      throw new AttemptFailedException(
          FailureKind.NON_RECOVERABLE,
          "outputs.pb is not a flyteidl LiteralMap: " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new AttemptFailedException(
          FailureKind.RECOVERABLE_SYSTEM, "IOError: cannot read outputs.pb: " + e.getMessage(), e);
    }
    List<Literal> outputs = new ArrayList<>(outputNames.size());
    for (String name : outputNames) {
      Literal literal = map.getLiteralsMap().get(name);
      if (literal == null) {
        throw new AttemptFailedException(
            FailureKind.NON_RECOVERABLE,
            String.format(
                "outputs.pb has no output [%s] (it holds %s): write every declared output %s",
                name, map.getLiteralsMap().keySet(), outputNames));
      }
      outputs.add(literal);
    }
    return outputs;
  }

  /** A file the task wrote must not be a link to a file elsewhere, which would then be read. */
  private static void requireInside(Path file) throws AttemptFailedException {
    if (!Files.isSymbolicLink(file)) {
      return;
    }
    try {
      SafePaths.requireNoEscape(file.getParent(), file, "the output folder");
    } catch (IOException e) {
      throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, e.getMessage(), e);
    }
  }

  /** The failure an {@code error.pb} describes, if the attempt wrote one. */
  static Optional<AttemptFailedException> errorDocument(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      requireInside(file);
    } catch (AttemptFailedException e) {
      return Optional.of(e);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return Optional.of(
          new AttemptFailedException(
              FailureKind.RECOVERABLE_SYSTEM,
              "IOError: cannot read error.pb: " + e.getMessage(),
              e));
    }
    ErrorDocument doc;
    try {
      doc = ErrorDocument.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      doc = null;
    }
    if (doc == null || !doc.hasError()) {
      // Copilot's error file is plain text.
      String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
      return Optional.of(
          new AttemptFailedException(
              FailureKind.RECOVERABLE_USER,
              "User Error: " + (text.isEmpty() ? "an empty error file" : oneLine(text))));
    }
    return Optional.of(classify(doc.getError()));
  }

  /**
   * A container error as the attempt's failure: NON_RECOVERABLE fails the element at once;
   * RECOVERABLE retries on the system budget when its origin is SYSTEM, else on the user budget.
   */
  static AttemptFailedException classify(ContainerError error) {
    String message = summary(error.getMessage());
    if (message.isEmpty()) {
      message = "error.pb without a message (code [" + error.getCode() + "])";
    }
    FailureKind kind;
    if (error.getKind() == ContainerError.Kind.RECOVERABLE) {
      kind =
          error.getOrigin() == ExecutionError.ErrorKind.SYSTEM
              ? FailureKind.RECOVERABLE_SYSTEM
              : FailureKind.RECOVERABLE_USER;
    } else {
      kind = FailureKind.NON_RECOVERABLE;
    }
    return new AttemptFailedException(kind, message);
  }

  /**
   * The one-line gist of a container error's message: flytekit writes {@code Trace: <traceback>
   * Message: <type>: <text>}, of which the part after {@code Message:} is kept, so that elements
   * failing the same way group together.
   */
  static String summary(String message) {
    int at = message.lastIndexOf("\nMessage:");
    String gist = at >= 0 ? message.substring(at + "\nMessage:".length()) : message;
    return oneLine(gist);
  }

  private static String oneLine(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\r?\n|\r")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return String.join(" | ", lines);
  }
}

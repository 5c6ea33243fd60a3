package org.flytebeam.runner;

import com.google.protobuf.Timestamp;
import flyteidl.core.Errors.ContainerError;
import flyteidl.core.Errors.ErrorDocument;
import flyteidl.core.Execution.ExecutionError;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Types.LiteralType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.exec.AttemptFailedException;
import org.flytebeam.exec.ContainerInvoker;
import org.flytebeam.exec.FailureKind;
import org.flytebeam.exec.JavaTaskInvoker;
import org.flytebeam.exec.TaskRegistry;
import org.flytebeam.exec.process.LocalFiles;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.task.JavaTask;
import org.flytebeam.types.Literals;
import org.flytebeam.types.RecordCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flyte-beam execute}: one Java task run as a Flyte container, the command a {@code
 * java-task} template's container holds ({@code flyte-beam execute --task NAME --inputs {{.input}}
 * --output-prefix {{.outputPrefix}} ...}), so that an image holding flyte-beam runs it on a Flyte
 * cluster, and any runner can run it as a process.
 *
 * <p>Reads the inputs LiteralMap; in a map (when {@code BATCH_JOB_ARRAY_INDEX_VAR_NAME} names the
 * array index variable, as {@code pyflyte-map-execute} reads it) an input that holds a list where
 * the task expects one value is indexed by the array index, unless it is named bound by the loader
 * args ({@code -- vars <csv>}). Writes {@code outputs.pb}, or {@code error.pb} with the failure's
 * kind and origin: a {@code RecoverableException} is RECOVERABLE USER, any other exception
 * NON_RECOVERABLE USER, a JVM error RECOVERABLE SYSTEM. With loader args (the legacy {@code
 * container_array} form), the files go to {@code <output-prefix>/<index>/}, as flytekit's legacy
 * map resolver writes them.
 *
 * <p>The inputs and the output prefix may be URIs on a remote store: {@code --s3-endpoint} and
 * {@code --s3-region} as for {@code run}, and the Hadoop configuration of {@code hdfs://} paths
 * from {@code --hadoop-conf}, {@code HADOOP_CONF_DIR} or the class path.
 */
@Command(
    name = "execute",
    mixinStandardHelpOptions = true,
    description = {
      "Run one Java task as a Flyte container: read the inputs LiteralMap, write outputs.pb or"
          + " error.pb under the output prefix.",
      "Exit codes: 0 outputs.pb written; 1 the task failed (error.pb written); 2 unknown task or"
          + " invalid inputs (error.pb written when possible); 3 inputs or outputs unreadable or"
          + " unwritable."
    })
final class ExecuteCommand implements Callable<Integer> {
  @Spec CommandSpec command;

  @Mixin S3Flags s3 = new S3Flags();

  @Option(
      names = "--hadoop-conf",
      paramLabel = "DIR",
      description =
          "The Hadoop client configuration folder (core-site.xml, hdfs-site.xml) for hdfs:// inputs"
              + " and output prefix (default: HADOOP_CONF_DIR, else YARN_CONF_DIR).")
  String hadoopConf;

  @Option(
      names = "--task",
      required = true,
      paramLabel = "NAME",
      description = "The registered name of the Java task.")
  String task;

  @Option(
      names = "--inputs",
      required = true,
      paramLabel = "FILE",
      description = "The inputs LiteralMap (binary), e.g. {{.input}}: a path or a URI.")
  String inputs;

  @Option(
      names = "--output-prefix",
      required = true,
      paramLabel = "DIR",
      description = "Where outputs.pb or error.pb is written, e.g. {{.outputPrefix}}.")
  String outputPrefix;

  @Option(
      names = "--raw-output-data-prefix",
      paramLabel = "DIR",
      description = "Accepted for Flyte's contract; Java tasks write no raw data.")
  String rawOutputDataPrefix;

  @Option(
      names = "--checkpoint-path",
      paramLabel = "DIR",
      description = "Accepted for Flyte's contract.")
  String checkpointPath;

  @Option(
      names = "--prev-checkpoint",
      paramLabel = "DIR",
      description = "Accepted for Flyte's contract.")
  String prevCheckpoint;

  @Option(names = "--verbose", description = "Show stack traces.")
  boolean verbose;

  @Parameters(
      paramLabel = "LOADER_ARGS",
      arity = "0..*",
      description = "After --: map loader args, e.g. vars <bound csv> (the legacy form).")
  List<String> loaderArgs = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = command.commandLine().getErr();
    Logging.configure(verbose);
    try {
      configureFileSystems();
    } catch (InvalidDefinitionException e) {
      // No error.pb: the output prefix may be on the very store that is misconfigured.
      return Failures.report(err, e, verbose);
    }
    OptionalLong index;
    try {
      index = arrayIndex();
    } catch (InvalidDefinitionException e) {
      return fail(err, outputPrefix, e);
    }
    String prefix =
        !loaderArgs.isEmpty() && index.isPresent()
            ? LocalFiles.join(outputPrefix, Long.toString(index.getAsLong()))
            : outputPrefix;
    JavaTaskInvoker invoker;
    Map<String, Literal> taskInputs;
    try {
      JavaTask<?, ?> javaTask = TaskRegistry.current().get(task);
      invoker = new JavaTaskInvoker(javaTask);
      taskInputs = taskInputs(javaTask, readInputs(), index);
    } catch (InvalidDefinitionException | InfrastructureException e) {
      return fail(err, prefix, e);
    }
    int attempt = attemptNumber();
    List<Literal> outputs;
    try {
      outputs = invoker.invoke(elementIndex(index), attempt, taskInputs, Optional.empty());
    } catch (AttemptFailedException e) {
      return fail(err, prefix, e);
    } finally {
      invoker.close();
    }
    LiteralMap.Builder map = LiteralMap.newBuilder();
    for (int i = 0; i < outputs.size(); i++) {
      map.putLiterals(invoker.outputNames().get(i), outputs.get(i));
    }
    try {
      write(prefix, "outputs.pb", map.build().toByteArray());
    } catch (RuntimeException e) {
      return Failures.report(
          err,
          new InfrastructureException(
              "cannot write outputs.pb to ["
                  + prefix
                  + "]: "
                  + e.getMessage()
                  + ": check that the output prefix is writable",
              e),
          verbose);
    }
    return ExitCode.SUCCESS;
  }

  /**
   * Beam's file systems set up for the remote stores the options name, as {@code run} does: the S3
   * endpoint and region, the Hadoop configuration. Nothing when none is named, so a local run
   * builds no client.
   */
  private void configureFileSystems() {
    List<String> args = new ArrayList<>(s3.apply(List.of()));
    HadoopConf.beamOption(hadoopConf, System.getenv(), args).ifPresent(args::add);
    if (!args.isEmpty()) {
      FileSystems.setDefaultPipelineOptions(
          PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).create());
    }
  }

  /**
   * The array index as flytekit computes it: the variable named by the index variable, plus the
   * offset.
   */
  private static OptionalLong arrayIndex() {
    String variable = System.getenv("BATCH_JOB_ARRAY_INDEX_VAR_NAME");
    if (variable == null || variable.isEmpty() || System.getenv(variable) == null) {
      return OptionalLong.empty();
    }
    String offset = System.getenv("BATCH_JOB_ARRAY_INDEX_OFFSET");
    try {
      return OptionalLong.of(
          Long.parseLong(System.getenv(variable).strip())
              + (offset == null || offset.isBlank() ? 0 : Long.parseLong(offset.strip())));
    } catch (NumberFormatException e) {
      throw new InvalidDefinitionException(
          "the array index ["
              + System.getenv(variable)
              + "] in ["
              + variable
              + "] is not a number");
    }
  }

  /**
   * The element's index in the whole map, for the task's context: the array index, except in an
   * element's own input map (inputs given by reference), whose index is 0 while {@code
   * FLYTE_K8S_ARRAY_INDEX} is the element's.
   */
  private static long elementIndex(OptionalLong index) {
    String own = System.getenv("FLYTE_K8S_ARRAY_INDEX");
    if (ContainerInvoker.ELEMENT_INDEX_VARIABLE.equals(
            System.getenv("BATCH_JOB_ARRAY_INDEX_VAR_NAME"))
        && own != null) {
      try {
        return Long.parseLong(own.strip());
      } catch (NumberFormatException e) {
        // Not a number: the array index is all there is.
      }
    }
    return index.orElse(0);
  }

  private static int attemptNumber() {
    String attempt = System.getenv("FLYTE_ATTEMPT_NUMBER");
    try {
      return attempt == null || attempt.isBlank() ? 0 : Integer.parseInt(attempt.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private LiteralMap readInputs() {
    try {
      return LiteralMap.parseFrom(LocalFiles.read(inputs));
    } catch (IOException e) {
      throw new InfrastructureException(
          "cannot read the inputs [" + inputs + "]: " + e.getMessage(), e);
    }
  }

  /**
   * The task's own inputs: each as given, or, in a map, the index-th item of a list given where the
   * task expects one value (the whole input map of {@code SINGLE_INPUT_FILE}).
   */
  private Map<String, Literal> taskInputs(
      JavaTask<?, ?> javaTask, LiteralMap given, OptionalLong index) {
    List<String> bound =
        DefinitionReader.boundInputsFromArgs(withSeparator(loaderArgs)).orElse(List.of());
    Map<String, LiteralType> types = new LinkedHashMap<>();
    RecordCodec.of(javaTask.inputType())
        .toVariableMap()
        .getVariablesMap()
        .forEach((name, v) -> types.put(name, v.getType()));
    Map<String, Literal> result = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, LiteralType> e : types.entrySet()) {
      String name = e.getKey();
      Literal value = given.getLiteralsMap().get(name);
      if (value == null) {
        problems.add(
            String.format(
                "input [%s] of task [%s] is missing from [%s] (it holds %s)",
                name, task, inputs, given.getLiteralsMap().keySet()));
        continue;
      }
      boolean mapped =
          index.isPresent()
              && !bound.contains(name)
              && value.hasCollection()
              && !Literals.fits(value, e.getValue());
      if (mapped) {
        List<Literal> items = value.getCollection().getLiteralsList();
        if (index.getAsLong() >= items.size()) {
          problems.add(
              String.format(
                  "input [%s] has %d items, too few for array index %d",
                  name, items.size(), index.getAsLong()));
          continue;
        }
        value = items.get((int) index.getAsLong());
      }
      result.put(name, value);
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return result;
  }

  private static List<String> withSeparator(List<String> loaderArgs) {
    List<String> args = new ArrayList<>(loaderArgs.size() + 1);
    args.add("--");
    args.addAll(loaderArgs);
    return args;
  }

  /**
   * Writes error.pb (when the prefix is writable) and says what failed, in one line: a task's own
   * failure has its kind; bad inputs are not recoverable; unreadable inputs are the system's.
   */
  private int fail(PrintWriter err, String prefix, Exception cause) {
    FailureKind kind =
        cause instanceof AttemptFailedException attempt
            ? attempt.kind()
            : cause instanceof InfrastructureException
                ? FailureKind.RECOVERABLE_SYSTEM
                : FailureKind.NON_RECOVERABLE;
    ContainerError.Builder error =
        ContainerError.newBuilder()
            .setCode(kind == FailureKind.RECOVERABLE_SYSTEM ? "SYSTEM" : "USER")
            .setMessage(flytekitStyle(Failures.message(cause), cause))
            .setKind(
                kind == FailureKind.NON_RECOVERABLE
                    ? ContainerError.Kind.NON_RECOVERABLE
                    : ContainerError.Kind.RECOVERABLE)
            .setOrigin(
                kind == FailureKind.RECOVERABLE_SYSTEM
                    ? ExecutionError.ErrorKind.SYSTEM
                    : ExecutionError.ErrorKind.USER)
            .setTimestamp(now());
    try {
      write(prefix, "error.pb", ErrorDocument.newBuilder().setError(error).build().toByteArray());
    } catch (RuntimeException e) {
      Failures.line(err, "cannot write error.pb to [" + prefix + "]: " + e.getMessage());
    }
    return Failures.report(err, "task [" + task + "] failed: ", cause, verbose);
  }

  /** Flytekit's layout: the trace, then the message after {@code Message:} that groups failures. */
  private static String flytekitStyle(String message, Throwable cause) {
    Throwable root =
        cause instanceof AttemptFailedException && cause.getCause() != null
            ? cause.getCause()
            : cause;
    StringWriter trace = new StringWriter();
    if (root != null) {
      root.printStackTrace(new PrintWriter(trace));
    }
    return "Trace:\n\n" + trace.toString().indent(4) + "\nMessage:\n\n" + message.indent(4);
  }

  private static Timestamp now() {
    long millis = System.currentTimeMillis();
    return Timestamp.newBuilder()
        .setSeconds(millis / 1000)
        .setNanos((int) (millis % 1000) * 1_000_000)
        .build();
  }

  /** Writes through Beam's file systems: a local path (parent folders made) or any URI. */
  private static void write(String prefix, String name, byte[] bytes) {
    MapRunPlan.writeBytes(LocalFiles.join(prefix, name), bytes);
  }
}

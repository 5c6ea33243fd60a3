package org.flytebeam.runner;

import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.beam.MapResult;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.RunControl;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.spec.MapTaskSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Option(names = "--definition", required = true, paramLabel = "FILE",
      description = "The map task definition: flyteidl JSON (.json) or binary (.pb).")
  Path definition;

  @Option(names = "--inputs", required = true, paramLabel = "FILE",
      description = "The workflow's inputs: a flyteidl LiteralMap (.json or .pb) or a plain JSON object.")
  Path inputs;

  @Option(names = "--outputs", paramLabel = "FILE",
      description = "Where to write the output LiteralMap: protobuf JSON (.json) or binary (.pb)."
          + " Without it, outputs are printed as plain JSON.")
  Path outputs;

  @Option(names = "--runner", defaultValue = "DirectRunner", paramLabel = "RUNNER",
      description = "DirectRunner (default, embedded) or SparkRunner.")
  RunnerKind runner;

  @Option(names = "--spark-master", defaultValue = "local[*]", paramLabel = "URL",
      description = "For the SparkRunner: local[N], local[*] (default) or spark://HOST:PORT.")
  String sparkMaster;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "The run folder, reachable from every worker (default: a temporary folder, removed after the run).")
  String workDir;

  @Option(names = "--verbose", description = "Show stack traces and the runners' info logs.")
  boolean verbose;

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
    } catch (InvalidDefinitionException e) {
      return fail(err, ExitCode.INVALID, e.getMessage(), e);
    } catch (InfrastructureException e) {
      return fail(err, ExitCode.INFRASTRUCTURE, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      return fail(err, ExitCode.INFRASTRUCTURE, "unexpected failure: " + FlyteBeam.rootMessage(e), e);
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

  private int run(PrintWriter out, PrintWriter err) throws IOException {
    MapTaskSpec spec = DefinitionReader.read(definition);
    LiteralMap workflowInputs = LiteralFiles.readInputs(inputs, spec.workflowInterface().getInputs());
    RunOptions options =
        new RunOptions(runner, sparkMaster, Optional.ofNullable(workDir), List.of());
    MapResult result = FlyteBeam.run(spec, workflowInputs, options);
    try {
      LiteralMap outputs = result.outputs();
      if (this.outputs != null) {
        LiteralFiles.writeOutputs(this.outputs, outputs);
      } else {
        out.println(LiteralFiles.plainJson(outputs));
      }
      if (interrupted) {
        err.println("error: interrupted: " + result.verdict().summary() + "; finished elements' outputs were written");
        return ExitCode.INTERRUPTED;
      }
      if (!result.success()) {
        err.println("error: " + result.verdict().summary());
        printFailures(err, result.verdict().errors());
        return ExitCode.MAP_FAILED;
      }
      return ExitCode.SUCCESS;
    } finally {
      if (workDir == null) {
        FlyteBeam.deleteLocalFolder(result.plan().workDir());
      }
    }
  }

  static void printFailures(PrintWriter err, ErrorGroups errors) {
    errors.format().lines().filter(line -> !line.isEmpty()).forEach(line -> err.println("  " + line));
  }

  private int fail(PrintWriter err, int code, String message, Throwable e) {
    err.println("error: " + message);
    if (verbose) {
      e.printStackTrace(err);
    }
    return interrupted ? ExitCode.INTERRUPTED : code;
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
}

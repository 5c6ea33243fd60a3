package org.flytebeam.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.flytebeam.exec.process.ProcessTree;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code flyte-beam} command line. */
@Command(
    name = "flyte-beam",
    mixinStandardHelpOptions = true,
    versionProvider = Versions.class,
    description = "Run Flyte map tasks on Apache Beam: the DirectRunner or Spark.",
    footer = {
      "",
      "Exit codes: 0 success; 1 the map failed its success criteria; 2 invalid usage,"
          + " definition or inputs; 3 runner or cluster failure; 130 interrupted.",
      "See 'flyte-beam help COMMAND' for a command's options."
    },
    subcommands = {
      RunCommand.class,
      DescribeCommand.class,
      DefineCommand.class,
      ExecuteCommand.class,
      HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  @Spec CommandSpec command;

  public static void main(String[] args) {
    // Before anything reads a registrar: on the DirectRunner, Spark's, Scala's (and Hadoop's,
    // without a Hadoop configuration) stay hidden from ServiceLoader.
    DirectServices.installFor(args);
    Thread.setDefaultUncaughtExceptionHandler(quietOutOfMemory(System.err));
    // Before this JVM starts a process: element programs without the JDK's helper in between.
    ProcessTree.preferDirectLaunch();
    int code =
        execute(
            args,
            new PrintWriter(new OutputStreamWriter(System.out, UTF_8), true),
            new PrintWriter(new OutputStreamWriter(System.err, UTF_8), true));
    // A cluster-mode driver (YARN) runs main in Spark's application master, which reports the
    // application SUCCEEDED only when main returns: exiting the JVM there, even with 0, is reported
    // as a failed application ("Shutdown hook called before final status was reported").
    if (code == 0 && "cluster".equals(System.getProperty("spark.submit.deployMode"))) {
      return;
    }
    System.exit(code);
  }

  /**
   * The handler of exceptions no thread caught: as the JVM's own (the thread's name and the stack
   * trace), except an {@link OutOfMemoryError} in a background thread (an HTTP keep-alive timer, a
   * runner's bookkeeping), which is left unsaid: the heap the run shares is exhausted, so the run
   * fails too and says so in its one line ("the driver ran out of memory ..."), which a JDK
   * thread's stack trace must not come before.
   */
  static Thread.UncaughtExceptionHandler quietOutOfMemory(java.io.PrintStream err) {
    return (thread, e) -> {
      if (e instanceof OutOfMemoryError) {
        return;
      }
      err.print("Exception in thread \"" + thread.getName() + "\" ");
      e.printStackTrace(err);
    };
  }

  /** Runs the command line and returns its exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    // Every command's failures that reach here, and usage errors: the one mapping.
    cli.setParameterExceptionHandler((e, a) -> Failures.report(err, e, false));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> Failures.report(err, e, false));
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    PrintWriter err = command.commandLine().getErr();
    err.println("error: a command is required: run, describe, define, execute or help");
    command.commandLine().usage(err);
    return ExitCode.INVALID;
  }
}

package org.flytebeam.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flyte-beam} command line. */
@Command(
    name = "flyte-beam",
    mixinStandardHelpOptions = true,
    version = "flyte-beam 0.1.0",
    description = "Run Flyte map tasks on Apache Beam: the DirectRunner or Spark.",
    subcommands = {RunCommand.class, DescribeCommand.class, ExecuteCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(
        execute(
            args,
            new PrintWriter(new OutputStreamWriter(System.out, UTF_8), true),
            new PrintWriter(new OutputStreamWriter(System.err, UTF_8), true)));
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
  public void run() {
    new CommandLine(this).usage(System.err);
  }
}

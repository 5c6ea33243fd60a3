package org.flytebeam.runner;

import java.io.PrintWriter;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.AttemptFailedException;
import picocli.CommandLine;

/**
 * The one place where a failure becomes the CLI's exit code ({@link ExitCode}) and its one {@code
 * error:} line, for every command: a stack trace only when asked ({@code --verbose}).
 *
 * <table>
 *   <caption>Exit codes by exception type</caption>
 *   <tr><th>exception</th><th>exit code</th><th>line</th></tr>
 *   <tr><td>a usage error (picocli)</td><td>2</td><td>its message, and where to read the help</td></tr>
 *   <tr><td>{@link InvalidDefinitionException}</td><td>2</td><td>its message</td></tr>
 *   <tr><td>{@link AttemptFailedException}</td><td>1</td><td>its message</td></tr>
 *   <tr><td>{@link InfrastructureException}</td><td>3</td><td>its message</td></tr>
 *   <tr><td>{@link OutOfMemoryError}</td><td>3</td><td>what to do about it</td></tr>
 *   <tr><td>any other</td><td>3</td><td>unexpected failure: its root cause</td></tr>
 * </table>
 */
final class Failures {
  private Failures() {}

  /** The exit code of a failure. */
  static int exitCode(Throwable e) {
    if (e instanceof CommandLine.ParameterException || e instanceof InvalidDefinitionException) {
      return ExitCode.INVALID;
    }
    if (e instanceof AttemptFailedException) {
      return ExitCode.MAP_FAILED;
    }
    return ExitCode.INFRASTRUCTURE;
  }

  /** What the {@code error:} line says about a failure. */
  static String message(Throwable e) {
    if (e instanceof CommandLine.ParameterException p) {
      return p.getMessage() + " (see flyte-beam " + subcommandName(p) + "--help)";
    }
    if (e instanceof InvalidDefinitionException
        || e instanceof AttemptFailedException
        || e instanceof InfrastructureException) {
      return e.getMessage();
    }
    if (e instanceof OutOfMemoryError) {
      // Whatever filled the heap is unreachable by now, so there is room to say so in one line.
      return "the driver ran out of memory ("
          + e.getMessage()
          + "): for big outputs use --outputs-dir,"
          + " else give the JVM more heap (FLYTE_BEAM_JAVA_OPTS=-Xmx4g)";
    }
    java.util.Optional<String> s3 = S3Errors.describe(e, null);
    if (s3.isPresent()) {
      return s3.get();
    }
    return "unexpected failure: " + FlyteBeam.rootMessage(e);
  }

  /**
   * Prints the failure's one {@code error:} line (after {@code context}, e.g. which task failed),
   * its stack trace when {@code verbose}, and returns its exit code.
   */
  static int report(PrintWriter err, String context, Throwable e, boolean verbose) {
    line(err, context + message(e));
    if (verbose) {
      e.printStackTrace(err);
    }
    return exitCode(e);
  }

  /** {@link #report(PrintWriter, String, Throwable, boolean)} without context. */
  static int report(PrintWriter err, Throwable e, boolean verbose) {
    return report(err, "", e, verbose);
  }

  /** Prints an {@code error:} line: the run's outcome, or a failure. */
  static void line(PrintWriter err, String message) {
    err.println("error: " + oneLine(message));
  }

  /**
   * {@code message} on one line: names and values from hostile files may hold line breaks or
   * terminal escapes, which would split the error line or reach the terminal raw.
   */
  static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(message.length());
    message
        .codePoints()
        .forEach(
            c -> {
              if (c == '\n') {
                b.append("\\n");
              } else if (c == '\r') {
                b.append("\\r");
              } else if (c == '\t') {
                b.append("\\t");
              } else if (Character.isISOControl(c)
                  || Character.getType(c) == Character.FORMAT
                  || Character.getType(c) == Character.LINE_SEPARATOR
                  || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }

  private static String subcommandName(CommandLine.ParameterException e) {
    CommandLine command = e.getCommandLine();
    return command == null || command.getParent() == null ? "" : command.getCommandName() + " ";
  }
}

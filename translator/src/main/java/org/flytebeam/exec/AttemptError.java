package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import org.flytebeam.exec.process.TaskText;

/**
 * One failed attempt of an element: its number (1 for the first), its error text, and the stack
 * trace of the exception a Java task threw ({@code ""} for process tasks, whose stderr is in the
 * error text).
 */
public record AttemptError(int attempt, String error, String stackTrace) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Stack traces are cut to this many lines: the frames nearest the failure say the most. */
  public static final int MAX_TRACE_LINES = 40;

  /** Failed attempts kept per element: the last ones (a retried element's first errors repeat). */
  public static final int MAX_KEPT = 5;

  public AttemptError {
    // A task's own text, shown in the report and the summary: never raw control characters; a
    // stack trace keeps its lines.
    error = TaskText.escape(requireNonNull(error, "error"));
    stackTrace = TaskText.escapeKeepingLines(requireNonNull(stackTrace, "stackTrace"));
  }

  /**
   * The stack trace of {@code t}, without the frames from the invoker that called the task down
   * (they are the same for every element), cut to {@link #MAX_TRACE_LINES} lines; {@code ""} for
   * null.
   */
  public static String traceOf(Throwable t) {
    if (t == null) {
      return "";
    }
    StringWriter text = new StringWriter();
    t.printStackTrace(new PrintWriter(text));
    StringBuilder out = new StringBuilder();
    int lines = 0;
    int omitted = 0;
    boolean belowTask = false;
    for (String line : text.toString().split("\\R")) {
      String frame = line.strip();
      if (frame.startsWith("Caused by:") || frame.startsWith("Suppressed:")) {
        belowTask = false;
      } else if (frame.startsWith("at org.flytebeam.exec.JavaTaskInvoker")
          || frame.startsWith("at org.flytebeam.exec.ElementRunner.")) {
        // The invoker and the thread machinery beneath the task: the same for every element.
        belowTask = true;
      }
      if (line.isBlank() || belowTask || lines == MAX_TRACE_LINES) {
        omitted += line.isBlank() ? 0 : 1;
        continue;
      }
      out.append(line).append('\n');
      lines++;
    }
    if (omitted > 0) {
      out.append("\t... ").append(omitted).append(" more lines\n");
    }
    return out.toString();
  }
}

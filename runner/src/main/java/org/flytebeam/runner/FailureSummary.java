package org.flytebeam.runner;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.exec.ErrorGroups;

/**
 * The few lines a run that had failed elements ends with on stderr, whether the map passed or not:
 * the counts, then the largest failure groups, each with its index ranges, its error (the text
 * itself, or its pattern with a concrete example when the texts differed) and, with {@code
 * --verbose}, the stack trace of a Java task's exception.
 */
final class FailureSummary {
  /** Groups shown; the rest are counted (the report and the summary file have them all). */
  static final int SHOWN_GROUPS = 5;

  /** Index ranges shown per group. */
  static final int SHOWN_RANGES = 8;

  /** Lines of a multi-line error (a process's stderr) shown per group. */
  static final int SHOWN_LINES = 10;

  private FailureSummary() {}

  /** Whether the run had failures worth listing: failed or timed-out elements. */
  static boolean any(MapVerdict v) {
    return !v.errors().isEmpty() && (v.failed() + v.timedOut() > 0 || !v.success());
  }

  static void print(PrintWriter err, MapVerdict v, boolean verbose) {
    List<ErrorGroups.Group> groups = new ArrayList<>(v.errors().groups());
    long aborted = v.size() - v.succeeded() - v.failed() - v.timedOut();
    StringBuilder head = new StringBuilder("failures: ");
    head.append(v.failed()).append(" failed");
    if (v.timedOut() > 0) {
      head.append(", ").append(v.timedOut()).append(" timed out");
    }
    if (aborted > 0) {
      head.append(", ").append(aborted).append(" aborted");
    }
    head.append(" (")
        .append(groups.size())
        .append(groups.size() == 1 ? " kind of error" : " kinds of error");
    if (groups.size() > SHOWN_GROUPS) {
      head.append(", the ").append(SHOWN_GROUPS).append(" largest below");
    }
    head.append("):");
    err.println(head);
    // The largest groups first; among equal ones, the one failing first.
    List<ErrorGroups.Group> largest = new ArrayList<>(groups);
    largest.sort(
        Comparator.comparingLong(ErrorGroups.Group::count)
            .reversed()
            .thenComparingLong(g -> g.ranges().get(0)[0]));
    for (ErrorGroups.Group g : largest.subList(0, Math.min(SHOWN_GROUPS, largest.size()))) {
      printGroup(err, g, verbose);
    }
    long rest = v.errors().otherFailures();
    for (ErrorGroups.Group g :
        largest.subList(Math.min(SHOWN_GROUPS, largest.size()), largest.size())) {
      rest += g.count();
    }
    if (rest > 0) {
      err.println(
          "  ... and "
              + rest
              + " more failed elements with other errors: see --report or --summary for all");
    }
  }

  private static void printGroup(PrintWriter err, ErrorGroups.Group g, boolean verbose) {
    List<String> lines = g.message().lines().toList();
    String first = lines.isEmpty() ? "" : lines.get(0);
    err.println(
        "  " + ranges(g) + ": " + first + (g.count() > 1 ? " (" + g.count() + " elements)" : ""));
    for (int k = 1; k < Math.min(lines.size(), SHOWN_LINES); k++) {
      err.println("    " + lines.get(k));
    }
    if (lines.size() > SHOWN_LINES) {
      err.println("    ... " + (lines.size() - SHOWN_LINES) + " more lines (see --report)");
    }
    if (g.varied()) {
      for (ErrorGroups.Example e : g.examples()) {
        err.println("      e.g. [" + e.index() + "] " + e.message().lines().findFirst().orElse(""));
      }
    }
    if (verbose && !g.examples().isEmpty() && !g.examples().get(0).stackTrace().isEmpty()) {
      ErrorGroups.Example e = g.examples().get(0);
      err.println("      stack trace of element " + e.index() + ":");
      e.stackTrace().lines().forEach(line -> err.println("      " + line));
    }
  }

  /** The group's index ranges, the first {@link #SHOWN_RANGES} of them. */
  static String ranges(ErrorGroups.Group g) {
    return ranges(g, SHOWN_RANGES);
  }

  /** The group's first {@code max} index ranges, and how many indices they leave out. */
  static String ranges(ErrorGroups.Group g, int max) {
    StringBuilder s = new StringBuilder();
    int n = Math.min(max, g.ranges().size());
    long listed = 0;
    for (int k = 0; k < n; k++) {
      long[] r = g.ranges().get(k);
      s.append('[').append(r[0]);
      if (r[1] != r[0]) {
        s.append('-').append(r[1]);
      }
      s.append(']');
      listed += r[1] - r[0] + 1;
    }
    if (g.count() > listed) {
      s.append(" (+").append(g.count() - listed).append(" more)");
    }
    return s.toString();
  }
}

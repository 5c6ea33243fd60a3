package org.flytebeam.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flytebeam.beam.MapResult;

/** Writes {@code --report} (HTML) and {@code --summary} (JSON) of a finished run, failed or not. */
final class RunReportFiles {
  private RunReportFiles() {}

  /** Does nothing when neither file is asked for; either may be null. */
  static void write(MapResult result, String runner, long startedAtMillis, Path html, Path json) {
    write(result, runner, startedAtMillis, List.of(), html, json);
  }

  /** As above, recording the command line's arguments. */
  static void write(
      MapResult result,
      String runner,
      long startedAtMillis,
      List<String> commandLine,
      Path html,
      Path json) {
    if (html == null && json == null) {
      return;
    }
    try {
      writeReport(result, runner, startedAtMillis, commandLine, html, json);
    } finally {
      // The report read the elements' inputs back: forget them, as the run did.
      result.plan().release();
    }
  }

  private static void writeReport(
      MapResult result,
      String runner,
      long startedAtMillis,
      List<String> commandLine,
      Path html,
      Path json) {
    RunReport report =
        RunReport.of(
            result,
            runner,
            startedAtMillis,
            System.currentTimeMillis() - startedAtMillis,
            commandLine);
    if (html == null) {
      // Streamed: the summary of a big run is never held in memory.
      write(
          json,
          "--summary",
          out -> {
            report.writeJson(out);
            out.append('\n');
          });
      return;
    }
    // The HTML report embeds the whole summary: it is as large as the run.
    String summary = report.toJson();
    if (json != null) {
      write(json, "--summary", out -> out.append(summary).append('\n'));
    }
    write(html, "--report", out -> out.append(HtmlReport.render(report, summary)));
  }

  private interface Content {
    void writeTo(Writer out) throws IOException;
  }

  private static void write(Path file, String option, Content content) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        content.writeTo(out);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new InfrastructureException(
          "cannot write " + option + " [" + file + "]: " + FlyteBeam.rootMessage(e), e);
    }
  }
}

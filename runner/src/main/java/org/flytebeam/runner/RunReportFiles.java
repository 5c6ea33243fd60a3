package org.flytebeam.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flytebeam.beam.MapResult;

/** Writes {@code --report} (HTML) and {@code --summary} (JSON) of a finished run, failed or not. */
final class RunReportFiles {
  private RunReportFiles() {}

  /** Does nothing when neither file is asked for; either may be null. */
  static void write(MapResult result, String runner, long startedAtMillis, Path html, Path json) {
    if (html == null && json == null) {
      return;
    }
    RunReport report =
        RunReport.of(result, runner, startedAtMillis, System.currentTimeMillis() - startedAtMillis);
    String summary = report.toJson();
    if (json != null) {
      write(json, summary + "\n", "--summary");
    }
    if (html != null) {
      write(html, HtmlReport.render(report, summary), "--report");
    }
  }

  private static void write(Path file, String text, String option) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InfrastructureException(
          "cannot write " + option + " [" + file + "]: " + FlyteBeam.rootMessage(e), e);
    }
  }
}

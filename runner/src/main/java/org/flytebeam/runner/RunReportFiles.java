package org.flytebeam.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.beam.MapResult;
import org.flytebeam.exec.AtomicFiles;
import org.flytebeam.spec.MapTaskSpec;

/**
 * Writes {@code --report} (HTML) and {@code --summary} (JSON) of a run: finished, failed, or ended
 * by an error before any element ran.
 */
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

  /**
   * For a run that ended before it had a result (invalid usage, definition or inputs: exit 2; a
   * runner failure: exit 3): the summary and the report still say what happened, with the error.
   * {@code spec} is null when the definition itself could not be read. Does nothing when neither
   * file is asked for.
   */
  static void writeError(
      int exitCode,
      String error,
      MapTaskSpec spec,
      String runner,
      long startedAtMillis,
      Path html,
      Path json) {
    if (html == null && json == null) {
      return;
    }
    ObjectNode root = ERROR_JSON.createObjectNode();
    root.put("schemaVersion", RunReport.SCHEMA_VERSION);
    if (spec != null) {
      ObjectNode definition = root.putObject("definition");
      definition.put("name", spec.name());
      definition.put("form", spec.form().name());
      definition.put("subTask", spec.subTask().id().name());
      definition.put("subTaskType", spec.subTask().type());
    } else {
      root.putNull("definition");
    }
    ObjectNode run = root.putObject("run");
    run.put("runner", runner);
    run.put("startedAtEpochMillis", startedAtMillis);
    run.put("wallMillis", System.currentTimeMillis() - startedAtMillis);
    ObjectNode outcome = root.putObject("outcome");
    outcome.put("success", false);
    outcome.put("exitCode", exitCode);
    outcome.put("error", error);
    outcome.put(
        "summary",
        (exitCode == ExitCode.INVALID ? "invalid usage, definition or inputs" : "the run failed")
            + ": no element ran");
    String text;
    try {
      text = ERROR_JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (json != null) {
      write(json, "--summary", out -> out.append(text).append('\n'));
    }
    if (html != null) {
      write(
          html,
          "--report",
          out ->
              out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                  .append("<title>flyte-beam run report</title></head><body>\n")
                  .append("<h1>flyte-beam run report</h1>\n")
                  .append("<p id=\"verdict\" class=\"bad\">exit ")
                  .append(String.valueOf(exitCode))
                  .append(": no element ran</p>\n<p>")
                  .append(spec == null ? "" : "map task " + HtmlReport.esc(spec.name()) + "<br>")
                  .append("runner ")
                  .append(HtmlReport.esc(runner))
                  .append("</p>\n<pre id=\"error\">error: ")
                  .append(HtmlReport.esc(error))
                  .append("</pre>\n<script type=\"application/json\" id=\"data\">")
                  .append(text.replace("</", "<\\/"))
                  .append("</script>\n</body></html>\n"));
    }
  }

  private static final ObjectMapper ERROR_JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private interface Content {
    void writeTo(Writer out) throws IOException;
  }

  /** Writes {@code text} to {@code file}, whole or not at all, for option {@code option}. */
  static void writeText(Path file, String option, String text) {
    write(file, option, out -> out.append(text));
  }

  private static void write(Path file, String option, Content content) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // Written beside and renamed: a failed write keeps the previous file whole.
      AtomicFiles.write(
          file.toAbsolutePath().toString(),
          MimeTypes.TEXT,
          raw -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8));
            content.writeTo(out);
            out.flush();
          });
    } catch (IOException | UncheckedIOException e) {
      throw new InfrastructureException(
          "cannot write " + option + " [" + file + "]: " + FlyteBeam.rootMessage(e), e);
    }
  }
}

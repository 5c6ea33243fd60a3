package org.flytebeam.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.graph.FlytePackage;

/**
 * {@code --summary} (JSON) and {@code --report} (HTML) of a workflow run: the entity, the run, the
 * outcome with its error, and every node's outcome (status, times, error, and for a map its
 * elements' counts and verdict; for a map over launch plans or sub-workflows also the node
 * executions inside its elements, {@code elements.nodes}), in the order the nodes ended.
 */
final class WorkflowReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WorkflowReport() {}

  /** Does nothing when neither file is asked for; either may be null. */
  static void write(
      WorkflowResult result,
      FlytePackage.Entity entity,
      int exitCode,
      String runner,
      long startedAtMillis,
      List<String> commandLine,
      Path html,
      Path json) {
    if (html == null && json == null) {
      return;
    }
    ObjectNode root = toJson(result, entity, exitCode, runner, startedAtMillis, commandLine);
    String text;
    try {
      text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (json != null) {
      RunReportFiles.writeText(json, "--summary", text + "\n");
    }
    if (html != null) {
      RunReportFiles.writeText(html, "--report", html(root));
    }
  }

  static ObjectNode toJson(
      WorkflowResult result,
      FlytePackage.Entity entity,
      int exitCode,
      String runner,
      long startedAtMillis,
      List<String> commandLine) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", RunReport.SCHEMA_VERSION);
    ObjectNode workflow = root.putObject("workflow");
    workflow.put("name", entity.name());
    workflow.put("kind", PackageDescription.kind(entity));
    ObjectNode run = root.putObject("run");
    run.put("runner", runner);
    run.put("startedAtEpochMillis", startedAtMillis);
    run.put("wallMillis", System.currentTimeMillis() - startedAtMillis);
    run.put("commandLine", RunReport.shellLine(commandLine));
    ObjectNode outcome = root.putObject("outcome");
    outcome.put("success", result.success());
    outcome.put("exitCode", exitCode);
    if (result.error().isPresent()) {
      outcome.put("error", result.error().get());
    } else {
      outcome.putNull("error");
    }
    ArrayNode nodes = root.putArray("nodes");
    for (WorkflowResult.NodeOutcome n : result.nodes()) {
      ObjectNode node = nodes.addObject();
      node.put("path", n.path());
      node.put("status", n.status().name());
      node.put("startedAtEpochMillis", n.started().toEpochMilli());
      node.put("wallMillis", Duration.between(n.started(), n.ended()).toMillis());
      if (n.error().isPresent()) {
        node.put("error", n.error().get());
      } else {
        node.putNull("error");
      }
      n.elements().ifPresent(v -> elements(node.putObject("elements"), v));
    }
    ArrayNode warnings = root.putArray("warnings");
    result.warnings().forEach(warnings::add);
    return root;
  }

  private static void elements(ObjectNode o, MapVerdict v) {
    o.put("size", v.size());
    o.put("required", v.required());
    o.put("succeeded", v.succeeded());
    o.put("failed", v.failed());
    o.put("timedOut", v.timedOut());
    o.put("aborted", v.aborted());
    o.put("cacheHits", v.cacheHits());
    o.put("summary", v.summary());
    if (!v.nodes().isEmpty()) {
      // A map over launch plans or sub-workflows: the node executions inside its elements.
      ObjectNode nodes = o.putObject("nodes");
      nodes.put("started", v.nodes().started());
      nodes.put("succeeded", v.nodes().succeeded());
      nodes.put("failed", v.nodes().failed());
      nodes.put("cacheHits", v.nodes().cacheHits());
    }
    if (!v.errors().isEmpty()) {
      o.put("errors", v.errors().format());
    }
  }

  /** A self-contained page: no script, no remote resource; every text escaped. */
  static String html(ObjectNode root) {
    StringBuilder h = new StringBuilder();
    String name = root.path("workflow").path("name").asText();
    boolean success = root.path("outcome").path("success").asBoolean();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
        .append(" style-src 'unsafe-inline'\">\n")
        .append("<title>flyte-beam: ")
        .append(HtmlReport.esc(name))
        .append("</title>\n<style>")
        .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append("text-align:left;vertical-align:top}pre{margin:0;white-space:pre-wrap}")
        .append(".SUCCEEDED{color:#17692b}.FAILED,.ABORTED{color:#a11}.SKIPPED{color:#777}")
        .append("</style></head><body>\n<h1>")
        .append(HtmlReport.esc(root.path("workflow").path("kind").asText()))
        .append(' ')
        .append(HtmlReport.esc(name))
        .append("</h1>\n<p class=\"")
        .append(success ? "SUCCEEDED" : "FAILED")
        .append("\">")
        .append(success ? "succeeded" : "failed")
        .append(" (exit ")
        .append(root.path("outcome").path("exitCode").asInt())
        .append(") on the ")
        .append(HtmlReport.esc(root.path("run").path("runner").asText()))
        .append(
            String.format(
                Locale.ROOT, " in %.1fs", root.path("run").path("wallMillis").asLong() / 1000.0))
        .append("</p>\n<p><code>")
        .append(HtmlReport.esc(root.path("run").path("commandLine").asText()))
        .append("</code></p>\n");
    if (!root.path("outcome").path("error").isNull()) {
      h.append("<h2>Error</h2>\n<pre>")
          .append(HtmlReport.esc(root.path("outcome").path("error").asText()))
          .append("</pre>\n");
    }
    if (!root.path("warnings").isEmpty()) {
      h.append("<h2>Warnings</h2>\n<ul>\n");
      root.path("warnings")
          .forEach(w -> h.append("<li>").append(HtmlReport.esc(w.asText())).append("</li>\n"));
      h.append("</ul>\n");
    }
    h.append("<h2>Nodes</h2>\n<table><tr><th>node</th><th>status</th><th>took</th>")
        .append("<th>elements</th><th>error</th></tr>\n");
    root.path("nodes")
        .forEach(
            n -> {
              String status = n.path("status").asText();
              h.append("<tr><td><code>")
                  .append(HtmlReport.esc(n.path("path").asText()))
                  .append("</code></td><td class=\"")
                  .append(HtmlReport.esc(status))
                  .append("\">")
                  .append(HtmlReport.esc(status.toLowerCase(Locale.ROOT)))
                  .append("</td><td>")
                  .append(
                      String.format(Locale.ROOT, "%.1fs", n.path("wallMillis").asLong() / 1000.0))
                  .append("</td><td>")
                  .append(HtmlReport.esc(n.path("elements").path("summary").asText("")))
                  .append("</td><td><pre>")
                  .append(HtmlReport.esc(n.path("error").asText("")))
                  .append("</pre></td></tr>\n");
            });
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }
}

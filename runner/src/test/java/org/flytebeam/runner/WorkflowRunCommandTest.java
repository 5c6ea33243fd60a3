package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} of definitions that are not one map: refused before anything runs (exit 2), and, run,
 * their progress by node, {@code --summary} and {@code --report}.
 */
class WorkflowRunCommandTest {
  @TempDir Path dir;

  private static final String TASK =
      "{\"id\": {\"resourceType\": \"TASK\", \"name\": \"wf.hello\"}, \"type\": \"python-task\","
          + " \"interface\": {}, \"container\": {\"image\": \"python:3.12-slim\"}}";

  private Cli run(String workflow) throws Exception {
    Path def =
        Cli.write(
            dir,
            "wf.json",
            "{\"workflow\": {\"id\": {\"resourceType\": \"WORKFLOW\", \"name\": \"wf.wf\"},"
                + " \"interface\": {}, \"nodes\": ["
                + workflow
                + "]}, \"tasks\": ["
                + TASK
                + "]}");
    return Cli.run("run", "--definition", def.toString());
  }

  @Test
  void anApproveGateIsRefusedNamingIt() throws Exception {
    Cli cli = run("{\"id\": \"g\", \"gateNode\": {\"approve\": {\"signalId\": \"go\"}}}");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(2);
    assertThat(cli.err())
        .contains("gate node [g] waits for an approval [go], which flyte-beam cannot give");
  }

  @Test
  void aMissingTaskAndACycleAreListedTogether() throws Exception {
    Cli cli =
        run(
            "{\"id\": \"a\", \"upstreamNodeIds\": [\"b\"], \"taskNode\": {\"referenceId\":"
                + " {\"resourceType\": \"TASK\", \"name\": \"wf.hello\"}}},"
                + " {\"id\": \"b\", \"upstreamNodeIds\": [\"a\"], \"taskNode\": {\"referenceId\":"
                + " {\"resourceType\": \"TASK\", \"name\": \"wf.hello\"}}},"
                + " {\"id\": \"c\", \"taskNode\": {\"referenceId\":"
                + " {\"resourceType\": \"TASK\", \"name\": \"wf.gone\"}}}");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(2);
    assertThat(cli.err())
        .contains("node [c]: task [wf.gone] is not in")
        .contains("nodes [a, b] wait for each other in a cycle");
  }

  private static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/definitions").normalize();

  private static JsonNode node(JsonNode summary, String path) {
    for (JsonNode n : summary.path("nodes")) {
      if (n.path("path").asText().equals(path)) {
        return n;
      }
    }
    throw new AssertionError("no node [" + path + "] in " + summary);
  }

  @Test
  void aWorkflowRunTellsItsNodesAndWritesItsSummaryAndReport() throws Exception {
    Path summary = dir.resolve("out/summary.json");
    Path report = dir.resolve("out/report.html");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            EXAMPLES.resolve("square-then-total.wf.json").toString(),
            "--inputs",
            EXAMPLES.resolve("square-then-total.inputs.json").toString(),
            "--summary",
            summary.toString(),
            "--report",
            report.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err())
        .contains("node [n0] started")
        .containsPattern("node \\[n0\\] succeeded in [0-9.]+s: map succeeded: 5 of 5 elements")
        .contains("node [n1] succeeded in");
    JsonNode json = new ObjectMapper().readTree(summary.toFile());
    assertThat(json.path("workflow").path("name").asText())
        .isEqualTo("org.flytebeam.examples.square_then_total");
    assertThat(json.path("outcome").path("success").asBoolean()).isTrue();
    assertThat(json.path("outcome").path("exitCode").asInt()).isZero();
    assertThat(node(json, "n0").path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(node(json, "n0").path("elements").path("size").asLong()).isEqualTo(5);
    assertThat(node(json, "n0").path("elements").path("succeeded").asLong()).isEqualTo(5);
    // A task node runs no map: no element counts.
    assertThat(node(json, "n1").has("elements")).isFalse();
    String html = Files.readString(report);
    assertThat(html)
        .contains("org.flytebeam.examples.square_then_total")
        .contains("<code>n0</code>")
        .contains("map succeeded: 5 of 5 elements succeeded");
  }

  @Test
  void aFailedWorkflowsSummaryNamesTheFailedNodeAndItsError() throws Exception {
    Path summary = dir.resolve("summary.json");
    Path report = dir.resolve("report.html");
    Path inputs = Cli.write(dir, "inputs.json", "{\"xs\": [1, 2, 3]}");
    Path def =
        Cli.write(
            dir,
            "wf.json",
            Files.readString(EXAMPLES.resolve("square-then-total.wf.json"))
                .replace("\"javaTask\": \"square\"", "\"javaTask\": \"fail_on_two\"")
                .replace("\"--task\", \"square\"", "\"--task\", \"fail_on_two\""));

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--summary",
            summary.toString(),
            "--report",
            report.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(summary.toFile());
    assertThat(json.path("outcome").path("success").asBoolean()).isFalse();
    assertThat(json.path("outcome").path("exitCode").asInt()).isEqualTo(1);
    assertThat(json.path("outcome").path("error").asText()).contains("node [n0] failed");
    assertThat(node(json, "n0").path("status").asText()).isEqualTo("FAILED");
    assertThat(node(json, "n0").path("elements").path("failed").asLong()).isPositive();
    assertThat(node(json, "n1").path("status").asText()).isEqualTo("SKIPPED");
    assertThat(Files.readString(report)).contains("node [n0] failed");
  }
}

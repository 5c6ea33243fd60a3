package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code describe} of pyflyte packages (public flytectl test data, see the README beside them). */
class DescribePackageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MAP_WF = "core.control_flow.map_task.my_map_workflow";

  static String fixture(String name) {
    try {
      return Path.of(DescribePackageTest.class.getResource("/flyte-public/" + name).toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void describesAPackageAndTheGraphOfItsOnlyLaunchPlan() {
    Cli cli = Cli.run("describe", "--definition", fixture("valid-package.tgz"));

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("launch plan:  example.example.wf -> workflow example.example.wf")
        .contains("workflow:     example.example.wf ")
        .contains("task:         example.example.generate_normal_df [python-task]")
        .contains("chosen:       launch plan example.example.wf")
        .contains("graph of workflow example.example.wf:")
        .containsPattern("node n0 \\[task\\] example\\.example\\.generate_normal_df")
        .contains("edge start-node -> n0")
        .contains("edge n0 -> n1")
        .contains("-> end-node");
  }

  @Test
  void jsonIsOneJsonValueWithTheGraph() throws Exception {
    Cli cli =
        Cli.run(
            "describe",
            "--definition",
            fixture("flytesnacks-core.tgz"),
            "--workflow",
            MAP_WF,
            "--json");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode root = JSON.readTree(cli.out());
    assertThat(root.at("/chosen/kind").asText()).isEqualTo("launch plan");
    assertThat(root.at("/chosen/name").asText()).isEqualTo(MAP_WF);
    assertThat(root.at("/chosen/graph/workflow").asText()).isEqualTo(MAP_WF);
    assertThat(root.at("/chosen/graph/nodes").findValuesAsText("kind")).isNotEmpty();
    assertThat(root.at("/chosen/graph/edges").findValuesAsText("to")).contains("end-node");
    assertThat(root.get("workflows").findValuesAsText("name")).contains(MAP_WF);
    assertThat(root.get("tasks").findValuesAsText("type")).contains("sqlite");
  }

  @Test
  void ambiguousOrUnknownWorkflowIsExitTwoAndOneLine() {
    Cli ambiguous = Cli.run("describe", "--definition", fixture("flytesnacks-core.tgz"));
    Cli unknown =
        Cli.run(
            "describe", "--definition", fixture("flytesnacks-core.tgz"), "--workflow", "core.nope");

    for (Cli cli : new Cli[] {ambiguous, unknown}) {
      assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
      assertThat(cli.err()).startsWith("error: ").contains(MAP_WF);
      assertThat(cli.err().strip()).doesNotContain("\n");
      assertThat(cli.out()).isEmpty();
    }
    assertThat(unknown.err()).contains("[core.nope]");
  }

  @TempDir Path tmp;

  @Test
  void missingTaskIsExitTwoNamingItAndItsNode() throws Exception {
    // valid-package.tgz without its task files
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveInputStream in =
            new TarArchiveInputStream(
                new GzipCompressorInputStream(
                    Files.newInputStream(Path.of(fixture("valid-package.tgz")))));
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (!e.isFile() || e.getName().endsWith("_1.pb")) {
          continue;
        }
        byte[] b = in.readAllBytes();
        TarArchiveEntry copy = new TarArchiveEntry("pkg/" + e.getName(), true);
        copy.setSize(b.length);
        tar.putArchiveEntry(copy);
        tar.write(b);
        tar.closeArchiveEntry();
      }
    }
    Path pkg = Files.write(tmp.resolve("no-tasks.tgz"), out.toByteArray());

    Cli cli = Cli.run("describe", "--definition", pkg.toString());

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err())
        .startsWith("error: ")
        .contains("the task [example.example.generate_normal_df]")
        .contains("of the workflow [example.example.wf]");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void branchesShowEachCaseWithTheNodeItRuns() {
    Cli cli =
        Cli.run(
            "describe",
            "--definition",
            fixture("flytesnacks-core.tgz"),
            "--workflow",
            "core.control_flow.run_merge_sort.merge_sort");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("  node n0 [branch] 1 case and an else\n")
        .contains(
            "    if .numbers_count <= .run_local_at_count: node n0 [task]"
                + " core.control_flow.run_merge_sort.sort_locally [python-task]\n")
        .contains(
            "    else: node n1 [task] core.control_flow.run_merge_sort.merge_sort_remotely"
                + " [python-task]\n")
        .contains("  edge start-node -> n0\n")
        .contains("  edge n0 -> end-node\n");
  }

  @Test
  void subWorkflowsAreExpandedOneLevelAndDeeperOnesNamed() {
    Cli cli =
        Cli.run(
            "describe",
            "--definition",
            fixture("flytesnacks-core.tgz"),
            "--workflow",
            "core.control_flow.subworkflows.nested_parent_wf");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    String out = cli.out();
    assertThat(out)
        .contains("  node n0 [sub-workflow] core.control_flow.subworkflows.my_subwf\n")
        .contains("    graph of sub-workflow core.control_flow.subworkflows.my_subwf:\n")
        .contains("      node n0 [task] core.control_flow.subworkflows.t1 [python-task]\n")
        .contains("      edge n0 -> n1\n")
        .contains("    graph of sub-workflow core.control_flow.subworkflows.parent_wf:\n")
        .contains(
            "      node n1 [sub-workflow] core.control_flow.subworkflows.my_subwf (describe it"
                + " with --workflow core.control_flow.subworkflows.my_subwf)\n")
        .contains("  edge start-node -> n1\n");
    // my_subwf's graph is shown once: under nested_parent_wf's n0, not again under parent_wf.
    assertThat(out.split("graph of sub-workflow core.control_flow.subworkflows.my_subwf:", -1))
        .hasSize(2);
  }

  @Test
  void aLaunchPlanNodeShowsItsWorkflowsGraph() {
    Cli cli =
        Cli.run(
            "describe",
            "--definition",
            fixture("launchplan-in-wf.tgz"),
            "--workflow",
            "workflows.wf.outer_workflow");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("chosen:       launch plan workflows.wf.outer_workflow\n")
        .contains(
            "  node n0 [launch plan] name_override -> workflow workflows.wf.inner_workflow\n"
                + "    graph of workflow workflows.wf.inner_workflow:\n"
                + "      node n0 [task] workflows.wf.my_task [python-task]\n");
  }

  /**
   * wf.gates(x: int, s: str): n0 = t(x); b = if n0.o0 > 1 and (x == 2 or s == "a") then t(x) else
   * fail; z = sleep 90s after b; a = approve [go].
   */
  private Path gatesAndAFailingElse() throws Exception {
    String t = "{\"resourceType\": \"TASK\", \"name\": \"wf.t\"}";
    String intVar = "{\"type\": {\"simple\": \"INTEGER\"}}";
    String strVar = "{\"type\": {\"simple\": \"STRING\"}}";
    String promiseX =
        "{\"var\": \"x\", \"binding\": {\"promise\": {\"nodeId\": \"start-node\","
            + " \"var\": \"x\"}}}";
    String cmp =
        "{\"comparison\": {\"operator\": \"%s\", \"leftValue\": {\"var\": \"%s\"},"
            + " \"rightValue\": {\"primitive\": {%s}}}}";
    String condition =
        "{\"conjunction\": {\"operator\": \"AND\", \"leftExpression\": "
            + String.format(cmp, "GT", "n0.o0", "\"integer\": \"1\"")
            + ", \"rightExpression\": {\"conjunction\": {\"operator\": \"OR\","
            + " \"leftExpression\": "
            + String.format(cmp, "EQ", ".x", "\"integer\": \"2\"")
            + ", \"rightExpression\": "
            + String.format(cmp, "EQ", ".s", "\"stringValue\": \"a\"")
            + "}}}}";
    String workflow =
        "{\"workflow\": {\"id\": {\"resourceType\": \"WORKFLOW\", \"name\": \"wf.gates\"},"
            + " \"interface\": {\"inputs\": {\"variables\": {\"x\": "
            + intVar
            + ", \"s\": "
            + strVar
            + "}}}, \"nodes\": ["
            + "{\"id\": \"n0\", \"inputs\": ["
            + promiseX
            + "], \"taskNode\": {\"referenceId\": "
            + t
            + "}},"
            + "{\"id\": \"b\", \"upstreamNodeIds\": [\"n0\"], \"branchNode\": {\"ifElse\": {"
            + "\"case\": {\"condition\": "
            + condition
            + ", \"thenNode\": {\"id\": \"b-n0\", \"inputs\": ["
            + promiseX
            + "], \"taskNode\": {\"referenceId\": "
            + t
            + "}}}, \"error\": {\"failedNodeId\": \"b\", \"message\": \"x is not"
            + " right\"}}}},"
            + "{\"id\": \"z\", \"upstreamNodeIds\": [\"b\"], \"gateNode\": {\"sleep\":"
            + " {\"duration\": \"90s\"}}},"
            + "{\"id\": \"a\", \"gateNode\": {\"approve\": {\"signalId\": \"go\"}}}"
            + "]}, \"tasks\": [{\"id\": "
            + t
            + ", \"type\": \"python-task\", \"interface\": {\"inputs\": {\"variables\":"
            + " {\"x\": "
            + intVar
            + "}}, \"outputs\": {\"variables\": {\"o0\": "
            + intVar
            + "}}}, \"container\": {\"image\": \"python:3.12-slim\"}}]}";
    return Cli.write(tmp, "gates.json", workflow);
  }

  @Test
  void conditionsElseFailuresAndGatesAreShownAsWritten() throws Exception {
    Cli cli = Cli.run("describe", "--definition", gatesAndAFailingElse().toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("  node b [branch] 1 case, else fail\n")
        .contains(
            "    if n0.o0 > 1 and (.x == 2 or .s == \"a\"): node b-n0 [task] wf.t"
                + " [python-task]\n")
        .contains("    else: fail \"x is not right\"\n")
        .contains("  node z [gate] sleep 90s\n")
        .contains("  node a [gate] approve [go]\n")
        .contains("  edge n0 -> b\n")
        .contains("  edge b -> z\n")
        .contains("  edge start-node -> a\n");
  }

  @Test
  void jsonHoldsTheCasesAndTheExpandedGraphsAndNothingElse() throws Exception {
    Cli branch = Cli.run("describe", "--definition", gatesAndAFailingElse().toString(), "--json");
    Cli nested =
        Cli.run(
            "describe",
            "--definition",
            fixture("flytesnacks-core.tgz"),
            "--workflow",
            "core.control_flow.subworkflows.nested_parent_wf",
            "--json");

    assertThat(branch.exitCode()).as(branch.err()).isZero();
    JsonNode b = JSON.readTree(branch.out());
    JsonNode node = b.at("/chosen/graph/nodes/1");
    assertThat(node.get("kind").asText()).isEqualTo("branch");
    assertThat(node.at("/cases/0/condition").asText())
        .isEqualTo("if n0.o0 > 1 and (.x == 2 or .s == \"a\")");
    assertThat(node.at("/cases/0/then/id").asText()).isEqualTo("b-n0");
    assertThat(node.at("/cases/1/condition").asText()).isEqualTo("else");
    assertThat(node.at("/cases/1/fail").asText()).isEqualTo("x is not right");
    assertThat(b.at("/chosen/graph/nodes/2/target").asText()).isEqualTo("sleep 90s");

    assertThat(nested.exitCode()).as(nested.err()).isZero();
    JsonNode n = JSON.readTree(nested.out());
    JsonNode sub = n.at("/chosen/graph/nodes/1/graph");
    assertThat(sub.get("workflow").asText()).isEqualTo("core.control_flow.subworkflows.parent_wf");
    assertThat(sub.get("nodes").findValuesAsText("id")).containsExactly("node-t1-parent", "n1");
    assertThat(sub.at("/nodes/1/graph").isMissingNode()).as("expanded one level only").isTrue();
    // Only JSON on stdout: it parses whole, with nothing after the one value.
    for (Cli cli : new Cli[] {branch, nested}) {
      assertThat(cli.out().strip()).startsWith("{").endsWith("}");
      try (var parser = JSON.createParser(cli.out())) {
        JSON.readTree(parser);
        assertThat(parser.nextToken()).isNull();
      }
    }
  }
}

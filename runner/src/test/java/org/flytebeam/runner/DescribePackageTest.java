package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}

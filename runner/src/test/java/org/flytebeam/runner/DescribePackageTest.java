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
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} of definitions that are not one map: refused before anything runs, exit 2. */
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
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.flytebeam.examples.ExampleDefinitions;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.Test;

/** The definitions the README runs are what the Java builder writes, and they run. */
class ExampleDefinitionsTest {
  private static final Path DIR =
      Path.of(System.getProperty("user.dir")).resolve("../examples/definitions").normalize();

  @Test
  void shouldMatchWhatTheBuilderWritesWhenCommitted() throws IOException {
    for (Map.Entry<String, MapTaskSpec> e : ExampleDefinitions.all().entrySet()) {
      Path file = DIR.resolve(e.getKey() + ".def.json");
      assertThat(Files.readString(file).strip())
          .as("%s: regenerate with ExampleDefinitions.main", file)
          .isEqualTo(DefinitionWriter.toJson(e.getValue()).strip());
    }
  }

  @Test
  void shouldMatchWhatTheBuilderWritesWhenCommittedForWorkflows() throws IOException {
    for (Map.Entry<String, WorkflowClosure> e : ExampleDefinitions.workflows().entrySet()) {
      Path file = DIR.resolve(e.getKey() + ".wf.json");
      assertThat(Files.readString(file).strip())
          .as("%s: regenerate with ExampleDefinitions.main", file)
          .isEqualTo(ExampleDefinitions.toJson(e.getValue()).strip());
    }
  }

  @Test
  void shouldRunEveryExampleWorkflowWithItsInputs() {
    Map<String, String> expected =
        Map.of(
            "square-then-total", "{\"squares\":[1,4,9,16,25],\"total\":55}",
            // sum of i*i for i in [0, 1000): 999 * 1000 * 1999 / 6
            "sum-of-squares", "{\"total\":332833500,\"report\":\"332833500-0.5-SUMOFSQUARES\"}");
    assertThat(expected.keySet()).isEqualTo(ExampleDefinitions.workflows().keySet());
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Cli cli =
          Cli.run(
              "run",
              "--definition",
              DIR.resolve(e.getKey() + ".wf.json").toString(),
              "--inputs",
              DIR.resolve(e.getKey() + ".inputs.json").toString());
      assertThat(cli.exitCode()).as(e.getKey() + ": " + cli.err()).isZero();
      assertThat(cli.out().replaceAll("\\s+", "")).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(cli.err()).as(e.getKey()).contains("succeeded");
    }
  }

  @Test
  void shouldRunEveryExampleWithItsInputs() {
    Map<String, String> expected =
        Map.of(
            "say-hello", "{\"o0\":[\"helloearth!\",\"hellomars!\"]}",
            "multiply", "{\"o0\":[14,96,270]}",
            "format-abc-partial", "{\"o0\":[\"1-0.1-c\",\"2-0.2-c\",\"3-0.3-c\"]}",
            "fail-on-two-ratio", "{\"o0\":[1,null,3,4]}",
            "square-legacy", "{\"o0\":[1,4,9,16,25]}",
            "burn-cpu", "{\"o0\":[772891,35786,341622]}");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Cli cli =
          Cli.run(
              "run",
              "--definition",
              DIR.resolve(e.getKey() + ".def.json").toString(),
              "--inputs",
              DIR.resolve(e.getKey() + ".inputs.json").toString());
      assertThat(cli.exitCode()).as(e.getKey() + ": " + cli.err()).isZero();
      assertThat(cli.out().replaceAll("\\s+", "")).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void theMapOverAWorkflowIsWhatTheBuilderWritesAndRunsWithItsFailedElementAsNull()
      throws IOException {
    for (var e : ExampleDefinitions.compiledWorkflows().entrySet()) {
      Path file = DIR.resolve(e.getKey() + ".wf.json");
      assertThat(Files.readString(file).strip())
          .as("%s: regenerate with ExampleDefinitions.main", file)
          .isEqualTo(ExampleDefinitions.toJson(e.getValue()).strip());
    }
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            DIR.resolve("map-over-workflow.wf.json").toString(),
            "--workflow",
            ExampleDefinitions.MAP_OVER_WORKFLOW,
            "--inputs",
            DIR.resolve("map-over-workflow.inputs.json").toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out().replaceAll("\\s+", "")).isEqualTo("{\"o0\":[null,20,30,40]}");
  }
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.vars;

import flyteidl.core.Literals.LiteralMap;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flytebeam.beam.MapResult;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same container definitions give the same results on the DirectRunner and Spark local[2]. */
class ContainerSparkDifferentialIT {
  @TempDir Path dir;

  /**
   * @param expected one outcome line both runners must report, so that equal is not trivially empty
   */
  private record Case(String name, Path definition, Path inputs, String expected) {}

  private List<Case> cases() throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "raw-container example",
            Cli.write(dir, "raw.def.json", Containers.resource("arraynode-rawcontainer.def.json")),
            Containers.inputs(dir, "arraynode-rawcontainer.inputs.json"),
            "4 SUCCEEDED 1  [scalar {\n  primitive {\n    integer: 12\n  }\n}\n]"));
    cases.add(
        new Case(
            "pyflyte-map-execute, failures and a retry",
            Containers.definition(
                dir,
                "arraynode-flytekit.def.json",
                1,
                Containers.withFake(bin, dir.resolve("log"))),
            Cli.write(
                dir,
                "words.json",
                "{\"word\": [\"a\", \"boom\", \"flaky\", \"crash\", \"sys\", \"b\"]}"),
            "4 FAILED 4 SystemError: node lost []"));
    cases.add(
        new Case(
            "legacy container_array",
            Containers.definition(
                dir,
                "legacy-container-array.def.json",
                0,
                Containers.withFake(bin, dir.resolve("log"))),
            Containers.inputs(dir, "legacy-container-array.inputs.json"),
            "1 SUCCEEDED 1  [scalar {\n  primitive {\n    string_value: \"B\"\n  }\n}\n]"));
    cases.add(
        new Case(
            "raw primitives",
            Containers.mapOver(
                dir,
                "primitives.def.json",
                Containers.rawContainer(
                    "primitives",
                    vars("x", LiteralTypes.of(Long.class)),
                    vars(
                        "f",
                        LiteralTypes.of(Double.class),
                        "t",
                        LiteralTypes.of(Instant.class),
                        "s",
                        LiteralTypes.of(String.class)),
                    "cd /var/outputs; echo {{.inputs.x}}.25 > f; echo 2024-02-0{{.inputs.x}}T00:00:00Z > t;"
                        + " [ {{.inputs.x}} = 3 ] && exit 1; echo \"n={{.inputs.x}} i=$FLYTE_K8S_ARRAY_INDEX\" > s")),
            Cli.write(dir, "x.json", "{\"x\": [1, 2, 3, 4, 5, 6, 7, 8, 9]}"),
            "2 FAILED 1 exit code 1 without error.pb (stderr empty) []"));
    return cases;
  }

  @Test
  void shouldGiveIdenticalResultsOnTheDirectRunnerAndSparkLocal() throws Exception {
    RunOptions spark =
        RunOptions.defaults().withRunner(RunnerKind.SparkRunner).withSparkMaster("local[2]");
    for (Case c : cases()) {
      MapTaskSpec spec = DefinitionReader.read(c.definition());
      LiteralMap inputs = LiteralFiles.readInputs(c.inputs(), spec.workflowInterface().getInputs());
      MapResult direct = FlyteBeam.run(spec, inputs, RunOptions.defaults());
      MapResult onSpark = FlyteBeam.run(spec, inputs, spark);
      try {
        assertThat(SparkDifferentialIT.outcomes(direct)).as(c.name()).contains(c.expected());
        assertThat(onSpark.outputs()).as(c.name()).isEqualTo(direct.outputs());
        assertThat(onSpark.verdict()).as(c.name()).isEqualTo(direct.verdict());
        assertThat(SparkDifferentialIT.outcomes(onSpark))
            .as(c.name())
            .isEqualTo(SparkDifferentialIT.outcomes(direct));
      } finally {
        FlyteBeam.deleteLocalFolder(direct.plan().workDir());
        FlyteBeam.deleteLocalFolder(onSpark.plan().workDir());
      }
    }
  }
}

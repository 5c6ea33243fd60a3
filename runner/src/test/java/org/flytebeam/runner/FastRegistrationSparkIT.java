package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.LiteralMap;
import java.nio.file.Path;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.idl.PackageReader;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast-registered workflow of flytectl's {@code valid-fast-register.tgz} gives the same outputs
 * on the DirectRunner and Spark {@code local[2]} (see {@link FastPackages} for the package and its
 * stand-ins); about 40 s of Spark, so an integration test.
 */
class FastRegistrationSparkIT {
  @TempDir Path dir;

  @Test
  void shouldGiveTheSameOutputsOnTheDirectRunnerAndSparkLocalThroughTheApi() throws Exception {
    // given: the API takes the package's own bundle when the options name none
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    FlytePackage pkg = PackageReader.read(FastPackages.pkg(dir, bin, log, true));
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals("a", Literals.of(7L))
            .putLiterals("b", Literals.of("hi"))
            .build();

    // when
    WorkflowResult direct =
        FlyteBeam.runWorkflow(pkg, FastPackages.BASIC_WF, inputs, RunOptions.defaults());
    WorkflowResult spark =
        FlyteBeam.runWorkflow(
            pkg,
            FastPackages.BASIC_WF,
            inputs,
            RunOptions.defaults().withRunner(RunnerKind.SparkRunner).withSparkMaster("local[2]"));

    // then
    assertThat(direct.success()).as(direct.error().orElse("")).isTrue();
    assertThat(direct.outputs().getLiteralsMap())
        .containsEntry("o0", Literals.of(9L))
        .containsEntry("o1", Literals.of("hiworld"));
    assertThat(spark.success()).as(spark.error().orElse("")).isTrue();
    assertThat(spark.outputs()).isEqualTo(direct.outputs());
    assertThat(FastPackages.logged(log, "fast")).hasSize(4);
  }
}

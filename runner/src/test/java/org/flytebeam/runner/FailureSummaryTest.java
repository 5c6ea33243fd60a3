package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed elements are listed on stderr at the end of every run that had some, passing or not. */
class FailureSummaryTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/definitions").normalize();

  @TempDir Path dir;

  @Test
  void shouldListTheFailedElementWhenTheMapPassesItsRatio() {
    // given: the README's example: 3 of 4 required, element 1 (x = 2) fails
    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            EXAMPLES.resolve("fail-on-two-ratio.def.json").toString(),
            "--inputs",
            EXAMPLES.resolve("fail-on-two-ratio.inputs.json").toString());

    // then: the map passes, and says which element failed and why
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(cli.out().replaceAll("\\s+", "")).isEqualTo("{\"o0\":[1,null,3,4]}");
    assertThat(cli.errWithoutProgress())
        .contains("map succeeded: 3 of 4 elements succeeded (3 required)\n")
        .contains("failures: 1 failed (1 kind of error):\n")
        .contains("  [1]: IllegalArgumentException: x must not be 2\n")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldPrintTheJavaStackTraceWhenVerbose() {
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            EXAMPLES.resolve("fail-on-two-ratio.def.json").toString(),
            "--inputs",
            EXAMPLES.resolve("fail-on-two-ratio.inputs.json").toString(),
            "--verbose");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(cli.err())
        .contains("  [1]: IllegalArgumentException: x must not be 2\n")
        .contains("stack trace of element 1:")
        .contains("java.lang.IllegalArgumentException: x must not be 2")
        .contains("at org.flytebeam.examples.FailOnTwo.run(FailOnTwo.java:");
  }

  @Test
  void shouldGroupFailuresWhoseMessagesDifferOnlyInTheInputWhenSummarizing() throws IOException {
    // given: x = 1..119, every multiple of 7 fails with "bad input <x>": 17 failures
    Path def = dir.resolve("bad.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.BadInput()).minSuccessRatio(0.5f).build(), def);
    String xs =
        LongStream.rangeClosed(1, 119).mapToObj(Long::toString).collect(Collectors.joining(","));
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [" + xs + "]}");
    Path summary = dir.resolve("summary.json");

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--summary",
            summary.toString());

    // then: one group on stderr, with its count, its first ranges and concrete examples
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(cli.errWithoutProgress())
        .contains("map succeeded: 102 of 119 elements succeeded (60 required)\n")
        .contains("failures: 17 failed (1 kind of error):\n")
        .contains(
            "  [6][13][20][27][34][41][48][55] (+9 more): IllegalArgumentException: bad input <n>"
                + " (17 elements)\n")
        .contains("      e.g. [6] IllegalArgumentException: bad input 7\n")
        .contains("      e.g. [13] IllegalArgumentException: bad input 14\n");
    // and the summary keeps the examples with their stack traces
    JsonNode groups = new ObjectMapper().readTree(summary.toFile()).at("/failures/groups");
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).get("count").asLong()).isEqualTo(17);
    assertThat(groups.get(0).get("type").asText()).isEqualTo("IllegalArgumentException");
    JsonNode example = groups.get(0).get("examples").get(0);
    assertThat(example.get("index").asLong()).isEqualTo(6);
    assertThat(example.get("message").asText()).isEqualTo("IllegalArgumentException: bad input 7");
    assertThat(example.get("stackTrace").asText())
        .startsWith("java.lang.IllegalArgumentException: bad input 7")
        .contains("at org.flytebeam.runner.testing.TestTasks$BadInput.checked(")
        .doesNotContain("org.flytebeam.exec.ElementRunner");
  }

  @Test
  void shouldSayTheVerdictAndNoFailuresWhenEveryElementSucceeds() throws IOException {
    Path def = dir.resolve("bad.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.BadInput()).build(), def);
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [1, 2, 3]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(cli.errWithoutProgress())
        .isEqualTo("map succeeded: 3 of 3 elements succeeded (3 required)\n");
  }
}

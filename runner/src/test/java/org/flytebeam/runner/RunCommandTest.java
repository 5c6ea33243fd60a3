package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flytebeam.examples.FailOnTwo;
import org.flytebeam.examples.FormatAbc;
import org.flytebeam.examples.Multiply;
import org.flytebeam.examples.SayHello;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code flyte-beam run} contract: SPEC section 6 cases end to end, exit codes, bad input. */
class RunCommandTest {
  @TempDir Path dir;

  private Path definition(MapTaskSpec spec, String name) throws IOException {
    Path file = dir.resolve(name);
    DefinitionWriter.write(spec, file);
    return file;
  }

  private static String compact(String json) {
    return json.replaceAll("\\s+", "");
  }

  @Test
  void shouldSayHelloToEveryPlanetWhenMappingOverNames() throws IOException {
    // SPEC case 1
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"name\": [\"earth\", \"mars\"]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.errWithoutProgress())
        .isEqualTo("map succeeded: 2 of 2 elements succeeded (2 required)\n");
    assertThat(cli.exitCode()).isEqualTo(0);
    assertThat(compact(cli.out())).isEqualTo("{\"o0\":[\"helloearth!\",\"hellomars!\"]}");
  }

  @Test
  void shouldPassPartialValuesWholeWhateverTheParameterOrder() throws IOException {
    // SPEC case 2
    Path def = definition(MapTask.of(new FormatAbc()).bind("c", "c").build(), "abc.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"b\": [0.1, 0.2, 0.3], \"a\": [1, 2, 3]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(cli.out()).contains("\"1 - 0.1 - c\"", "\"2 - 0.2 - c\"", "\"3 - 0.3 - c\"");
  }

  @Test
  void shouldLetBoundValuesWinOverPartialKeywords() throws IOException {
    // SPEC case 4
    Path def =
        definition(
            MapTask.of(new FormatAbc())
                .bind("c", "c")
                .boundInputsValues(java.util.Map.of("c", Literals.of("d")))
                .build(),
            "abcd.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"a\": [1], \"b\": [0.5]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(compact(cli.out())).isEqualTo("{\"o0\":[\"1-0.5-d\"]}");
  }

  @Test
  void shouldFailTheMapAndStillWriteOutputsWhenEveryElementIsRequired() throws IOException {
    // SPEC case 5, ratio unset
    Path def = definition(MapTask.of(new FailOnTwo()).build(), "fail.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [1, 2, 3, 4]}");
    Path outputs = dir.resolve("out.json");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--outputs",
            outputs.toString());

    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.errWithoutProgress()).startsWith("error: map failed:");
    assertThat(cli.err()).contains("[1]: IllegalArgumentException: x must not be 2");
    assertThat(cli.err()).doesNotContain("\tat ");
    LiteralMap written = readJson(outputs);
    assertThat(Inputs.list(written, "o0").get(1)).isEqualTo(Literals.none());
    assertThat(Files.readString(outputs)).contains("\"noneType\": {");
  }

  @Test
  void shouldToleratePartialFailuresWhenTheRatioAllowsThem() throws IOException {
    // SPEC case 5, ratios 0.75 and 0.5
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [1, 2, 3, 4]}");
    for (float ratio : new float[] {0.75f, 0.5f}) {
      Path def =
          definition(
              MapTask.of(new FailOnTwo()).minSuccessRatio(ratio).build(),
              "r" + ratio + ".def.json");
      Path outputs = dir.resolve("out" + ratio + ".pb");

      Cli cli =
          Cli.run(
              "run",
              "--definition",
              def.toString(),
              "--inputs",
              inputs.toString(),
              "--outputs",
              outputs.toString());

      assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
      LiteralMap written = LiteralMap.parseFrom(Files.readAllBytes(outputs));
      assertThat(Inputs.plain(written, "o0")).containsExactly(1L, null, 3L, 4L);
    }
  }

  @Test
  void shouldMultiplyThreeMappedLists() throws IOException {
    // SPEC case 7
    Path def = definition(MapTask.of(new Multiply()).build(), "mul.def.json");
    Path inputs =
        Cli.write(dir, "in.json", "{\"a\": [1, 3, 5], \"b\": [2, 4, 6], \"c\": [7, 8, 9]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(compact(cli.out())).isEqualTo("{\"o0\":[14,96,270]}");
  }

  @Test
  void shouldRunOneElementWhenEveryInputIsBound() throws IOException {
    // SPEC case 8
    Path def =
        definition(
            MapTask.of(new Multiply()).bind("a", 2L).bind("b", 3L).bind("c", 4L).build(),
            "bound.def.json");
    Path inputs = Cli.write(dir, "in.json", "{}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(compact(cli.out())).isEqualTo("{\"o0\":[24]}");
  }

  @Test
  void shouldSucceedWithAnEmptyListWhenTheInputIsEmpty() throws IOException {
    // SPEC case 8
    Path def = definition(MapTask.of(new SayHello()).minSuccesses(2).build(), "empty.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"name\": []}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(compact(cli.out())).isEqualTo("{\"o0\":[]}");
  }

  @Test
  void shouldExitTwoBeforeRunningWhenLengthsDiffer() throws IOException {
    // SPEC case 8
    Path def = definition(MapTask.of(new Multiply()).build(), "mul.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"a\": [1, 3, 5], \"b\": [2, 4], \"c\": [7, 8, 9]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err()).startsWith("error: ").contains("input arrays have different lengths");
    assertThat(cli.err().lines().count()).isEqualTo(1);
  }

  @Test
  void shouldExitTwoWithOneLineForEveryKindOfBadInput() throws IOException {
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    Path good = Cli.write(dir, "good.json", "{\"name\": [\"a\"]}");
    Path malformed = Cli.write(dir, "bad.json", "{\"name\": [\"a\"");
    Path wrongType = Cli.write(dir, "wrong.json", "{\"name\": [1, 2]}");
    Path badDef = Cli.write(dir, "bad.def.json", "{\"workflow\": ");
    Path unknownTask =
        Cli.write(
            dir, "unknown.def.json", Files.readString(def).replace("say_hello", "no_such_task"));
    String half =
        Files.readString(
            definition(MapTask.of(new SayHello()).minSuccessRatio(0.5f).build(), "half.def.json"));
    assertThat(half).contains("\"minSuccessRatio\": 0.5");
    Path nanRatio =
        Cli.write(
            dir,
            "nan.def.json",
            half.replace("\"minSuccessRatio\": 0.5", "\"minSuccessRatio\": \"NaN\""));

    String[][] cases = {
      {def.toString(), malformed.toString(), "not valid JSON"},
      {def.toString(), wrongType.toString(), "[name"},
      {badDef.toString(), good.toString(), "bad.def.json"},
      {unknownTask.toString(), good.toString(), "no_such_task"},
      {nanRatio.toString(), good.toString(), "min_success_ratio [NaN]"},
      {dir.resolve("missing.def.json").toString(), good.toString(), "does not exist"},
      {def.toString(), dir.resolve("missing.json").toString(), "does not exist"},
    };
    for (String[] c : cases) {
      Cli cli = Cli.run("run", "--definition", c[0], "--inputs", c[1]);
      assertThat(cli.exitCode())
          .as(c[0] + " " + c[1] + ": " + cli.err())
          .isEqualTo(ExitCode.INVALID);
      assertThat(cli.err()).as(c[2]).startsWith("error: ").contains(c[2]);
      assertThat(cli.err().lines().count()).as(cli.err()).isEqualTo(1);
    }
  }

  @Test
  void shouldExitTwoOnUnknownOptions() {
    Cli cli = Cli.run("run", "--definitely-not-an-option");

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err()).startsWith("error: ");
  }

  @Test
  void shouldExitThreeWhenTheRunFolderCannotBeWritten() throws IOException {
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"name\": [\"a\"]}");
    Path notAFolder = Cli.write(dir, "file", "x");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--work-dir",
            notAFolder.resolve("sub").toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.INFRASTRUCTURE);
    assertThat(cli.errWithoutProgress()).startsWith("error: ");
    assertThat(cli.errWithoutProgress().lines().count()).isEqualTo(1);
  }

  private static LiteralMap readJson(Path file) throws IOException {
    LiteralMap.Builder map = LiteralMap.newBuilder();
    JsonFormat.parser().merge(Files.readString(file), map);
    return map.build();
  }
}

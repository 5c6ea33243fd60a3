package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.util.ReleaseInfo;
import org.flytebeam.examples.FormatAbc;
import org.flytebeam.examples.Multiply;
import org.flytebeam.examples.SayHello;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's conventions, as a user meets them: exit codes, help, versions, stdout. */
class ConventionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path definition(MapTaskSpec spec, String name) {
    Path file = dir.resolve(name);
    DefinitionWriter.write(spec, file);
    return file;
  }

  @Test
  void shouldShipTheApacheLicense() throws IOException {
    String license = Files.readString(Path.of("..", "LICENSE"));

    assertThat(license).contains("Apache License", "Version 2.0, January 2004");
    assertThat(license).contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");
  }

  @Test
  void shouldExitTwoWithTheUsageOnStderrWhenNoCommandIsGiven() {
    Cli cli = Cli.run();

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err()).startsWith("error: a command is required").contains("Usage: flyte-beam");
  }

  @Test
  void shouldExitTwoOnEveryUsageError() {
    List<String[]> usageErrors =
        List.of(
            new String[] {"bogus"},
            new String[] {"help", "bogus"},
            new String[] {"run"},
            new String[] {"run", "--definition", "d.json"},
            new String[] {"run", "--definition", "d.json", "--inputs", "i.json", "--nope"},
            new String[] {"describe"},
            new String[] {"define", "--task", "say_hello"},
            new String[] {"--nope"});
    for (String[] args : usageErrors) {
      Cli cli = Cli.run(args);

      assertThat(cli.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCode.INVALID);
      assertThat(cli.err()).as(String.join(" ", args)).startsWith("error: ");
      assertThat(cli.out()).as(String.join(" ", args)).isEmpty();
    }
  }

  @Test
  void shouldHelpWithAHelpCommand() {
    Cli all = Cli.run("help");
    Cli run = Cli.run("help", "run");

    assertThat(all.exitCode()).isZero();
    assertThat(all.out()).contains("run", "describe", "define", "execute", "Exit codes:");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: flyte-beam run", "--definition", "--spark-master");
  }

  @Test
  void shouldPrintTheVersionsTheJarWasBuiltWith() {
    Cli cli = Cli.run("--version");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out())
        .contains("Apache Beam " + ReleaseInfo.getReleaseInfo().getSdkVersion())
        .contains("Apache Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION())
        .contains("Java " + System.getProperty("java.version"))
        .containsPattern("(?m)^flyte-beam \\d+\\.\\d+\\.\\d+")
        .containsPattern("(?m)^flyteidl \\d+\\.\\d+\\.\\d+")
        .doesNotContain("${", "unknown");
  }

  @Test
  void shouldPrintDescribeJsonAloneOnStdoutWithoutBoundInputsAsInputs() throws IOException {
    Path def = definition(MapTask.of(new FormatAbc()).bind("c", "c").build(), "abc.def.json");

    Cli json = Cli.run("describe", "--definition", def.toString(), "--json");
    Cli text = Cli.run("describe", "--definition", def.toString());

    assertThat(json.exitCode()).isZero();
    // Jackson reads the whole of stdout as one JSON value: nothing before or after it.
    JsonNode root = JSON.readTree(json.out());
    assertThat(root.get("inputs").findValuesAsText("name")).containsExactly("a", "b");
    assertThat(root.get("boundInputs").get(0).get("name").asText()).isEqualTo("c");
    assertThat(root.get("boundInputs").get(0).get("fixedInDefinition").asBoolean()).isTrue();
    assertThat(root.at("/definition/workflow/id/name").asText())
        .isEqualTo(root.get("name").asText());
    assertThat(text.out())
        .contains("inputs:      (a: List[int], b: List[float])\n")
        .contains("bound:       c: str (fixed in the definition)");
  }

  @Test
  void shouldReadInputsFromStandardInputWhenGivenADash() throws IOException {
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(
              "{\"name\": [\"venus\", \"pluto\"]}".getBytes(StandardCharsets.UTF_8)));

      Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", "-", "--quiet");

      assertThat(cli.exitCode()).as(cli.err()).isZero();
      assertThat(cli.out().replaceAll("\\s+", ""))
          .isEqualTo("{\"o0\":[\"hellovenus!\",\"hellopluto!\"]}");
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void shouldListEveryBadItemOfAnInputsFileAtOnce() throws IOException {
    Path def = definition(MapTask.of(new Multiply()).build(), "multiply.def.json");
    Path inputs =
        Cli.write(
            dir,
            "in.json",
            "{\"a\": [1, \"two\", 3, \"four\"], \"b\": [1, 2, 3, 4], \"c\": [true, 2, 3, 4]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err().lines().count()).isEqualTo(1);
    assertThat(cli.err())
        .contains("variable [a] at [1] expects [int] but found [str \"two\"]")
        .contains("variable [a] at [3] expects [int] but found [str \"four\"]")
        .contains("variable [c] at [0] expects [int] but found [bool true]");
  }

  @Test
  void shouldListEveryBadItemOfALiteralMapAtOnce() throws IOException {
    Path def = definition(MapTask.of(new Multiply()).build(), "multiply.def.json");
    flyteidl.core.Literals.LiteralMap map =
        flyteidl.core.Literals.LiteralMap.newBuilder()
            .putLiterals("a", Inputs.strings("1", "2", "3"))
            .putLiterals("b", Inputs.ints(1, 2, 3))
            .putLiterals("c", Inputs.ints(1, 2, 3))
            .build();
    Path inputs =
        Cli.write(dir, "in.json", com.google.protobuf.util.JsonFormat.printer().print(map));

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err()).contains("[a[0]]", "[a[1]]", "[a[2]]");
  }

  @Test
  void shouldCountBadItemsBeyondTheListedOnes() throws IOException {
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      items.append(i == 0 ? "" : ",").append(i);
    }
    Path inputs = Cli.write(dir, "in.json", "{\"name\": [" + items + "]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err()).contains("variable [name] at [19] expects [str]");
    assertThat(cli.err()).doesNotContain("at [20]");
    assertThat(cli.err()).contains("variable [name]: 30 more items do not fit [str]");
  }

  @Test
  void shouldWriteTheSummaryAndReportOfARunRefusedAsInvalid() throws IOException {
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"name\": [\"a\", 2]}");
    Path summary = dir.resolve("out/summary.json");
    Path report = dir.resolve("out/report.html");

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

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    JsonNode json = JSON.readTree(summary.toFile());
    assertThat(json.at("/outcome/success").asBoolean(true)).isFalse();
    assertThat(json.at("/outcome/exitCode").asInt()).isEqualTo(ExitCode.INVALID);
    assertThat(json.at("/outcome/error").asText())
        .isEqualTo(cli.err().strip().substring("error: ".length()));
    assertThat(json.at("/definition/subTask").asText()).isEqualTo("say_hello");
    assertThat(Files.readString(report))
        .contains("exit 2", "variable [name] at [1] expects [str] but found [int 2]");
  }

  @Test
  void shouldReplaceAnEarlierRunsShardsOnlyWithOverwrite() throws IOException {
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    Path four = Cli.write(dir, "four.json", "{\"name\": [\"a\", \"b\", \"c\", \"d\"]}");
    Path two = Cli.write(dir, "two.json", "{\"name\": [\"x\", \"y\"]}");
    Path out = dir.resolve("out");
    Cli first =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            four.toString(),
            "--outputs-dir",
            out.toString(),
            "--quiet");
    assertThat(first.exitCode()).as(first.err()).isZero();
    Path notes = Files.writeString(out.resolve("elements/notes.txt"), "mine");

    Cli refused =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            two.toString(),
            "--outputs-dir",
            out.toString(),
            "--quiet");
    Cli replaced =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            two.toString(),
            "--outputs-dir",
            out.toString(),
            "--overwrite",
            "--quiet");

    assertThat(refused.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(refused.err())
        .containsPattern("already holds \\d+ shards of an earlier run")
        .contains("--overwrite");
    assertThat(replaced.exitCode()).as(replaced.err()).isZero();
    List<String> lines = new ArrayList<>();
    try (Stream<Path> shards = Files.list(out.resolve("elements"))) {
      for (Path shard : shards.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        lines.addAll(Files.readAllLines(shard));
      }
    }
    assertThat(lines)
        .containsExactly(
            "{\"index\":0,\"outputs\":{\"o0\":\"hello x!\"}}",
            "{\"index\":1,\"outputs\":{\"o0\":\"hello y!\"}}");
    assertThat(notes).hasContent("mine");
    assertThat(out.resolve("outputs.pb")).exists();
  }
}

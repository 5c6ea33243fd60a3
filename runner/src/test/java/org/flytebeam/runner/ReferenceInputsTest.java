package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.LiteralOffloadedMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.flytebeam.beam.MapResult;
import org.flytebeam.examples.FormatAbc;
import org.flytebeam.examples.SayHello;
import org.flytebeam.examples.Square;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Blob;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mapped inputs given by reference through the command: JSON Lines files and folders, file patterns
 * and offloaded literals, beside inline lists and bound values, on tasks and containers.
 */
class ReferenceInputsTest {
  @TempDir Path dir;

  private Path definition(MapTaskSpec spec, String name) throws IOException {
    Path file = dir.resolve(name);
    DefinitionWriter.write(spec, file);
    return file;
  }

  private Cli run(Path definition, Path inputs, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "run",
                "--definition",
                definition.toString(),
                "--inputs",
                inputs.toString(),
                "--outputs",
                dir.resolve("out.pb").toString(),
                "--quiet"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(new String[0]));
  }

  private LiteralMap outputs() throws IOException {
    return LiteralMap.parseFrom(Files.readAllBytes(dir.resolve("out.pb")));
  }

  @Test
  void shouldMapOverAJsonLinesFileBesideAnInlineListAndABoundValue() throws IOException {
    Path def =
        definition(MapTask.of(new FormatAbc()).boundInputs(Set.of("c")).build(), "abc.def.json");
    Path a = Cli.write(dir, "a.jsonl", "1\n\n2\r\n3");
    Path inputs =
        Cli.write(
            dir,
            "in.json",
            "{\"a\": {\"uri\": \""
                + a
                + "\", \"format\": \"jsonl\"}, \"b\": [0.5, 1.5, 2.5], \"c\": \"k\"}");

    Cli cli = run(def, inputs);

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Inputs.plain(outputs(), "o0"))
        .containsExactly("1 - 0.5 - k", "2 - 1.5 - k", "3 - 2.5 - k");
  }

  @Test
  void shouldRefuseAJsonLinesInputOfAnotherLengthBeforeAnyElementRuns() throws IOException {
    Path def =
        definition(MapTask.of(new FormatAbc()).boundInputs(Set.of("c")).build(), "abc.def.json");
    Path a = Cli.write(dir, "a.jsonl", "1\n2\n3\n");
    Path inputs =
        Cli.write(
            dir, "in.json", "{\"a\": {\"uri\": \"" + a + "\"}, \"b\": [0.5, 1.5], \"c\": \"k\"}");

    Cli cli = run(def, inputs);

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err())
        .startsWith("error: ")
        .contains(
            "input arrays have different lengths: expecting '3' found '2' (input [a] has 3 elements,"
                + " input [b] has 2)");
    assertThat(dir.resolve("out.pb")).doesNotExist();
  }

  @Test
  void shouldReadAMultipartFolderGivenAsAFlyteidlBlobInFileNameOrder() throws IOException {
    Path parts = Files.createDirectories(dir.resolve("names"));
    Files.writeString(parts.resolve("part-00001.jsonl"), "\"mars\"\r\n\"venus\"\r\n");
    Files.writeString(parts.resolve("part-00000.jsonl"), "\"earth\"\n");
    Files.writeString(parts.resolve("_SUCCESS"), "");
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    Path inputs =
        Cli.write(
            dir,
            "in.json",
            "{\"literals\": {\"name\": {\"scalar\": {\"blob\": {\"metadata\": {\"type\": {\"format\":"
                + " \"jsonl\", \"dimensionality\": \"MULTIPART\"}}, \"uri\": \""
                + parts
                + "\"}}}}}");

    Cli cli = run(def, inputs);

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Inputs.plain(outputs(), "o0"))
        .containsExactly("hello earth!", "hello mars!", "hello venus!");
  }

  @Test
  void shouldGiveEachFileMatchingAPatternToOneElement() throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("b.csv"), "x,y\n1,2\n");
    Files.writeString(data.resolve("a.csv"), "x\n");
    Files.writeString(data.resolve("c.txt"), "not matched");
    Path def = definition(MapTask.of(new TestTasks.FileSize()).build(), "size.def.json");

    Cli cli = run(def, Cli.write(dir, "in.json", "{\"f\": {\"pattern\": \"" + data + "/*.csv\"}}"));
    Cli none =
        run(def, Cli.write(dir, "none.json", "{\"f\": {\"pattern\": \"" + data + "/*.png\"}}"));

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Inputs.plain(outputs(), "o0")).containsExactly(2L, 8L);
    assertThat(none.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(none.err())
        .isEqualTo(
            "error: the file pattern ["
                + data
                + "/*.png] of input [f] matches no file: check the"
                + " pattern\n");
  }

  private Literal offloaded(String name, Literal value) throws IOException {
    Path file = dir.resolve(name + ".pb");
    Files.write(file, value.toByteArray());
    return Literal.newBuilder()
        .setOffloadedMetadata(
            LiteralOffloadedMetadata.newBuilder()
                .setUri(file.toString())
                .setSizeBytes(Files.size(file)))
        .build();
  }

  @Test
  void shouldReadOffloadedLiteralsMappedAndBound() throws IOException {
    Path def =
        definition(MapTask.of(new FormatAbc()).boundInputs(Set.of("c")).build(), "abc.def.json");
    LiteralMap workflowInputs =
        LiteralMap.newBuilder()
            .putLiterals("a", offloaded("a", Inputs.range(3000)))
            .putLiterals(
                "b",
                offloaded(
                    "b",
                    Literals.collection(java.util.Collections.nCopies(3000, Literals.of(0.5)))))
            .putLiterals("c", offloaded("c", Literals.of("off")))
            .build();
    Path inputs = dir.resolve("in.pb");
    Files.write(inputs, workflowInputs.toByteArray());

    Cli cli = run(def, inputs);

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    List<Object> o0 = Inputs.plain(outputs(), "o0");
    assertThat(o0).hasSize(3000);
    assertThat(o0.get(0)).isEqualTo("0 - 0.5 - off");
    assertThat(o0.get(2999)).isEqualTo("2999 - 0.5 - off");
  }

  @Test
  void shouldFailOnlyTheElementOfABadLineAndNameItsFileAndLine() throws IOException {
    Path def = definition(MapTask.of(new Square()).runAllSubNodes(true).build(), "square.def.json");
    Path x = Cli.write(dir, "x.jsonl", "1\n2\n\n\"three\"\n4\n");

    Cli cli = run(def, Cli.write(dir, "in.json", "{\"x\": {\"uri\": \"" + x + "\"}}"));

    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err())
        .contains(
            "error: map failed: 3 of 4 elements succeeded, 4 required (1 failed, 0 timed out, 0 aborted)")
        .contains(
            "  [2]: "
                + x
                + ":4: variable [x[2]] expects [int] but found [str \"three\"]; fix that line");
    assertThat(Inputs.plain(outputs(), "o0")).containsExactly(1L, 4L, null, 16L);
  }

  @Test
  void shouldGiveIdenticalResultsOnTheDirectRunnerAndSparkLocal() throws IOException {
    Path parts = Files.createDirectories(dir.resolve("parts"));
    StringBuilder[] texts = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    for (int i = 0; i < 3000; i++) {
      texts[i * 3 / 3000].append(i % 97 == 5 ? -i : i).append('\n');
    }
    for (int p = 0; p < 3; p++) {
      Files.writeString(parts.resolve("part-" + p), texts[p]);
    }
    MapTaskSpec spec = MapTask.of(new TestTasks.Counted()).minSuccessRatio(0.9f).build();
    LiteralMap inputs = Inputs.of("x", Literals.of(new Blob(parts.toString(), "jsonl", true)));
    RunOptions spark =
        RunOptions.defaults().withRunner(RunnerKind.SparkRunner).withSparkMaster("local[2]");

    MapResult direct = FlyteBeam.run(spec, inputs, RunOptions.defaults());
    MapResult onSpark = FlyteBeam.run(spec, inputs, spark);
    try {
      assertThat(direct.plan().size()).isEqualTo(3000);
      assertThat(direct.verdict().failed()).isEqualTo(31);
      assertThat(onSpark.outputs()).isEqualTo(direct.outputs());
      assertThat(onSpark.verdict()).isEqualTo(direct.verdict());
      assertThat(SparkDifferentialIT.outcomes(onSpark))
          .isEqualTo(SparkDifferentialIT.outcomes(direct));
    } finally {
      FlyteBeam.deleteLocalFolder(direct.plan().workDir());
      FlyteBeam.deleteLocalFolder(onSpark.plan().workDir());
    }
  }

  @Test
  void shouldRunFlytekitsMapCommandWithItsElementsOwnInputMap() throws Exception {
    Path log = dir.resolve("attempts.log");
    Path bin = Containers.fakeFlytekit(dir);
    Path def =
        Containers.definition(dir, "arraynode-flytekit.def.json", 0, Containers.withFake(bin, log));
    Path words = Cli.write(dir, "words.jsonl", "\"a\"\n\"b\"\n\"c\"\n");

    Cli cli = run(def, Cli.write(dir, "in.json", "{\"word\": {\"uri\": \"" + words + "\"}}"));

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Inputs.plain(outputs(), "o0")).containsExactly("A", "B", "C");
    // The stand-in logs the index it computed the way flytekit does: 0 in each element's own map.
    assertThat(Containers.attempts(log)).containsExactly("0 0 \"\"", "0 0 \"\"", "0 0 \"\"");
  }

  @Test
  void shouldRunARawContainerOverAJsonLinesInput() throws Exception {
    Path def = Cli.write(dir, "double.def.json", Containers.resource("double.def.json"));
    Path x = Cli.write(dir, "x.jsonl", "1\n2\n3\n");

    Cli cli = run(def, Cli.write(dir, "in.json", "{\"x\": {\"uri\": \"" + x + "\"}}"));

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Inputs.plain(outputs(), "y")).containsExactly(2L, 4L, 6L);
  }
}

package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.DataLoadingConfig.LiteralMapFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataConfigFilesTest {
  @TempDir Path dir;

  private static Object fileKey(Path p) throws Exception {
    return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Map<String, Literal> inputs(long x, String s) {
    Map<String, Literal> inputs = new LinkedHashMap<>();
    inputs.put("x", Literals.of(x));
    inputs.put("s", Literals.of(s));
    return inputs;
  }

  @Test
  void shouldWriteAnAttemptsInputsOverTheEarlierAttemptsFilesInPlace() throws Exception {
    // given: the folder as the first attempt left it
    Path in = Files.createDirectories(dir.resolve("data-in"));
    DataConfigFiles.writeInputs(inputs(12345, "a long first text"), in, LiteralMapFormat.JSON);
    Object x = fileKey(in.resolve("x"));
    Object map = fileKey(in.resolve("inputs.pb"));

    // when
    DataConfigFiles.writeInputs(inputs(7, "b"), in, LiteralMapFormat.JSON);

    // then: the same files, holding this attempt's values only
    assertThat(fileKey(in.resolve("x"))).isEqualTo(x);
    assertThat(fileKey(in.resolve("inputs.pb"))).isEqualTo(map);
    assertThat(in.resolve("x")).hasContent("7");
    assertThat(in.resolve("s")).hasContent("b");
    assertThat(in.resolve("inputs.json")).hasContent("{\"x\":7,\"s\":\"b\"}");
    assertThat(LiteralMap.parseFrom(Files.readAllBytes(in.resolve("inputs.pb"))))
        .isEqualTo(LiteralMap.newBuilder().putAllLiterals(inputs(7, "b")).build());
    assertThat(names(in)).containsExactly("inputs.json", "inputs.pb", "s", "x");
  }

  @Test
  void shouldRemoveWhatItDoesNotWriteAgainAndNeverWriteThroughALink() throws Exception {
    // given: a program left a stale file, a folder, and links to files outside in place of inputs
    Path outside = Files.writeString(dir.resolve("outside.txt"), "keep me");
    Path shared = Files.writeString(dir.resolve("shared.txt"), "keep me too");
    Path in = Files.createDirectories(dir.resolve("data-in"));
    Files.writeString(in.resolve("stale"), "old");
    Files.createDirectories(in.resolve("inputs.json").resolve("deep"));
    Files.createSymbolicLink(in.resolve("x"), outside);
    Files.createLink(in.resolve("s"), shared);

    // when
    DataConfigFiles.writeInputs(inputs(7, "b"), in, LiteralMapFormat.JSON);

    // then: the files outside untouched; the inputs are plain files of the folder
    assertThat(outside).hasContent("keep me");
    assertThat(shared).hasContent("keep me too");
    assertThat(Files.isSymbolicLink(in.resolve("x"))).isFalse();
    assertThat(in.resolve("x")).hasContent("7");
    assertThat(in.resolve("s")).hasContent("b");
    assertThat(in.resolve("inputs.json")).isRegularFile();
    assertThat(names(in)).containsExactly("inputs.json", "inputs.pb", "s", "x");
  }
}

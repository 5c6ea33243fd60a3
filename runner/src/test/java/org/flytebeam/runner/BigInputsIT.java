package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million JSON Lines items mapped by a driver whose heap could not hold them as a list: the
 * command in a JVM of its own with {@code -Xmx128m} (the same items inline do not fit in it).
 */
class BigInputsIT {
  private static final int ITEMS = 1_000_000;

  @TempDir Path dir;

  @Test
  void shouldMapAMillionJsonLinesWithASmallDriverHeap() throws Exception {
    // given: item i is i, and the task fails any element whose item is not its index
    Path items = dir.resolve("x.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(items, StandardCharsets.UTF_8)) {
      for (int i = 0; i < ITEMS; i++) {
        out.write(Integer.toString(i));
        out.write('\n');
      }
    }
    Path def = dir.resolve("check.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.IndexCheck()).build(), def);
    Path inputs =
        Cli.write(dir, "in.json", "{\"x\": {\"uri\": \"" + items + "\", \"format\": \"jsonl\"}}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path")));
    command.addAll(
        List.of(
            "org.flytebeam.runner.Main",
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--outputs",
            dir.resolve("out.pb").toString(),
            "--work-dir",
            dir.resolve("work").toString(),
            "--quiet"));
    Process process =
        new ProcessBuilder(command)
            .redirectError(dir.resolve("stderr.txt").toFile())
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .start();
    try {
      // when
      boolean ended = process.waitFor(10, TimeUnit.MINUTES);

      // then: every element ran and met its item, in order (exit 0: all of them succeeded)
      assertThat(ended).isTrue();
      assertThat(process.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isZero();
      assertThat(Files.readString(dir.resolve("stderr.txt"))).doesNotContain("error");
    } finally {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}

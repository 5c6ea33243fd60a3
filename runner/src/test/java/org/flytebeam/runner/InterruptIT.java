package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C and SIGTERM: a real CLI process exits 130 and still writes what finished. */
class InterruptIT {
  @TempDir Path dir;

  private Process start(Path outputs) throws Exception {
    return start(outputs, "--outputs", outputs.toString());
  }

  private Process start(Path outputs, String... outputOptions) throws Exception {
    Path def = dir.resolve("slow.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Timed()).concurrency(2).build(), def);
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      values.append(i == 0 ? "" : ", ").append(50);
    }
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [" + values + "]}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(FlyteBeam.SPARK_JAVA17_FLAGS.split(" ")));
    command.addAll(
        List.of(
            "org.flytebeam.runner.Main",
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--work-dir",
            dir.resolve("work-" + outputs.getFileName()).toString()));
    command.addAll(List.of(outputOptions));
    return new ProcessBuilder(command)
        .redirectError(dir.resolve("stderr-" + outputs.getFileName() + ".txt").toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private void assertInterrupted(Process process, Path outputs, String signal) throws Exception {
    try {
      interrupt(process, outputs, signal);
      List<Literal> written =
          LiteralMap.parseFrom(Files.readAllBytes(outputs))
              .getLiteralsMap()
              .get("o0")
              .getCollection()
              .getLiteralsList();
      assertThat(written).hasSize(400);
      long finished = written.stream().filter(l -> !Literals.isNone(l)).count();
      assertThat(finished).isBetween(1L, 399L);
      assertThat(written.stream().filter(l -> !Literals.isNone(l)))
          .allMatch(l -> l.equals(Literals.of(50L)));
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Signals the process once a range has finished; it must exit 130 with one error line. */
  private void interrupt(Process process, Path outputs, String signal) throws Exception {
    // Wait until a range of elements has finished (its result file exists): 400 elements of
    // 50 ms on 2 lanes take about 10 s, so most are still to run.
    Path work = dir.resolve("work-" + outputs.getFileName());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!rangeFinished(work) && System.nanoTime() < deadline && process.isAlive()) {
      Thread.sleep(50);
    }
    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    String stderr =
        Files.readString(
            dir.resolve("stderr-" + outputs.getFileName() + ".txt"), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(stderr).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(stderr).contains("error: interrupted").doesNotContain("\tat ");
  }

  private static boolean rangeFinished(Path work) throws java.io.IOException {
    if (!Files.isDirectory(work)) {
      return false;
    }
    try (var files = Files.walk(work)) {
      return files.anyMatch(f -> f.getFileName().toString().matches("range-.*\\.bin"));
    }
  }

  @Test
  void shouldExit130AndWriteFinishedOutputsOnSigint() throws Exception {
    Path outputs = dir.resolve("int.pb");
    assertInterrupted(start(outputs), outputs, "INT");
  }

  @Test
  void shouldLeaveTheShardsOfFinishedRangesOnSigintWithAnOutputsDir() throws Exception {
    Path outputs = dir.resolve("shards");
    Process process = start(outputs, "--outputs-dir", outputs.toString());
    try {
      interrupt(process, outputs, "INT");

      // every index has its line, once, in order: finished elements their output, others none
      List<String> lines = OutputsDirTest.lines(outputs);
      assertThat(lines).hasSize(400);
      long finished = 0;
      for (int i = 0; i < lines.size(); i++) {
        assertThat(lines.get(i)).startsWith("{\"index\":" + i + ",");
        finished += lines.get(i).endsWith("{\"o0\":50}}") ? 1 : 0;
      }
      assertThat(finished).isBetween(1L, 399L);
      assertThat(lines).allMatch(l -> l.endsWith("{\"o0\":50}}") || l.endsWith("{\"o0\":null}}"));
      assertThat(outputs.resolve("outputs.pb")).exists();
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldExit130AndWriteFinishedOutputsOnSigterm() throws Exception {
    Path outputs = dir.resolve("term.pb");
    assertInterrupted(start(outputs), outputs, "TERM");
  }
}

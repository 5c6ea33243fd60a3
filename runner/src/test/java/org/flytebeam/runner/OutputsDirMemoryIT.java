package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
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
 * The driver's memory with {@code --outputs-dir}: a CLI process with a small heap maps 500,000
 * elements whose outputs (64 characters each) would not fit in it, and writes every one. The same
 * run assembling its outputs ({@code --outputs}) runs out of memory, which shows the heap is small
 * enough to tell. The heap must still hold the inline inputs (about 150 bytes per element).
 */
class OutputsDirMemoryIT {
  private static final int N = 500_000;
  private static final String HEAP = "-Xmx160m";

  @TempDir Path dir;

  private Process start(Path stderr, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(List.of(java, HEAP, "-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(FlyteBeam.SPARK_JAVA17_FLAGS.split(" ")));
    command.add("org.flytebeam.runner.Main");
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectError(stderr.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static int exitCode(Process process) throws InterruptedException {
    try {
      assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
      return process.exitValue();
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldWriteEveryOutputWithAHeapTooSmallToAssembleThem() throws Exception {
    // given: 500,000 numbers
    Path def = dir.resolve("padded.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Padded()).build(), def);
    Path inputs = dir.resolve("in.json");
    try (BufferedWriter w = Files.newBufferedWriter(inputs)) {
      w.write("{\"x\": [");
      for (int i = 0; i < N; i++) {
        w.write(i == 0 ? "0" : "," + i);
      }
      w.write("]}");
    }
    Path out = dir.resolve("out");

    // when
    Process run =
        start(
            dir.resolve("dir.err"),
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--outputs-dir",
            out.toString(),
            "--summary",
            dir.resolve("summary.json").toString(),
            "--quiet");

    // then: every line, in order, read back without holding them
    int code = exitCode(run);
    assertThat(code).as(Files.readString(dir.resolve("dir.err"))).isZero();
    ObjectMapper json = new ObjectMapper();
    long next = 0;
    for (Path shard : OutputsDirTest.shards(out)) {
      try (BufferedReader r = Files.newBufferedReader(shard)) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          JsonNode node = json.readTree(line);
          assertThat(node.get("index").asLong()).isEqualTo(next);
          assertThat(node.at("/outputs/o0").asText()).isEqualTo(String.format("%064d", next));
          next++;
        }
      }
    }
    assertThat(next).isEqualTo(N);
    JsonNode summary = json.readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.at("/outcome/succeeded").asLong()).isEqualTo(N);
    assertThat(summary.at("/elements/status").asText()).hasSize(N).matches("S+");

    // and: assembling the same outputs in the same heap does not fit (JSON outputs are assembled;
    // binary ones are streamed from the run folder)
    Process assemble =
        start(
            dir.resolve("assemble.err"),
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--outputs",
            dir.resolve("out.json").toString(),
            "--quiet");
    assertThat(exitCode(assemble)).isEqualTo(ExitCode.INFRASTRUCTURE);
    assertThat(Files.readString(dir.resolve("assemble.err")))
        .startsWith("error: the driver ran out of memory")
        .contains("use --outputs-dir");
  }
}

package org.flytebeam.runner;

import flyteidl.core.Literals.Literal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.flytebeam.cache.CacheKeys;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks.CacheMarked;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the element cache tests share: a cache and marker folder per test, the marking task's
 * definition and inputs, runs in this JVM ({@link #run}) and in real CLI processes ({@link
 * #start}), each stopped after the test.
 */
abstract class CacheRuns {
  @TempDir Path dir;

  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  Path cache() {
    return dir.resolve("cache");
  }

  Path markers() {
    return dir.resolve("markers");
  }

  static MapTask marked() {
    return MapTask.of(new CacheMarked()).boundInputs(Set.of("offset", "markers", "delayMillis"));
  }

  Path definition(MapTask builder, String name) {
    Path file = dir.resolve(name);
    DefinitionWriter.write(builder.build(), file);
    return file;
  }

  Path inputs(String name, long offset, long delayMillis, long... xs) throws IOException {
    String list = LongStream.of(xs).mapToObj(Long::toString).collect(Collectors.joining(", "));
    return Cli.write(
        dir,
        name,
        String.format(
            "{\"x\": [%s], \"offset\": %d, \"markers\": \"%s\", \"delayMillis\": %d}",
            list, offset, markers(), delayMillis));
  }

  Cli run(Path definition, Path inputs, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--definition",
                definition.toString(),
                "--inputs",
                inputs.toString(),
                "--cache",
                cache().toString(),
                "--quiet"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(new String[0]));
  }

  /** Indices of the invocations that left a {@code what} marker (per process when pid is given). */
  List<Long> marked(String what, Long pid) throws IOException {
    List<Long> indices = new ArrayList<>();
    if (!Files.isDirectory(markers())) {
      return indices;
    }
    try (Stream<Path> files = Files.list(markers())) {
      for (Path f : files.toList()) {
        String[] parts = f.getFileName().toString().split("-");
        if (parts[0].equals(what) && (pid == null || Long.parseLong(parts[2]) == pid)) {
          indices.add(Long.parseLong(parts[1]));
        }
      }
    }
    indices.sort(null);
    return indices;
  }

  /** Indices started since the last {@link #clearMarkers()}, one per invocation. */
  List<Long> started() throws IOException {
    return marked("start", null);
  }

  void clearMarkers() throws IOException {
    if (Files.isDirectory(markers())) {
      try (Stream<Path> files = Files.list(markers())) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
    }
  }

  List<Path> entries() throws IOException {
    if (!Files.isDirectory(cache())) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(cache())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".entry")).toList();
    }
  }

  static String compact(String json) {
    return json.replaceAll("\\s+", "");
  }

  Process start(Path def, Path in, Path outputs, String name) throws IOException {
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
            in.toString(),
            "--outputs",
            outputs.toString(),
            "--cache",
            cache().toString(),
            "--quiet"));
    Process p =
        new ProcessBuilder(command)
            .redirectError(dir.resolve(name + ".err").toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    processes.add(p);
    return p;
  }

  String stderr(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".err"));
  }

  /** Whether element {@code i}'s entry exists: keys computed as the run computes them. */
  static boolean cached(CacheKeys keys, Path cache, Map<String, Literal> elementInputs) {
    return Files.exists(Path.of(keys.keyOf(elementInputs).entryPath(cache.toString())));
  }
}

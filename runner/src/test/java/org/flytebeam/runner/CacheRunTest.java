package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.vars;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.flytebeam.cache.CacheEntries;
import org.flytebeam.cache.CacheKeys;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks.CacheMarked;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The element cache end to end: what a re-run executes, counted by the task itself ({@link
 * CacheMarked} leaves a file per invocation), in this JVM and in real CLI processes, one of them
 * killed with {@code kill -9}.
 */
class CacheRunTest {
  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Path cache() {
    return dir.resolve("cache");
  }

  private Path markers() {
    return dir.resolve("markers");
  }

  private static MapTask marked() {
    return MapTask.of(new CacheMarked()).boundInputs(Set.of("offset", "markers", "delayMillis"));
  }

  private Path definition(MapTask builder, String name) {
    Path file = dir.resolve(name);
    DefinitionWriter.write(builder.build(), file);
    return file;
  }

  private Path inputs(String name, long offset, long delayMillis, long... xs) throws IOException {
    String list = LongStream.of(xs).mapToObj(Long::toString).collect(Collectors.joining(", "));
    return Cli.write(
        dir,
        name,
        String.format(
            "{\"x\": [%s], \"offset\": %d, \"markers\": \"%s\", \"delayMillis\": %d}",
            list, offset, markers(), delayMillis));
  }

  private Cli run(Path definition, Path inputs, String... more) {
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
  private List<Long> marked(String what, Long pid) throws IOException {
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
  private List<Long> started() throws IOException {
    return marked("start", null);
  }

  private void clearMarkers() throws IOException {
    if (Files.isDirectory(markers())) {
      try (Stream<Path> files = Files.list(markers())) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
    }
  }

  private List<Path> entries() throws IOException {
    if (!Files.isDirectory(cache())) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(cache())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".entry")).toList();
    }
  }

  private static String compact(String json) {
    return json.replaceAll("\\s+", "");
  }

  @Test
  void shouldExecuteNoElementWhenAFinishedMapRunsAgain() throws IOException {
    Path def = definition(marked(), "marked.def.json");
    Path in = inputs("in.json", 1, 0, 1, 2, 3, 4, 5);
    Path summary = dir.resolve("summary.json");
    Path report = dir.resolve("report.html");

    Cli first = run(def, in, "--report", dir.resolve("first.html").toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(started()).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(entries()).hasSize(5);
    assertThat(Files.readString(dir.resolve("first.html")))
        .contains(
            "<div class=\"card \"><div class=\"n\">0</div><div class=\"l\">from cache</div></div>");
    clearMarkers();

    Cli second = run(def, in, "--summary", summary.toString(), "--report", report.toString());

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.errWithoutProgress()).isEmpty();
    assertThat(started()).isEmpty();
    assertThat(compact(second.out()))
        .isEqualTo("{\"o0\":[11,21,31,41,51]}")
        .isEqualTo(compact(first.out()));
    String json = Files.readString(summary);
    assertThat(json)
        .contains("\"cacheHits\":5", "\"mode\":\"ENABLED\"", "\"dir\":\"" + cache() + "\"")
        .contains(
            "\"summary\":\"map succeeded: 5 of 5 elements succeeded (5 required), 5 from the cache\"")
        .contains("\"attempts\":[0,0,0,0,0]", "\"durations\":{\"count\":0");
    assertThat(Files.readString(report))
        .contains(
            "<div class=\"card \"><div class=\"n\">5</div><div class=\"l\">from cache</div></div>");
  }

  @Test
  void shouldRerunOnlyTheFailedElementsOnceTheInputIsFixed() throws IOException {
    // Every element runs to its end: none is aborted by fail-fast.
    Path def = definition(marked().runAllSubNodes(true), "marked.def.json");

    Cli failed = run(def, inputs("bad.json", 0, 0, 1, 2, -3, 4, -5));
    assertThat(failed.exitCode()).as(failed.err()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(started()).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(entries()).hasSize(3);
    clearMarkers();

    Cli fixed = run(def, inputs("fixed.json", 0, 0, 1, 2, 3, 4, 5));

    assertThat(fixed.exitCode()).as(fixed.err()).isZero();
    assertThat(started()).containsExactly(2L, 4L);
    assertThat(compact(fixed.out())).isEqualTo("{\"o0\":[10,20,30,40,50]}");
  }

  @Test
  void shouldRerunTheFailedAndTheAbortedElementsAfterAFailFast() throws IOException {
    // one lane: after the failure at index 1, elements 2.. are aborted, never run
    Path def = definition(marked().concurrency(1), "marked.def.json");

    Cli failed = run(def, inputs("bad.json", 0, 0, 1, -2, 3, 4));
    assertThat(failed.exitCode()).as(failed.err()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(failed.err()).contains("2 aborted");
    assertThat(started()).containsExactly(0L, 1L);
    clearMarkers();

    Cli fixed = run(def, inputs("fixed.json", 0, 0, 1, 2, 3, 4));

    assertThat(fixed.exitCode()).as(fixed.err()).isZero();
    assertThat(started()).containsExactly(1L, 2L, 3L);
    assertThat(compact(fixed.out())).isEqualTo("{\"o0\":[10,20,30,40]}");
  }

  @Test
  void shouldMissWhenTheDiscoveryVersionOrABoundInputChanges() throws IOException {
    Path v1 = definition(marked(), "v1.def.json");
    Path v2 = definition(marked().cache("2"), "v2.def.json");
    Path offset0 = inputs("offset0.json", 0, 0, 1, 2, 3);
    Path offset7 = inputs("offset7.json", 7, 0, 1, 2, 3);
    assertThat(run(v1, offset0).exitCode()).isZero();
    clearMarkers();

    Cli boundChanged = run(v1, offset7);
    assertThat(started()).containsExactly(0L, 1L, 2L);
    assertThat(compact(boundChanged.out())).isEqualTo("{\"o0\":[17,27,37]}");
    clearMarkers();

    Cli versionChanged = run(v2, offset0);
    assertThat(started()).containsExactly(0L, 1L, 2L);
    assertThat(compact(versionChanged.out())).isEqualTo("{\"o0\":[10,20,30]}");
    clearMarkers();

    // Inputs left out of the key (markers, delayMillis) do not miss; the old entries are still hit.
    Path slower =
        Cli.write(
            dir,
            "slower.json",
            Files.readString(offset0).replace("\"delayMillis\": 0", "\"delayMillis\": 1"));
    Cli again = run(v1, slower);
    assertThat(started()).isEmpty();
    assertThat(compact(again.out())).isEqualTo("{\"o0\":[10,20,30]}");
  }

  @Test
  void shouldRunAgainWithAWarningWhenAnEntryIsTruncated() throws IOException {
    Path def = definition(marked(), "marked.def.json");
    Path in = inputs("in.json", 0, 0, 1, 2, 3, 4);
    assertThat(run(def, in).exitCode()).isZero();
    clearMarkers();
    Path entry = entries().get(0);
    byte[] whole = Files.readAllBytes(entry);
    Files.write(entry, java.util.Arrays.copyOf(whole, whole.length / 2));

    Cli cli = run(def, in);

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(started()).hasSize(1);
    assertThat(compact(cli.out())).isEqualTo("{\"o0\":[10,20,30,40]}");
    assertThat(Containers.lines(cli.err()))
        .containsExactly(
            "warning: cache: 1 entry was unreadable or corrupt, so its element ran again (first:"
                + " cache entry ["
                + entry
                + "] is truncated or corrupt (IllegalStateException:"
                + " checksum mismatch))");
    assertThat(Files.readAllBytes(entry)).isEqualTo(whole);
    clearMarkers();
    assertThat(run(def, in).errWithoutProgress()).isEmpty();
    assertThat(started()).isEmpty();
  }

  @Test
  void shouldNeitherReadNorWriteWithNoCacheAndRunEverythingWithOverwrite() throws IOException {
    Path def = definition(marked(), "marked.def.json");
    Path in = inputs("in.json", 0, 0, 1, 2, 3);
    String[] noCache = {
      "run", "--definition", def.toString(), "--inputs", in.toString(), "--no-cache"
    };

    assertThat(Cli.run(noCache).exitCode()).isZero();
    assertThat(Cli.run(noCache).exitCode()).isZero();
    assertThat(started()).containsExactly(0L, 0L, 1L, 1L, 2L, 2L);
    assertThat(entries()).isEmpty();
    clearMarkers();

    run(def, in);
    Cli overwrite = run(def, in, "--overwrite-cache");
    assertThat(overwrite.exitCode()).isZero();
    assertThat(started()).containsExactly(0L, 0L, 1L, 1L, 2L, 2L);
    clearMarkers();

    // --no-cache ignores the entries there are
    Cli.run(noCache);
    assertThat(started()).containsExactly(0L, 1L, 2L);
    clearMarkers();
    run(def, in);
    assertThat(started()).isEmpty();
  }

  @Test
  void shouldRefuseContradictoryCacheOptionsAndAnUnwritableFolder() throws IOException {
    Path def = definition(marked(), "marked.def.json");
    Path in = inputs("in.json", 0, 0, 1);

    Cli both = run(def, in, "--no-cache");
    assertThat(both.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(both.err()))
        .containsExactly(
            "error: --no-cache contradicts --cache [" + cache() + "]: give one of them");
    Cli overwrite =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--no-cache",
            "--overwrite-cache");
    assertThat(overwrite.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(overwrite.err()))
        .containsExactly("error: --no-cache contradicts --overwrite-cache: give one of them");

    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    Cli unwritable =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--cache",
            file.toString());
    assertThat(unwritable.exitCode()).isEqualTo(ExitCode.INFRASTRUCTURE);
    assertThat(Containers.lines(unwritable.err())).hasSize(1);
    assertThat(unwritable.err())
        .startsWith("error: cannot write the cache folder [" + file + "]")
        .contains("give a writable --cache DIR, or --no-cache");
    assertThat(started()).isEmpty();
  }

  @Test
  void shouldRefuseACacheableSubTaskWithoutAVersion() throws IOException {
    TaskTemplate t =
        Containers.rawContainer(
            "unversioned",
            vars("x", LiteralTypes.of(Long.class)),
            vars("y", LiteralTypes.of(Long.class)),
            "echo {{.inputs.x}} > /var/outputs/y");
    // The builder refuses it too: write it as another tool's file would hold it.
    WorkflowClosure.Builder closure = DefinitionWriter.toClosure(MapTask.of(t).build()).toBuilder();
    closure.getTasksBuilder(0).getMetadataBuilder().setDiscoverable(true);
    Path def = Cli.write(dir, "unversioned.def.json", JsonFormat.printer().print(closure));

    Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");
    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", in.toString());

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(cli.err())).hasSize(1);
    assertThat(cli.err())
        .startsWith("error: ")
        .contains(
            "task [unversioned] is cacheable (discoverable) but its discovery_version [] is empty");
  }

  @Test
  void shouldCacheAContainerSubTask() throws IOException {
    Path log = dir.resolve("ran.log");
    TaskTemplate t =
        Containers.rawContainer(
            "double",
            vars("x", LiteralTypes.of(Long.class)),
            vars("y", LiteralTypes.of(Long.class)),
            "echo {{.inputs.x}} >> " + log + "; echo $(({{.inputs.x}} * 2)) > /var/outputs/y");
    Path def = dir.resolve("double.def.json");
    DefinitionWriter.write(MapTask.of(t).cache("1").build(), def);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2, 3]}");
    String[] args = {
      "run",
      "--definition",
      def.toString(),
      "--inputs",
      in.toString(),
      "--cache",
      cache().toString(),
      "--quiet"
    };

    Cli first = Cli.run(args);
    Cli second = Cli.run(args);

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(compact(second.out())).isEqualTo("{\"y\":[2,4,6]}").isEqualTo(compact(first.out()));
    assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder("1", "2", "3");
  }

  @Test
  void shouldCacheOnSparkLocal() throws IOException {
    Path def = definition(marked(), "marked.def.json");
    Path in = inputs("in.json", 0, 0, 1, 2, 3, 4, 5, 6);
    String[] spark = {"--runner", "SparkRunner", "--spark-master", "local[2]"};

    Cli first = run(def, in, spark);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(started()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    clearMarkers();
    Cli second = run(def, in, spark);

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(started()).isEmpty();
    assertThat(compact(second.out())).isEqualTo("{\"o0\":[10,20,30,40,50,60]}");
  }

  // --- real processes ---

  private Process start(Path def, Path in, Path outputs, String name) throws IOException {
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

  private String stderr(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".err"));
  }

  /** Whether element {@code i}'s entry exists: keys computed as the run computes them. */
  private static boolean cached(CacheKeys keys, Path cache, Map<String, Literal> elementInputs) {
    return Files.exists(Path.of(keys.keyOf(elementInputs).entryPath(cache.toString())));
  }

  @Test
  void shouldExecuteExactlyTheUnfinishedElementsAfterTheDriverIsKilled() throws Exception {
    // given: 60 elements of 100 ms on two lanes, about 3 s of work
    int n = 60;
    long[] xs = LongStream.range(0, n).toArray();
    MapTaskSpec spec = marked().build();
    Path def = definition(marked(), "marked.def.json");
    Path in = inputs("in.json", 5, 100, xs);
    Process first = start(def, in, dir.resolve("first.pb"), "first");

    // when: it is killed without a word once some elements are stored
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (entries().size() < 8 && first.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(first.isAlive()).as(stderr("first")).isTrue();
    new ProcessBuilder("kill", "-9", Long.toString(first.pid())).start().waitFor();
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

    CacheKeys keys = CacheKeys.of(spec.subTask()).orElseThrow();
    Set<Long> stored = new TreeSet<>();
    for (long i = 0; i < n; i++) {
      Map<String, Literal> element = new HashMap<>();
      element.put("x", Literals.of(i));
      element.put("offset", Literals.of(5L));
      element.put("markers", Literals.of(markers().toString()));
      element.put("delayMillis", Literals.of(100L));
      if (cached(keys, cache(), element)) {
        stored.add(i);
      }
    }
    Set<Long> finishedFirst = new TreeSet<>(marked("done", first.pid()));
    assertThat(stored).hasSizeBetween(8, n - 1);
    assertThat(finishedFirst).containsAll(stored);

    // and the same command runs again
    Process second = start(def, in, dir.resolve("second.pb"), "second");
    assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).as(stderr("second")).isZero();

    // then: it executed every element without an entry, each once, and none with one
    List<Long> executedSecond = marked("start", second.pid());
    Set<Long> unfinished = new TreeSet<>(LongStream.range(0, n).boxed().toList());
    unfinished.removeAll(stored);
    assertThat(executedSecond).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(executedSecond)).isEqualTo(unfinished);
    // and its outputs are an uninterrupted run's
    Path reference = dir.resolve("reference.pb");
    Cli uninterrupted =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--outputs",
            reference.toString(),
            "--no-cache",
            "--quiet");
    assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();
    LiteralMap resumed = Containers.outputs(dir.resolve("second.pb"));
    assertThat(resumed).isEqualTo(Containers.outputs(reference));
    assertThat(Inputs.plain(resumed, "o0"))
        .isEqualTo(LongStream.range(0, n).mapToObj(i -> (Object) (i * 10 + 5)).toList());
  }

  @Test
  void shouldGiveBothConcurrentRunsCorrectOutputsOverOneCache() throws Exception {
    int n = 30;
    long[] xs = LongStream.range(0, n).toArray();
    MapTaskSpec spec = marked().build();
    Path def = definition(marked(), "marked.def.json");
    Path in = inputs("in.json", 3, 40, xs);

    Process a = start(def, in, dir.resolve("a.pb"), "a");
    Process b = start(def, in, dir.resolve("b.pb"), "b");
    assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(a.exitValue()).as(stderr("a")).isZero();
    assertThat(b.exitValue()).as(stderr("b")).isZero();
    List<Object> expected = LongStream.range(0, n).mapToObj(i -> (Object) (i * 10 + 3)).toList();
    assertThat(Inputs.plain(Containers.outputs(dir.resolve("a.pb")), "o0")).isEqualTo(expected);
    assertThat(Inputs.plain(Containers.outputs(dir.resolve("b.pb")), "o0")).isEqualTo(expected);
    // every entry whole and the key's own
    CacheKeys keys = CacheKeys.of(spec.subTask()).orElseThrow();
    for (long i = 0; i < n; i++) {
      Map<String, Literal> element =
          Map.of(
              "x",
              Literals.of(i),
              "offset",
              Literals.of(3L),
              "markers",
              Literals.of(markers().toString()),
              "delayMillis",
              Literals.of(40L));
      assertThat(CacheEntries.read(cache().toString(), keys.keyOf(element)).status())
          .isEqualTo(CacheEntries.Lookup.Status.HIT);
    }
    clearMarkers();
    Cli third = run(def, in, "--outputs", dir.resolve("c.pb").toString());
    assertThat(third.exitCode()).as(third.err()).isZero();
    assertThat(started()).isEmpty();
    assertThat(Inputs.plain(Containers.outputs(dir.resolve("c.pb")), "o0")).isEqualTo(expected);
  }
}

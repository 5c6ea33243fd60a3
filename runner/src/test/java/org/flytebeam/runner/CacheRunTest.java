package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.vars;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks.CacheMarked;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.Test;

/**
 * The element cache end to end, in this JVM: what a re-run executes, counted by the task itself
 * ({@link CacheMarked} leaves a file per invocation). The runs in real CLI processes, one of them
 * killed with {@code kill -9}, are {@link CacheRunIT}.
 */
class CacheRunTest extends CacheRuns {
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
    assertThat(second.err()).isEmpty();
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
    assertThat(run(def, in).err()).isEmpty();
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
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.flytebeam.cache.CacheEntries;
import org.flytebeam.cache.CacheKeys;
import org.flytebeam.runner.testing.TestTasks.CacheMarked;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * The element cache in real CLI processes: a driver killed with {@code kill -9} and resumed, and
 * two runs at once over one cache; each element counted by the task itself ({@link CacheMarked}
 * leaves a file per invocation).
 */
class CacheRunIT extends CacheRuns {
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

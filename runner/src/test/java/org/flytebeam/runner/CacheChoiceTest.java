package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.LiteralMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flytebeam.beam.MapResult;
import org.flytebeam.cache.CacheMode;
import org.flytebeam.cache.CacheSettings;
import org.flytebeam.examples.Square;
import org.flytebeam.runner.testing.TestTasks.CacheMarked;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cache a run uses, and the Java API's cache options. */
class CacheChoiceTest {
  @TempDir Path dir;

  private static final MapTaskSpec CACHEABLE =
      MapTask.of(new CacheMarked()).boundInputs(Set.of("offset", "markers", "delayMillis")).build();

  @Test
  void shouldDefaultToTheUsersCacheFolderWhenTheWorkersAreLocal() {
    assertThat(CacheChoice.defaultFolder(Map.of("XDG_CACHE_HOME", "/xdg"), "/home/u"))
        .isEqualTo("/xdg/flyte-beam");
    assertThat(CacheChoice.defaultFolder(Map.of("XDG_CACHE_HOME", "relative"), "/home/u"))
        .isEqualTo("/home/u/.cache/flyte-beam");
    assertThat(CacheChoice.defaultFolder(Map.of(), "/home/u"))
        .isEqualTo("/home/u/.cache/flyte-beam");
  }

  @Test
  void shouldTurnTheCacheOffWithAWarningOnAClusterWithoutAFolder() {
    RunOptions cluster =
        RunOptions.defaults()
            .withRunner(RunnerKind.SparkRunner)
            .withSparkMaster("spark://127.0.0.1:7077");

    CacheChoice.Choice choice = CacheChoice.choose(CACHEABLE.subTask(), cluster, false);

    assertThat(choice.settings()).isEqualTo(CacheSettings.disabled());
    assertThat(choice.warnings())
        .containsExactly(
            "sub-task [test_cache_marked] is cacheable, but a cluster run has no default cache"
                + " folder: caching is off; give --cache DIR on a path every executor reaches"
                + " (hdfs://..., a shared mount) to cache and resume");
    // a folder given is used, made absolute when local
    CacheChoice.Choice given =
        CacheChoice.choose(
            CACHEABLE.subTask(), cluster.withCacheDir(dir.resolve("c").toString()), false);
    assertThat(given.settings())
        .isEqualTo(new CacheSettings(dir.resolve("c").toString(), CacheMode.ENABLED));
    assertThat(given.warnings()).isEmpty();
  }

  @Test
  void shouldCacheNothingAndSaySoWhenTheTaskIsNotCacheable() {
    MapTaskSpec plain = MapTask.of(new Square()).build();

    assertThat(CacheChoice.choose(plain.subTask(), RunOptions.defaults(), true))
        .isEqualTo(new CacheChoice.Choice(CacheSettings.disabled(), List.of()));
    assertThat(
            CacheChoice.choose(
                    plain.subTask(), RunOptions.defaults().withCacheDir(dir.toString()), true)
                .warnings())
        .containsExactly(
            "sub-task [square] is not cacheable (no discoverable/discovery_version): no element is"
                + " cached; set its cache version to cache it");
    assertThat(
            CacheChoice.choose(
                    CACHEABLE.subTask(),
                    RunOptions.defaults().withCacheMode(CacheMode.DISABLED),
                    true)
                .settings())
        .isEqualTo(CacheSettings.disabled());
  }

  @Test
  void shouldCountCacheHitsThroughTheJavaApi() {
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals("x", Inputs.ints(1, 2, 3))
            .putLiterals("offset", Literals.of(0L))
            .putLiterals("markers", Literals.of(dir.resolve("markers").toString()))
            .putLiterals("delayMillis", Literals.of(0L))
            .build();
    RunOptions options = RunOptions.defaults().withCacheDir(dir.resolve("cache").toString());

    MapResult first = FlyteBeam.run(CACHEABLE, inputs, options);
    MapResult second = FlyteBeam.run(CACHEABLE, inputs, options);
    MapResult overwritten =
        FlyteBeam.run(CACHEABLE, inputs, options.withCacheMode(CacheMode.OVERWRITE));

    assertThat(first.verdict().cacheHits()).isZero();
    assertThat(second.verdict().cacheHits()).isEqualTo(3);
    assertThat(second.plan().cache())
        .isEqualTo(new CacheSettings(dir.resolve("cache").toString(), CacheMode.ENABLED));
    assertThat(second.outcomes()).toIterable().allMatch(o -> o.cacheHit() && o.attempts() == 0);
    assertThat(second.outputs()).isEqualTo(first.outputs());
    assertThat(overwritten.verdict().cacheHits()).isZero();
    assertThat(Inputs.plain(second.outputs(), "o0")).containsExactly(10L, 20L, 30L);
    for (MapResult r : List.of(first, second, overwritten)) {
      FlyteBeam.deleteLocalFolder(r.plan().workDir());
    }
  }
}

package org.flytebeam.cache;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flytebeam.exec.AttemptFailedException;
import org.flytebeam.exec.ElementInvoker;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementRunner;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.FailureKind;
import org.flytebeam.exec.RunControl;
import org.flytebeam.spec.SubTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElementCacheTest {
  @TempDir Path dir;

  private static final SubTask TASK = CacheTemplates.subTask("v1");

  /** Returns x * 10; fails non-recoverably when x is negative; records the indices it ran. */
  static final class Times10 implements ElementInvoker {
    final List<Long> ran = new ArrayList<>();

    @Override
    public List<Literal> invoke(
        long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
        throws AttemptFailedException {
      ran.add(index);
      long x = inputs.get("x").getScalar().getPrimitive().getInteger();
      if (x < 0) {
        throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, "negative: " + x);
      }
      return List.of(Literals.of(x * 10));
    }
  }

  private final Times10 task = new Times10();
  private final ElementRunner runner =
      new ElementRunner(
          task, 0, Optional.empty(), RunControl.forRun(UUID.randomUUID().toString(), 10, 0, true));

  private ElementCache cache(CacheMode mode) {
    return ElementCache.open(new CacheSettings(dir.toString(), mode), TASK);
  }

  private static Map<String, Literal> in(long x) {
    return Map.of("x", Literals.of(x), "label", Literals.of("a"));
  }

  @Test
  void shouldRunAMissStoreItAndServeItNextTimeWithoutRunning() {
    ElementOutcome first = cache(CacheMode.ENABLED).run(0, in(3), runner);
    ElementOutcome second = cache(CacheMode.ENABLED).run(7, in(3), runner);

    assertThat(task.ran).containsExactly(0L);
    assertThat(first.cacheHit()).isFalse();
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(second.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(second.cacheHit()).isTrue();
    assertThat(second.attempts()).isZero();
    assertThat(second.index()).isEqualTo(7);
    assertThat(second.outputs()).isEqualTo(first.outputs()).containsExactly(Literals.of(30L));
  }

  @Test
  void shouldNeverStoreAFailure() {
    cache(CacheMode.ENABLED).run(0, in(-1), runner);
    ElementOutcome again = cache(CacheMode.ENABLED).run(0, in(-1), runner);

    assertThat(task.ran).containsExactly(0L, 0L);
    assertThat(again.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void shouldRunEveryElementAndReplaceEntriesWhenOverwriting() throws Exception {
    cache(CacheMode.ENABLED).run(0, in(3), runner);
    CacheKey key = CacheTemplates.keys(TASK).keyOf(in(3));
    Path entry = Path.of(key.entryPath(dir.toString()));
    Files.setLastModifiedTime(entry, java.nio.file.attribute.FileTime.fromMillis(0));

    ElementOutcome overwritten = cache(CacheMode.OVERWRITE).run(1, in(3), runner);

    assertThat(task.ran).containsExactly(0L, 1L);
    assertThat(overwritten.cacheHit()).isFalse();
    assertThat(Files.getLastModifiedTime(entry).toMillis()).isGreaterThan(0);
  }

  @Test
  void shouldNeitherLookUpNorStoreWhenDisabled() {
    ElementCache off = ElementCache.open(CacheSettings.disabled(), TASK);
    off.run(0, in(3), runner);
    off.run(1, in(3), runner);

    assertThat(off.active()).isFalse();
    assertThat(task.ran).containsExactly(0L, 1L);
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void shouldRunAgainAndRewriteWhenAnEntryIsCorrupt() throws Exception {
    cache(CacheMode.ENABLED).run(0, in(3), runner);
    Path entry = Path.of(CacheTemplates.keys(TASK).keyOf(in(3)).entryPath(dir.toString()));
    byte[] whole = Files.readAllBytes(entry);
    Files.write(entry, java.util.Arrays.copyOf(whole, whole.length - 3));

    ElementCache cache = cache(CacheMode.ENABLED);
    ElementOutcome ran = cache.run(1, in(3), runner);
    CacheCounts problems = cache.takeProblems();

    assertThat(ran.cacheHit()).isFalse();
    assertThat(ran.outputs()).containsExactly(Literals.of(30L));
    assertThat(task.ran).containsExactly(0L, 1L);
    assertThat(problems.unreadable()).isEqualTo(1);
    assertThat(problems.firstProblem()).contains(entry.toString(), "truncated or corrupt");
    assertThat(problems.warning()).startsWith("cache: 1 entry was unreadable or corrupt");
    assertThat(cache.takeProblems()).isEqualTo(CacheCounts.none());
    assertThat(Files.readAllBytes(entry)).isEqualTo(whole);
    assertThat(cache(CacheMode.ENABLED).run(2, in(3), runner).cacheHit()).isTrue();
  }

  @Test
  void shouldStillSucceedWhenTheEntryCannotBeWritten() throws Exception {
    // given: a file where the cache folder should be
    Path notAFolder = Files.writeString(dir.resolve("file"), "x");
    ElementCache cache =
        ElementCache.open(new CacheSettings(notAFolder.toString(), CacheMode.ENABLED), TASK);

    ElementOutcome outcome = cache.run(0, in(3), runner);

    assertThat(outcome.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(outcome.outputs()).containsExactly(Literals.of(30L));
    CacheCounts problems = cache.takeProblems();
    assertThat(problems.unwritten()).isEqualTo(1);
    assertThat(problems.firstProblem()).startsWith("cannot write cache entry [" + notAFolder);
  }
}

package org.flytebeam.cache;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.LiteralMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.flytebeam.cache.CacheEntries.Lookup;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheEntriesTest {
  @TempDir Path dir;

  private static final CacheKeys KEYS = CacheTemplates.keys(CacheTemplates.subTask("v1"));

  private static CacheKey key(long x) {
    return KEYS.keyOf(Map.of("x", Literals.of(x), "label", Literals.of("a")));
  }

  private static LiteralMap outputs(long value) {
    return LiteralMap.newBuilder().putLiterals("o0", Literals.of(value)).build();
  }

  @Test
  void shouldReadBackWhatWasStoredAndMissWhatWasNot() throws Exception {
    CacheEntries.write(dir.toString(), key(3), outputs(9));

    Lookup hit = CacheEntries.read(dir.toString(), key(3));
    assertThat(hit.status()).isEqualTo(Lookup.Status.HIT);
    assertThat(hit.outputs()).isEqualTo(outputs(9));
    assertThat(CacheEntries.read(dir.toString(), key(4)).status()).isEqualTo(Lookup.Status.MISS);
    assertThat(Files.exists(Path.of(key(3).entryPath(dir.toString())))).isTrue();
  }

  @Test
  void shouldNeverUseATruncatedOrCorruptEntry() throws Exception {
    CacheEntries.write(dir.toString(), key(3), outputs(9));
    Path file = Path.of(key(3).entryPath(dir.toString()));
    byte[] whole = Files.readAllBytes(file);

    for (int cut = 0; cut < whole.length; cut++) {
      Files.write(file, java.util.Arrays.copyOf(whole, cut));
      Lookup found = CacheEntries.read(dir.toString(), key(3));
      assertThat(found.status()).as("cut at %d", cut).isEqualTo(Lookup.Status.UNREADABLE);
      assertThat(found.problem()).contains(file.toString(), "truncated or corrupt");
    }
    for (int at = 0; at < whole.length; at++) {
      byte[] flipped = whole.clone();
      flipped[at] ^= 0x10;
      Files.write(file, flipped);
      assertThat(CacheEntries.read(dir.toString(), key(3)).status())
          .as("byte %d changed", at)
          .isEqualTo(Lookup.Status.UNREADABLE);
    }
  }

  @Test
  void shouldNotMistakeAnotherKeysEntryForThisOne() throws Exception {
    CacheEntries.write(dir.toString(), key(3), outputs(9));
    Path other = Path.of(key(4).entryPath(dir.toString()));
    Files.createDirectories(other.getParent());
    Files.copy(Path.of(key(3).entryPath(dir.toString())), other);

    Lookup found = CacheEntries.read(dir.toString(), key(4));
    assertThat(found.status()).isEqualTo(Lookup.Status.UNREADABLE);
    assertThat(found.problem()).contains("another key");
  }

  @Test
  void shouldReplaceAnEntryAndLeaveNoTemporaryFile() throws Exception {
    CacheEntries.write(dir.toString(), key(3), outputs(9));
    CacheEntries.write(dir.toString(), key(3), outputs(10));

    assertThat(CacheEntries.read(dir.toString(), key(3)).outputs()).isEqualTo(outputs(10));
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsExactly(key(3).inputsHash() + ".entry");
    }
  }

  @Test
  void shouldShowReadersOnlyWholeEntriesWhileWritersRaceOnOneKey() throws Exception {
    // given: four writers storing the same key over and over, each its own (valid) outputs
    ExecutorService pool = Executors.newFixedThreadPool(6);
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      long value = 100L + w;
      writers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 200; i++) {
                  CacheEntries.write(dir.toString(), key(3), outputs(value));
                }
                return null;
              }));
    }
    // when: readers look it up meanwhile
    List<Future<List<Lookup>>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(
          pool.submit(
              () -> {
                List<Lookup> seen = new ArrayList<>();
                while (!stop.get()) {
                  seen.add(CacheEntries.read(dir.toString(), key(3)));
                }
                return seen;
              }));
    }
    for (Future<?> w : writers) {
      w.get(60, TimeUnit.SECONDS);
    }
    stop.set(true);
    List<Lookup> seen = new ArrayList<>();
    for (Future<List<Lookup>> r : readers) {
      seen.addAll(r.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    // then: never a partial entry; every hit is one writer's whole outputs
    assertThat(seen).isNotEmpty();
    assertThat(seen).noneMatch(l -> l.status() == Lookup.Status.UNREADABLE);
    assertThat(seen.stream().filter(l -> l.status() == Lookup.Status.HIT))
        .allMatch(
            l ->
                List.of(outputs(100), outputs(101), outputs(102), outputs(103))
                    .contains(l.outputs()));
    assertThat(CacheEntries.read(dir.toString(), key(3)).status()).isEqualTo(Lookup.Status.HIT);
  }
}

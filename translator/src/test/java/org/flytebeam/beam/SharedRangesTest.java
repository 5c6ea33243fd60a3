package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SharedRangesTest {
  /** Ranges [0,10), [10,20), ... round robin over {@code lanes} lanes, as plans cut them. */
  private static List<Shard> lanes(int ranges, int lanes) {
    List<List<IndexRange>> byLane = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      byLane.add(new ArrayList<>());
    }
    for (int r = 0; r < ranges; r++) {
      byLane.get(r % lanes).add(new IndexRange(10L * r, 10L * r + 10));
    }
    List<Shard> shards = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      shards.add(new Shard(i, byLane.get(i)));
    }
    return shards;
  }

  private static String key() {
    return java.util.UUID.randomUUID().toString();
  }

  @Test
  void shouldRunALanesOwnRangesFirstThenTheLastUnstartedOfTheLaneWithMostLeft() {
    List<Shard> shards = lanes(9, 3); // lane 0: 0,3,6; lane 1: 1,4,7; lane 2: 2,5,8
    SharedRanges shared = SharedRanges.of(key(), shards);
    Shard first = shards.get(0);

    // lane 0 alone: its own three in order, then lane 1's last, lane 2's last, ...
    List<Long> order = new ArrayList<>();
    List<Boolean> own = new ArrayList<>();
    SharedRanges.Claim claim;
    while ((claim = shared.next(first)) != null) {
      order.add(claim.range().start() / 10);
      own.add(claim.forOwner() == null);
      if (claim.forOwner() != null) {
        claim.forOwner().complete(null);
      }
    }

    assertThat(order).containsExactly(0L, 3L, 6L, 7L, 8L, 4L, 5L, 1L, 2L);
    assertThat(own).containsExactly(true, true, true, false, false, false, false, false, false);
    // lanes 1 and 2 then start: nothing left to run, each handed its three ranges' summaries
    assertThat(shared.next(shards.get(1))).isNull();
    assertThat(shared.takenFrom(shards.get(1))).hasSize(3);
    assertThat(shared.takenFrom(shards.get(2))).hasSize(3);
    assertThat(shared.takenFrom(first)).isEmpty();
  }

  @Test
  void shouldForgetTheMapWhenEveryLaneFinishedOrOneFailed() {
    List<Shard> shards = lanes(4, 2);
    String key = key();
    SharedRanges shared = SharedRanges.of(key, shards);
    assertThat(SharedRanges.of(key, shards)).isSameAs(shared);

    shared.finished(shards.get(0));
    assertThat(SharedRanges.of(key, shards)).isSameAs(shared);
    shared.finished(shards.get(1));
    SharedRanges again = SharedRanges.of(key, shards);
    assertThat(again).isNotSameAs(shared);

    // a failed lane: a lane run again starts from its own ranges
    again.next(shards.get(0));
    again.abandon();
    SharedRanges fresh = SharedRanges.of(key, shards);
    assertThat(fresh.next(shards.get(0)).range()).isEqualTo(shards.get(0).ranges().get(0));
    fresh.abandon();
  }

  @Test
  void shouldHandEachRangeToOneLaneOnlyWhateverTheThreads() throws Exception {
    List<Shard> shards = lanes(400, 8);
    SharedRanges shared = SharedRanges.of(key(), shards);
    List<Long> ran = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (Shard shard : shards) {
      lanes.add(
          CompletableFuture.runAsync(
              () -> {
                SharedRanges.Claim c;
                while ((c = shared.next(shard)) != null) {
                  ran.add(c.range().start());
                  if (c.forOwner() != null) {
                    c.forOwner().complete(null);
                  }
                }
              }));
    }
    for (CompletableFuture<Void> lane : lanes) {
      lane.get();
    }

    assertThat(ran).hasSize(400).doesNotHaveDuplicates();
    shards.forEach(shared::finished);
  }
}

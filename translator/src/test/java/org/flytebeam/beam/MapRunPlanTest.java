package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapRunPlanTest {

  private static List<IndexRange> covered(List<Shard> shards) {
    List<IndexRange> ranges = new ArrayList<>();
    shards.forEach(s -> ranges.addAll(s.ranges()));
    ranges.sort((a, b) -> Long.compare(a.start(), b.start()));
    return ranges;
  }

  private static void assertCoversExactly(List<Shard> shards, long size) {
    long next = 0;
    for (IndexRange r : covered(shards)) {
      assertThat(r.start()).isEqualTo(next);
      assertThat(r.length()).isPositive();
      next = r.end();
    }
    assertThat(next).isEqualTo(size);
  }

  @Test
  void shouldCoverEveryIndexOnceWhenUnbounded() {
    for (long size : new long[] {1, 2, 63, 64, 65, 2000, 100_000, 1_000_000}) {
      List<Shard> shards = MapRunPlan.planShards(size, 0);
      assertCoversExactly(shards, size);
      assertThat(shards).allSatisfy(s -> assertThat(s.ranges()).hasSize(1));
      assertThat(covered(shards))
          .allSatisfy(r -> assertThat(r.length()).isLessThanOrEqualTo(MapRunPlan.MAX_RANGE));
    }
  }

  @Test
  void shouldMakeAtMostParallelismLanesWhenBounded() {
    for (int parallelism : new int[] {1, 2, 3, 99}) {
      List<Shard> shards = MapRunPlan.planShards(10_000, parallelism);
      assertThat(shards).hasSizeLessThanOrEqualTo(parallelism);
      assertCoversExactly(shards, 10_000);
    }
  }

  @Test
  void shouldPlanNoShardsWhenEmpty() {
    assertThat(MapRunPlan.planShards(0, 0)).isEmpty();
    assertThat(MapRunPlan.planShards(0, 3)).isEmpty();
  }

  @Test
  void shouldGroupRangesIntoAtMostMaxLanesWhileTheSmallerParallelismWins() {
    // 1M elements: 489 ranges of at most 2048
    assertThat(MapRunPlan.planShards(1_000_000, 0, 16)).hasSize(16);
    assertCoversExactly(MapRunPlan.planShards(1_000_000, 0, 16), 1_000_000);
    assertThat(MapRunPlan.planShards(1_000_000, 3, 16)).hasSize(3);
    assertThat(MapRunPlan.planShards(1_000_000, 100, 16)).hasSize(16);
    assertThat(MapRunPlan.planShards(100, 0, 16)).hasSize(16);
    // ranges are the same whatever the lanes: only their grouping changes
    assertThat(covered(MapRunPlan.planShards(1_000_000, 0, 16)))
        .isEqualTo(covered(MapRunPlan.planShards(1_000_000, 0)));
  }
}

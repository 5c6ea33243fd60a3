package org.flytebeam.beam;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ranges of one map's lanes, shared by the lanes when every lane runs in this JVM ({@link
 * MapRunPlan#sharedRanges()}): a lane runs its own ranges first, in order, then the last range not
 * yet started of the lane with the most such ranges left, whether that lane has started or not.
 *
 * <p>Why: the DirectRunner starts the lanes' bundles in waves (it adds the work of its roots and of
 * a shuffle's keys when the work it started before is done), so with fixed lanes one of its two
 * bundle threads waited, spinning the runner's scheduling loop, for 27% to 43% of a 2,000-element
 * container map (docs/performance.md, "Container tasks"). With shared ranges, the lanes of the
 * first wave run the whole map, and a later lane finds its ranges done.
 *
 * <p>A range is still reported by the lane it belongs to: a lane that runs another's range hands
 * its summary to that lane, which emits it, waiting for it if it is still running. So each lane
 * emits its own ranges, each once, as without sharing, and the map's bound on elements running at
 * once holds: lanes, not ranges, run at once, one element at a time each.
 */
final class SharedRanges {
  private static final Map<String, SharedRanges> MAPS = new ConcurrentHashMap<>();

  /** A range to run: the claiming lane's own ({@code forOwner} null), or another lane's. */
  record Claim(IndexRange range, CompletableFuture<RangeSummary> forOwner) {}

  private final String key;
  private final List<List<IndexRange>> ranges = new ArrayList<>();
  private final Map<Integer, Integer> laneOfShard = new HashMap<>();
  private final int[] front;
  private final int[] back;
  private final List<List<CompletableFuture<RangeSummary>>> taken = new ArrayList<>();
  private int unfinished;

  private SharedRanges(String key, List<Shard> shards) {
    this.key = key;
    this.front = new int[shards.size()];
    this.back = new int[shards.size()];
    for (int lane = 0; lane < shards.size(); lane++) {
      Shard shard = shards.get(lane);
      laneOfShard.put(shard.id(), lane);
      ranges.add(shard.ranges());
      back[lane] = shard.ranges().size();
      taken.add(new ArrayList<>());
    }
    this.unfinished = shards.size();
  }

  /**
   * The shared ranges of the lanes {@code shards} in this JVM, named {@code key} (one name per
   * transform in a pipeline), made by the first lane to ask.
   */
  static SharedRanges of(String key, List<Shard> shards) {
    return MAPS.computeIfAbsent(key, k -> new SharedRanges(k, shards));
  }

  /** How many maps have shared ranges in this JVM now (for tests). */
  static int live() {
    return MAPS.size();
  }

  /**
   * The next range for the lane of {@code shard} to run, or null when every range has been started.
   */
  synchronized Claim next(Shard shard) {
    int lane = lane(shard);
    if (front[lane] < back[lane]) {
      return new Claim(ranges.get(lane).get(front[lane]++), null);
    }
    int victim = -1;
    int most = 0;
    for (int other = 0; other < front.length; other++) {
      int left = back[other] - front[other];
      if (left > most) {
        most = left;
        victim = other;
      }
    }
    if (victim < 0) {
      return null;
    }
    CompletableFuture<RangeSummary> forOwner = new CompletableFuture<>();
    taken.get(victim).add(forOwner);
    return new Claim(ranges.get(victim).get(--back[victim]), forOwner);
  }

  /**
   * The summaries of the ranges of {@code shard}'s lane that other lanes ran or run, in the order
   * they were taken; complete once {@link #next} returned null to this lane.
   */
  synchronized List<CompletableFuture<RangeSummary>> takenFrom(Shard shard) {
    return List.copyOf(taken.get(lane(shard)));
  }

  /** The lane of {@code shard} emitted all its ranges; the last lane forgets the map. */
  synchronized void finished(Shard shard) {
    if (--unfinished == 0) {
      MAPS.remove(key, this);
    }
  }

  /**
   * A lane failed: the map is forgotten, so that a lane run again starts from its own ranges (those
   * whose results were written are read back, not run again).
   */
  void abandon() {
    MAPS.remove(key, this);
  }

  private int lane(Shard shard) {
    Integer lane = laneOfShard.get(shard.id());
    if (lane == null) {
      throw new IllegalArgumentException("shard " + shard.id() + " is not a lane of this map");
    }
    return lane;
  }
}

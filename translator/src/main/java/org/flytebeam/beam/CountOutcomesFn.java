package org.flytebeam.beam;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.NodeCounts;

/**
 * Sums range summaries into the map's verdict. Ranges are keyed by their start, so a range that a
 * runner delivered twice counts once: counts derive from per-index outcomes, never from
 * accumulators. The accumulator keeps eight counts per range (four of elements, four of the node
 * executions inside them), the cache's counts of the ranges that used it, and one bounded {@link
 * ErrorGroups}, so its size grows with the number of ranges, not of elements or failures.
 */
final class CountOutcomesFn
    extends CombineFn<RangeSummary, CountOutcomesFn.Accumulator, MapVerdict> {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long required;

  CountOutcomesFn(long size, long required) {
    this.size = size;
    this.required = required;
  }

  static final class Accumulator implements Serializable {
    private static final long serialVersionUID = 4L;

    /**
     * Range start to its succeeded, failed, timed out and aborted counts, then its node executions'
     * started, succeeded, failed and cache hits.
     */
    final Map<Long, long[]> countsByStart = new HashMap<>();

    /** Range start to what the cache did there, for ranges where it did anything. */
    final Map<Long, CacheCounts> cacheByStart = new HashMap<>();

    final ErrorGroups errors = new ErrorGroups();

    void add(long start, long[] counts, CacheCounts cache, ErrorGroups rangeErrors) {
      if (countsByStart.putIfAbsent(start, counts) == null) {
        errors.merge(rangeErrors);
        if (!cache.equals(CacheCounts.none())) {
          cacheByStart.put(start, cache);
        }
      }
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof Accumulator that)
          || !countsByStart.keySet().equals(that.countsByStart.keySet())
          || !cacheByStart.equals(that.cacheByStart)
          || !errors.equals(that.errors)) {
        return false;
      }
      for (Map.Entry<Long, long[]> e : countsByStart.entrySet()) {
        if (!Arrays.equals(e.getValue(), that.countsByStart.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return countsByStart.keySet().hashCode();
    }
  }

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator();
  }

  @Override
  public Accumulator addInput(Accumulator acc, RangeSummary s) {
    acc.add(
        s.range().start(),
        new long[] {
          s.succeeded(),
          s.failed(),
          s.timedOut(),
          s.aborted(),
          s.nodes().started(),
          s.nodes().succeeded(),
          s.nodes().failed(),
          s.nodes().cacheHits()
        },
        s.cache(),
        s.errors());
    return acc;
  }

  @Override
  public Accumulator mergeAccumulators(Iterable<Accumulator> accumulators) {
    Accumulator merged = new Accumulator();
    for (Accumulator acc : accumulators) {
      for (Map.Entry<Long, long[]> e : acc.countsByStart.entrySet()) {
        merged.countsByStart.putIfAbsent(e.getKey(), e.getValue());
      }
      acc.cacheByStart.forEach(merged.cacheByStart::putIfAbsent);
      // A range in two accumulators (delivered twice) lists its indices once: ranges are a union.
      merged.errors.merge(acc.errors);
    }
    return merged;
  }

  @Override
  public MapVerdict extractOutput(Accumulator acc) {
    long[] total = new long[8];
    for (long[] counts : acc.countsByStart.values()) {
      for (int k = 0; k < counts.length; k++) {
        total[k] += counts[k];
      }
    }
    ErrorGroups errors = new ErrorGroups();
    errors.merge(acc.errors);
    CacheCounts cache = CacheCounts.none();
    // In index order, so the first cache problem named is the same on every runner.
    for (CacheCounts counts : new TreeMap<>(acc.cacheByStart).values()) {
      cache = cache.plus(counts);
    }
    NodeCounts nodes = new NodeCounts(total[4], total[5], total[6], total[7]);
    return new MapVerdict(
        size, required, total[0], total[1], total[2], total[3], errors, cache, nodes);
  }
}

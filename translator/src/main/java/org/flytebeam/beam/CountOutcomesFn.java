package org.flytebeam.beam;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.exec.ErrorGroups;

/**
 * Sums range summaries into the map's verdict. Ranges are keyed by their start, so a range that a
 * runner delivered twice counts once: counts derive from per-index outcomes, never from
 * accumulators.
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
    private static final long serialVersionUID = 1L;
    final Map<Long, RangeSummary> byStart = new HashMap<>();

    @Override
    public boolean equals(Object other) {
      return other instanceof Accumulator that && byStart.equals(that.byStart);
    }

    @Override
    public int hashCode() {
      return byStart.hashCode();
    }
  }

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator();
  }

  @Override
  public Accumulator addInput(Accumulator acc, RangeSummary summary) {
    acc.byStart.putIfAbsent(summary.range().start(), summary);
    return acc;
  }

  @Override
  public Accumulator mergeAccumulators(Iterable<Accumulator> accumulators) {
    Accumulator merged = new Accumulator();
    for (Accumulator acc : accumulators) {
      for (RangeSummary s : acc.byStart.values()) {
        merged.byStart.putIfAbsent(s.range().start(), s);
      }
    }
    return merged;
  }

  @Override
  public MapVerdict extractOutput(Accumulator acc) {
    long succeeded = 0;
    long failed = 0;
    long timedOut = 0;
    long aborted = 0;
    ErrorGroups errors = new ErrorGroups();
    CacheCounts cache = CacheCounts.none();
    // In index order, so the first cache problem named is the same on every runner.
    List<RangeSummary> ranges = new ArrayList<>(acc.byStart.values());
    ranges.sort(Comparator.comparingLong(s -> s.range().start()));
    for (RangeSummary s : ranges) {
      cache = cache.plus(s.cache());
      succeeded += s.succeeded();
      failed += s.failed();
      timedOut += s.timedOut();
      aborted += s.aborted();
      errors.merge(s.errors());
    }
    return new MapVerdict(size, required, succeeded, failed, timedOut, aborted, errors, cache);
  }
}

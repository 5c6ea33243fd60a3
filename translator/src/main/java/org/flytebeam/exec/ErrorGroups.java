package org.flytebeam.exec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Failures grouped by identical message, each with the index ranges that failed with it, formatted
 * as Flyte does: {@code [0-2][7]: ValueError: boom}. Bounded whatever the number of elements: keeps
 * at most {@link #MAX_GROUPS} messages, those failing first (the rest are counted), and, per
 * message, the first {@link #MAX_RANGES} index ranges (the indices beyond them are counted: {@code
 * [0][2][4] (+3000 more)}).
 */
public final class ErrorGroups implements Serializable {
  private static final long serialVersionUID = 2L;
  public static final int MAX_GROUPS = 100;
  public static final int MAX_RANGES = 1000;

  private final LinkedHashMap<String, Ranges> groups = new LinkedHashMap<>();
  private long otherFailures;

  /** One message's failing indices: some ranges, and how many indices they leave out. */
  private static final class Ranges implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Flat list of [from, to] pairs, inclusive, unsorted and possibly overlapping until compacted.
     */
    private List<long[]> list = new ArrayList<>();

    /** Every index added; counts the indices beyond the listed ranges once some were dropped. */
    private long added;

    private boolean truncated;

    void add(long index) {
      added++;
      if (!list.isEmpty() && list.get(list.size() - 1)[1] == index - 1) {
        list.get(list.size() - 1)[1] = index;
      } else {
        list.add(new long[] {index, index});
        compactIfLarge();
      }
    }

    void addAll(Ranges other) {
      added += other.added;
      truncated |= other.truncated;
      for (long[] r : other.list) {
        list.add(r.clone());
        compactIfLarge();
      }
    }

    private void compactIfLarge() {
      if (list.size() > 2 * MAX_RANGES) {
        list = compacted();
      }
    }

    /** Sorted, merged, the first {@link #MAX_RANGES} kept. */
    List<long[]> compacted() {
      List<long[]> sorted = new ArrayList<>(list);
      sorted.sort((a, b) -> Long.compare(a[0], b[0]));
      List<long[]> merged = new ArrayList<>();
      for (long[] r : sorted) {
        long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null && r[0] <= last[1] + 1) {
          last[1] = Math.max(last[1], r[1]);
        } else {
          if (merged.size() == MAX_RANGES) {
            truncated = true;
            break;
          }
          merged.add(r.clone());
        }
      }
      return merged;
    }

    /** The smallest index listed. */
    long first() {
      long first = Long.MAX_VALUE;
      for (long[] r : list) {
        first = Math.min(first, r[0]);
      }
      return first;
    }

    /** How many indices failed with this message, listed or not. */
    long size() {
      List<long[]> listed = compacted();
      return count(listed) + omitted(listed);
    }

    /**
     * Indices not in the listed ranges. Until ranges are dropped the listed ranges are the count (a
     * range merged twice counts once); after, the indices added beyond them.
     */
    long omitted(List<long[]> listed) {
      if (!truncated) {
        return 0;
      }
      long inListed = 0;
      for (long[] r : listed) {
        inListed += r[1] - r[0] + 1;
      }
      return Math.max(0, added - inListed);
    }
  }

  public void add(long index, String message) {
    Ranges ranges = groups.get(message);
    if (ranges == null) {
      if (!makeRoomFor(index)) {
        otherFailures++;
        return;
      }
      ranges = new Ranges();
      groups.put(message, ranges);
    }
    ranges.add(index);
  }

  public void merge(ErrorGroups other) {
    for (Map.Entry<String, Ranges> e : other.groups.entrySet()) {
      Ranges ranges = groups.get(e.getKey());
      if (ranges == null) {
        if (!makeRoomFor(e.getValue().first())) {
          otherFailures += e.getValue().size();
          continue;
        }
        ranges = new Ranges();
        groups.put(e.getKey(), ranges);
      }
      ranges.addAll(e.getValue());
    }
    otherFailures += other.otherFailures;
  }

  /**
   * Whether a new message whose first failing index is {@code firstIndex} can be kept. When {@link
   * #MAX_GROUPS} are kept, the message failing first wins: the kept one with the latest first index
   * is counted among the other failures instead, so the messages shown do not depend on the order
   * in which ranges arrive.
   */
  private boolean makeRoomFor(long firstIndex) {
    if (groups.size() < MAX_GROUPS) {
      return true;
    }
    Map.Entry<String, Ranges> latest = null;
    for (Map.Entry<String, Ranges> e : groups.entrySet()) {
      if (latest == null || e.getValue().first() > latest.getValue().first()) {
        latest = e;
      }
    }
    if (latest.getValue().first() < firstIndex) {
      return false;
    }
    otherFailures += latest.getValue().size();
    groups.remove(latest.getKey());
    return true;
  }

  private static long count(List<long[]> ranges) {
    long n = 0;
    for (long[] r : ranges) {
      n += r[1] - r[0] + 1;
    }
    return n;
  }

  public boolean isEmpty() {
    return groups.isEmpty() && otherFailures == 0;
  }

  /** Each message with its sorted, merged index ranges, in order of the first failing index. */
  public List<Group> groups() {
    List<Group> result = new ArrayList<>();
    for (Map.Entry<String, Ranges> e : groups.entrySet()) {
      List<long[]> listed = e.getValue().compacted();
      result.add(new Group(e.getKey(), listed, e.getValue().omitted(listed)));
    }
    result.sort((a, b) -> Long.compare(a.ranges().get(0)[0], b.ranges().get(0)[0]));
    return result;
  }

  public long otherFailures() {
    return otherFailures;
  }

  /** One line per message: {@code [0-2][7]: ValueError: boom}. */
  public String format() {
    StringBuilder out = new StringBuilder();
    for (Group g : groups()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(g.indexRanges()).append(": ").append(g.message());
    }
    if (otherFailures > 0) {
      out.append(out.length() > 0 ? "\n" : "")
          .append("... and ")
          .append(otherFailures)
          .append(" more failures with other messages");
    }
    return out.toString();
  }

  /** Equal when they format alike: the same messages over the same indices. */
  @Override
  public boolean equals(Object other) {
    return other instanceof ErrorGroups that && format().equals(that.format());
  }

  @Override
  public int hashCode() {
    return format().hashCode();
  }

  /**
   * A message, the inclusive index ranges that failed with it (the first {@link #MAX_RANGES}), and
   * how many more indices failed with it beyond those.
   */
  public record Group(String message, List<long[]> ranges, long omitted) {
    public String indexRanges() {
      StringBuilder s = new StringBuilder();
      for (long[] r : ranges) {
        s.append('[').append(r[0]);
        if (r[1] != r[0]) {
          s.append('-').append(r[1]);
        }
        s.append(']');
      }
      if (omitted > 0) {
        s.append(" (+").append(omitted).append(" more)");
      }
      return s.toString();
    }

    /** Every index that failed with this message, listed or not. */
    public long count() {
      return ErrorGroups.count(ranges) + omitted;
    }
  }
}

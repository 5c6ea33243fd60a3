package org.flytebeam.exec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Failures grouped by identical message, each with the index ranges that failed with it, formatted
 * as Flyte does: {@code [0-2][7]: ValueError: boom}. Keeps at most {@link #MAX_GROUPS} messages; the
 * rest are counted.
 */
public final class ErrorGroups implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int MAX_GROUPS = 100;

  /** message -> flat list of [from, to] pairs, inclusive, unsorted until formatted. */
  private final LinkedHashMap<String, List<long[]>> groups = new LinkedHashMap<>();
  private long otherFailures;

  public void add(long index, String message) {
    List<long[]> ranges = groups.get(message);
    if (ranges == null) {
      if (groups.size() >= MAX_GROUPS) {
        otherFailures++;
        return;
      }
      ranges = new ArrayList<>();
      groups.put(message, ranges);
    }
    if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] == index - 1) {
      ranges.get(ranges.size() - 1)[1] = index;
    } else {
      ranges.add(new long[] {index, index});
    }
  }

  public void merge(ErrorGroups other) {
    for (Map.Entry<String, List<long[]>> e : other.groups.entrySet()) {
      List<long[]> ranges = groups.get(e.getKey());
      if (ranges == null) {
        if (groups.size() >= MAX_GROUPS) {
          for (long[] r : e.getValue()) {
            otherFailures += r[1] - r[0] + 1;
          }
          continue;
        }
        ranges = new ArrayList<>();
        groups.put(e.getKey(), ranges);
      }
      for (long[] r : e.getValue()) {
        ranges.add(r.clone());
      }
    }
    otherFailures += other.otherFailures;
  }

  public boolean isEmpty() {
    return groups.isEmpty() && otherFailures == 0;
  }

  /** Each message with its sorted, merged index ranges, in order of the first failing index. */
  public List<Group> groups() {
    List<Group> result = new ArrayList<>();
    for (Map.Entry<String, List<long[]>> e : groups.entrySet()) {
      List<long[]> sorted = new ArrayList<>(e.getValue());
      sorted.sort((a, b) -> Long.compare(a[0], b[0]));
      List<long[]> merged = new ArrayList<>();
      for (long[] r : sorted) {
        long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null && r[0] <= last[1] + 1) {
          last[1] = Math.max(last[1], r[1]);
        } else {
          merged.add(r.clone());
        }
      }
      result.add(new Group(e.getKey(), merged));
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

  /** A message and the inclusive index ranges that failed with it. */
  public record Group(String message, List<long[]> ranges) {
    public String indexRanges() {
      StringBuilder s = new StringBuilder();
      for (long[] r : ranges) {
        s.append('[').append(r[0]);
        if (r[1] != r[0]) {
          s.append('-').append(r[1]);
        }
        s.append(']');
      }
      return s.toString();
    }

    public long count() {
      long n = 0;
      for (long[] r : ranges) {
        n += r[1] - r[0] + 1;
      }
      return n;
    }
  }
}

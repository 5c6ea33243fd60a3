package org.flytebeam.exec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failures grouped by kind of error, each with the index ranges that failed with it, formatted as
 * Flyte does: {@code [0-2][7]: ValueError: boom}. A kind is the exception type (the text before the
 * first {@code ": "} when it is one word) and the message with its variable parts abstracted
 * ({@link #pattern}): {@code ValueError: bad input 7} and {@code ValueError: bad input 14} are one
 * group, {@code ValueError: bad input <n>}, which keeps a few concrete examples (the smallest
 * indices, with their Java stack traces).
 *
 * <p>Bounded whatever the number of elements: keeps at most {@link #MAX_GROUPS} groups, those
 * failing first (the rest are counted), and, per group, the first {@link #MAX_RANGES} index ranges
 * (the indices beyond them are counted: {@code [0][2][4] (+3000 more)}) and {@link #MAX_EXAMPLES}
 * examples. What is kept depends only on the failures, never on the order they arrive in.
 */
public final class ErrorGroups implements Serializable {
  private static final long serialVersionUID = 3L;
  public static final int MAX_GROUPS = 100;
  public static final int MAX_RANGES = 1000;
  public static final int MAX_EXAMPLES = 3;

  private final LinkedHashMap<String, Ranges> groups = new LinkedHashMap<>();
  private long otherFailures;

  /** A concrete failure of a group: an element's index, its error text and its stack trace. */
  public record Example(long index, String message, String stackTrace) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  // Abstracted in this order: a quoted value may hold a path or a number, a path a number.
  private static final Pattern[] VARIABLE_PARTS = {
    Pattern.compile("(?<![\\w])'[^'\\n]{0,200}'(?![\\w])"),
    Pattern.compile("\"[^\"\\n]{0,200}\""),
    Pattern.compile("\\[[^\\[\\]\\n]{1,200}\\]"),
    Pattern.compile("\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"\\]\\[,;)]*[^\\s'\"\\]\\[,;):.]"),
    Pattern.compile("(?<![\\w.])(?:[A-Za-z]:)?(?:[/\\\\][\\w.~@+%-]+){2,}[/\\\\]?"),
    Pattern.compile(
        "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b"),
    Pattern.compile("\\b0[xX][0-9a-fA-F]+\\b|@[0-9a-f]{4,}\\b"),
    Pattern.compile("\\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\\b"),
    Pattern.compile("(?<![A-Za-z_\\d])\\d+(?:\\.\\d+)?")
  };
  private static final String[] PLACEHOLDERS = {
    "'<s>'", "\"<s>\"", "[<v>]", "<path>", "<path>", "<id>", "<id>", "<id>", "<n>"
  };
  private static final Pattern TYPE = Pattern.compile("[A-Za-z_][\\w.$]*");

  /**
   * The kind of an error text: its type prefix as it is, the rest with quoted values, bracketed
   * values, paths and URIs, UUIDs and hex ids, and numbers abstracted: {@code KeyError: 'x' at
   * /data/a.csv line 7} becomes {@code KeyError: '<s>' at <path> line <n>}.
   */
  public static String pattern(String message) {
    int colon = message.indexOf(": ");
    String type = "";
    String rest = message;
    if (colon > 0 && TYPE.matcher(message.substring(0, colon)).matches()) {
      type = message.substring(0, colon + 2);
      rest = message.substring(colon + 2);
    }
    for (int k = 0; k < VARIABLE_PARTS.length; k++) {
      rest = VARIABLE_PARTS[k].matcher(rest).replaceAll(Matcher.quoteReplacement(PLACEHOLDERS[k]));
    }
    return type + rest;
  }

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

    /** The examples with the smallest indices. */
    private final TreeMap<Long, Example> examples = new TreeMap<>();

    /** One of the concrete messages, and whether the group holds another one. */
    private String someMessage;

    private boolean varied;

    void example(Example e) {
      if (someMessage == null) {
        someMessage = e.message();
      } else if (!someMessage.equals(e.message())) {
        varied = true;
      }
      examples.put(e.index(), e);
      if (examples.size() > MAX_EXAMPLES) {
        examples.pollLastEntry();
      }
    }

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
      if (other.someMessage != null) {
        varied |= other.varied;
        for (Example e : other.examples.values()) {
          example(e);
        }
        if (!other.someMessage.equals(someMessage)) {
          varied = true;
        }
      }
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
    add(index, message, "");
  }

  /** One failed element: its error text and the stack trace of its exception ({@code ""}: none). */
  public void add(long index, String message, String stackTrace) {
    String key = pattern(message);
    Ranges ranges = groups.get(key);
    if (ranges == null) {
      if (!makeRoomFor(index)) {
        otherFailures++;
        return;
      }
      ranges = new Ranges();
      groups.put(key, ranges);
    }
    ranges.add(index);
    ranges.example(new Example(index, message, stackTrace));
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

  /** Each group with its sorted, merged index ranges, in order of the first failing index. */
  public List<Group> groups() {
    List<Group> result = new ArrayList<>();
    for (Map.Entry<String, Ranges> e : groups.entrySet()) {
      Ranges r = e.getValue();
      List<long[]> listed = r.compacted();
      String message = r.varied || r.someMessage == null ? e.getKey() : r.someMessage;
      result.add(
          new Group(
              message,
              listed,
              r.omitted(listed),
              e.getKey(),
              r.varied,
              List.copyOf(r.examples.values())));
    }
    result.sort((a, b) -> Long.compare(a.ranges().get(0)[0], b.ranges().get(0)[0]));
    return result;
  }

  public long otherFailures() {
    return otherFailures;
  }

  /**
   * One line per group: {@code [0-2][7]: ValueError: boom}; a group of several messages shows its
   * pattern ({@code [7][14]: ValueError: bad input <n>}).
   */
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
   * A group of failures.
   *
   * @param message its error text when all its failures had the same one, else its {@link #pattern}
   * @param ranges the inclusive index ranges that failed with it (the first {@link #MAX_RANGES})
   * @param omitted how many more indices failed with it beyond those
   * @param pattern the error text with its variable parts abstracted
   * @param varied whether its failures had different texts (then {@code message} is the pattern)
   * @param examples up to {@link #MAX_EXAMPLES} failures, the smallest indices first
   */
  public record Group(
      String message,
      List<long[]> ranges,
      long omitted,
      String pattern,
      boolean varied,
      List<Example> examples) {
    public Group {
      ranges = List.copyOf(ranges);
      examples = List.copyOf(examples);
    }

    /** The exception type, e.g. {@code ValueError}, or {@code ""} when the text names none. */
    public String type() {
      int colon = message.indexOf(": ");
      return colon > 0 && TYPE.matcher(message.substring(0, colon)).matches()
          ? message.substring(0, colon)
          : "";
    }

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

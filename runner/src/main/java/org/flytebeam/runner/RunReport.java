package org.flytebeam.runner;

import flyteidl.core.Interface.Variable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flytebeam.beam.MapResult;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.cache.CacheSettings;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;

/**
 * The facts of a finished run, gathered once from its outcomes: what ran, the verdict and its
 * arithmetic, timings, failures, and every element as compact columns. {@link #toJson()} is the
 * {@code --summary} file (schema in the README, "Run report and summary"); {@link HtmlReport} renders
 * the same JSON.
 */
final class RunReport {
  static final int SCHEMA_VERSION = 1;
  static final int HISTOGRAM_BUCKETS = 20;
  static final int TIMELINE_BINS = 200;

  private final MapTaskSpec spec;
  private final MapVerdict verdict;
  private final CacheSettings cache;
  private final String runner;
  private final long startedAtMillis;
  private final long wallMillis;
  private final int size;
  private final char[] status;
  private final int[] attempts;
  private final long[] start;
  private final long[] duration;
  private final int[] error;
  private final List<String> messages = new ArrayList<>();

  private RunReport(MapResult result, String runner, long startedAtMillis, long wallMillis) {
    this.spec = result.plan().spec();
    this.verdict = result.verdict();
    this.cache = result.plan().cache();
    this.runner = runner;
    this.startedAtMillis = startedAtMillis;
    this.wallMillis = wallMillis;
    this.size = (int) Math.min(Integer.MAX_VALUE - 8, result.plan().size());
    status = new char[size];
    attempts = new int[size];
    start = new long[size];
    duration = new long[size];
    error = new int[size];
    Map<String, Integer> ids = new HashMap<>();
    Arrays.fill(status, 'A');
    Arrays.fill(error, -1);
    if (verdict.succeeded() + verdict.failed() + verdict.timedOut() > 0) {
      for (Iterator<ElementOutcome> it = result.outcomes(); it.hasNext(); ) {
        ElementOutcome o = it.next();
        if (o.index() >= size) {
          break;
        }
        int i = (int) o.index();
        status[i] = code(o);
        attempts[i] = o.attempts();
        start[i] = o.startEpochMillis();
        duration[i] = o.durationMillis();
        if (!o.status().succeeded()) {
          error[i] = ids.computeIfAbsent(o.error(), m -> { messages.add(m); return messages.size() - 1; });
        }
      }
    } else if (!verdict.errors().isEmpty()) {
      // Nothing ran (min_successes above the size): the reason is in the error groups.
      for (ErrorGroups.Group g : verdict.errors().groups()) {
        messages.add(g.message());
        for (long[] r : g.ranges()) {
          for (long i = r[0]; i <= r[1] && i < size; i++) {
            error[(int) i] = messages.size() - 1;
          }
        }
      }
    }
  }

  static RunReport of(MapResult result, String runner, long startedAtMillis, long wallMillis) {
    return new RunReport(result, runner, startedAtMillis, wallMillis);
  }

  private static char code(ElementOutcome o) {
    switch (o.status()) {
      case SUCCEEDED:
        return 'S';
      case FAILED:
        return 'F';
      case TIMED_OUT:
        return 'T';
      case ABORTED:
        return 'A';
      default:
        throw new AssertionError(o.status());
    }
  }

  MapVerdict verdict() {
    return verdict;
  }

  /** Whether the run used the element cache (its sub-task is cacheable and the cache was on). */
  boolean cacheEnabled() {
    return cache.enabled();
  }

  /** How the threshold was reached, e.g. {@code required ceil(0.75 × 4) = 3}. */
  String thresholdArithmetic() {
    long n = verdict.size();
    String required;
    if (spec.minSuccesses().isPresent()) {
      required = "required min_successes = " + verdict.required();
    } else if (spec.minSuccessRatio().isPresent()) {
      required =
          "required ceil(" + spec.minSuccessRatio().get() + " × " + n + ") = " + verdict.required();
    } else {
      required = "required every element = " + verdict.required();
    }
    return "succeeded " + verdict.succeeded() + " of " + n + ", " + required;
  }

  String criteria() {
    return (spec.minSuccesses().isPresent()
            ? "min_successes " + spec.minSuccesses().getAsLong()
            : spec.minSuccessRatio().map(r -> "min_success_ratio " + r).orElse("every element"))
        + (spec.runAllSubNodes() ? ", run_all_sub_nodes" : "");
  }

  /** The machine-readable summary (see the README for every field). */
  String toJson() {
    Json j = new Json();
    j.open('{');
    j.key("schemaVersion").num(SCHEMA_VERSION);
    j.key("definition").open('{');
    j.key("name").str(spec.name());
    j.key("form").str(spec.form().name());
    j.key("subTask").str(spec.subTask().id().name());
    j.key("subTaskType").str(spec.subTask().type());
    j.key("inputs");
    variables(j, spec.mappedInterface().getInputs().getVariablesMap());
    j.key("boundInputs").open('[');
    spec.boundInputs().forEach(j::str);
    j.close(']');
    j.key("outputs");
    variables(j, spec.mappedInterface().getOutputs().getVariablesMap());
    j.key("parallelism");
    if (spec.parallelism().isPresent() && spec.parallelism().getAsInt() > 0) {
      j.num(spec.parallelism().getAsInt());
    } else {
      j.nul();
    }
    j.key("successCriteria").open('{');
    j.key("minSuccesses");
    if (spec.minSuccesses().isPresent()) {
      j.num(spec.minSuccesses().getAsLong());
    } else {
      j.nul();
    }
    j.key("minSuccessRatio");
    if (spec.minSuccessRatio().isPresent()) {
      j.raw(spec.minSuccessRatio().get().toString());
    } else {
      j.nul();
    }
    j.key("runAllSubNodes").bool(spec.runAllSubNodes());
    j.key("text").str(criteria());
    j.close('}');
    j.close('}');

    j.key("run").open('{');
    j.key("runner").str(runner);
    j.key("startedAtEpochMillis").num(startedAtMillis);
    j.key("wallMillis").num(wallMillis);
    j.close('}');

    j.key("outcome").open('{');
    j.key("success").bool(verdict.success());
    j.key("summary").str(verdict.summary());
    j.key("size").num(verdict.size());
    j.key("required").num(verdict.required());
    j.key("arithmetic").str(thresholdArithmetic());
    j.key("succeeded").num(verdict.succeeded());
    j.key("failed").num(verdict.failed());
    j.key("timedOut").num(verdict.timedOut());
    j.key("aborted").num(verdict.size() - verdict.succeeded() - verdict.failed() - verdict.timedOut());
    j.key("cacheHits").num(verdict.cacheHits());
    j.close('}');

    j.key("cache").open('{');
    j.key("mode").str(cache.mode().name());
    j.key("dir");
    if (cache.enabled()) {
      j.str(cache.dir());
    } else {
      j.nul();
    }
    j.key("hits").num(verdict.cacheHits());
    j.key("unreadableEntries").num(verdict.cache().unreadable());
    j.key("unwrittenEntries").num(verdict.cache().unwritten());
    j.key("firstProblem").str(verdict.cache().firstProblem());
    j.close('}');

    long[] ran = ranDurations();
    j.key("durations").open('{');
    j.key("count").num(ran.length);
    if (ran.length > 0) {
      j.key("minMillis").num(ran[0]);
      j.key("p50Millis").num(percentile(ran, 50));
      j.key("p90Millis").num(percentile(ran, 90));
      j.key("p99Millis").num(percentile(ran, 99));
      j.key("maxMillis").num(ran[ran.length - 1]);
      j.key("meanMillis").num(Arrays.stream(ran).sum() / ran.length);
    }
    long bucket = Math.max(1, (ran.length == 0 ? 0 : ran[ran.length - 1]) / HISTOGRAM_BUCKETS + 1);
    long[] counts = new long[HISTOGRAM_BUCKETS];
    for (long d : ran) {
      counts[(int) Math.min(HISTOGRAM_BUCKETS - 1, d / bucket)]++;
    }
    j.key("histogram").open('{');
    j.key("bucketMillis").num(bucket);
    j.key("counts").open('[');
    for (long c : counts) {
      j.num(c);
    }
    j.close(']');
    j.close('}');
    j.close('}');

    timeline(j);

    j.key("failures").open('{');
    j.key("groups").open('[');
    for (ErrorGroups.Group g : verdict.errors().groups()) {
      j.open('{');
      j.key("indexRanges").str(g.indexRanges());
      j.key("ranges").open('[');
      for (long[] r : g.ranges()) {
        j.open('[').num(r[0]).num(r[1]).close(']');
      }
      j.close(']');
      j.key("count").num(g.count());
      j.key("message").str(g.message());
      j.close('}');
    }
    j.close(']');
    j.key("otherFailures").num(verdict.errors().otherFailures());
    j.close('}');

    long origin = timelineOrigin();
    j.key("elements").open('{');
    j.key("count").num(size);
    j.key("startOriginEpochMillis").num(origin);
    j.key("status").str(new String(status));
    j.key("attempts").open('[');
    for (int a : attempts) {
      j.num(a);
    }
    j.close(']');
    j.key("startMillis").open('[');
    for (int i = 0; i < size; i++) {
      j.num(attempts[i] > 0 ? start[i] - origin : -1);
    }
    j.close(']');
    j.key("durationMillis").open('[');
    for (long d : duration) {
      j.num(d);
    }
    j.close(']');
    j.key("error").open('[');
    for (int e : error) {
      j.num(e);
    }
    j.close(']');
    j.key("messages").open('[');
    messages.forEach(j::str);
    j.close(']');
    j.close('}');
    j.close('}');
    return j.toString();
  }

  private static void variables(Json j, Map<String, Variable> variables) {
    j.open('[');
    variables.forEach(
        (name, v) -> {
          j.open('{');
          j.key("name").str(name);
          j.key("type").str(LiteralTypes.describe(v.getType()));
          j.close('}');
        });
    j.close(']');
  }

  private long[] ranDurations() {
    long[] ran = new long[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (attempts[i] > 0) {
        ran[n++] = duration[i];
      }
    }
    long[] out = Arrays.copyOf(ran, n);
    Arrays.sort(out);
    return out;
  }

  private static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private long timelineOrigin() {
    long origin = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      if (attempts[i] > 0) {
        origin = Math.min(origin, start[i]);
      }
    }
    return origin == Long.MAX_VALUE ? 0 : origin;
  }

  /** Average elements running per time bin, from each element's start and duration. */
  private void timeline(Json j) {
    long origin = timelineOrigin();
    long end = origin;
    for (int i = 0; i < size; i++) {
      if (attempts[i] > 0) {
        end = Math.max(end, start[i] + Math.max(1, duration[i]));
      }
    }
    long span = Math.max(1, end - origin);
    long bin = Math.max(1, (span + TIMELINE_BINS - 1) / TIMELINE_BINS);
    int bins = (int) Math.min(TIMELINE_BINS, (span + bin - 1) / bin);
    double[] busy = new double[bins];
    int peak = 0;
    long[] events = new long[2 * size];
    int e = 0;
    for (int i = 0; i < size; i++) {
      if (attempts[i] == 0) {
        continue;
      }
      long from = start[i] - origin;
      // Millisecond clocks: an element that ran counts for at least one.
      long to = from + Math.max(1, duration[i]);
      events[e++] = from * 2 + 1;
      events[e++] = to * 2;
      for (long b = from / bin; b < bins && b * bin < to; b++) {
        long lo = Math.max(from, b * bin);
        long hi = Math.min(to, (b + 1) * bin);
        busy[(int) b] += Math.max(0, hi - lo);
      }
    }
    // Peak: sweep start and end events, ends first at equal times.
    long[] sorted = Arrays.copyOf(events, e);
    Arrays.sort(sorted);
    int now = 0;
    for (long ev : sorted) {
      now += (ev & 1) == 1 ? 1 : -1;
      peak = Math.max(peak, now);
    }
    j.key("concurrency").open('{');
    j.key("originEpochMillis").num(origin);
    j.key("binMillis").num(bin);
    j.key("peak").num(peak);
    j.key("average").open('[');
    for (double b : busy) {
      j.raw(String.format(Locale.ROOT, "%.2f", b / bin));
    }
    j.close(']');
    j.close('}');
  }

  /** A small JSON writer: commas by nesting, strings escaped so they are safe inside HTML too. */
  static final class Json {
    private final StringBuilder out = new StringBuilder();
    private boolean first = true;

    Json open(char c) {
      sep();
      out.append(c);
      first = true;
      return this;
    }

    Json close(char c) {
      out.append(c);
      first = false;
      return this;
    }

    Json key(String k) {
      sep();
      quote(k);
      out.append(':');
      first = true;
      return this;
    }

    Json str(String s) {
      sep();
      quote(s);
      return this;
    }

    Json num(long n) {
      sep();
      out.append(n);
      return this;
    }

    Json raw(String s) {
      sep();
      out.append(s);
      return this;
    }

    Json bool(boolean b) {
      return raw(String.valueOf(b));
    }

    Json nul() {
      return raw("null");
    }

    private void sep() {
      if (!first) {
        out.append(',');
      }
      first = false;
    }

    private void quote(String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"':
            out.append("\\\"");
            break;
          case '\\':
            out.append("\\\\");
            break;
          case '\n':
            out.append("\\n");
            break;
          case '\r':
            out.append("\\r");
            break;
          case '\t':
            out.append("\\t");
            break;
          default:
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
        }
      }
      out.append('"');
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }
}

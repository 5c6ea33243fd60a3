package org.flytebeam.runner;

import flyteidl.core.Interface.Variable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.flytebeam.beam.MapResult;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.cache.CacheSettings;
import org.flytebeam.exec.AttemptError;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.InvalidElementException;
import org.flytebeam.exec.MapInputs;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;

/**
 * The facts of a finished run: what ran, the verdict and its arithmetic, timings, failures, and
 * every element as compact columns. {@link #writeJson} writes the {@code --summary} file (schema in
 * the README, "Run report and summary"); {@link HtmlReport} renders the same JSON.
 *
 * <p>Memory stays bounded whatever the number of elements: the elements' outcomes are streamed from
 * the run folder, once per aggregate pass and once per element column, and never held; what is kept
 * is fixed in size (duration counts, the timeline, at most {@link #MAX_MESSAGES} distinct error
 * texts). Only the HTML report, which embeds the whole JSON, is as large as the run.
 */
final class RunReport {
  static final int SCHEMA_VERSION = 1;
  static final int HISTOGRAM_BUCKETS = 20;
  static final int TIMELINE_BINS = 200;

  /** Distinct error texts kept for {@code elements.messages}; later ones share a placeholder. */
  static final int MAX_MESSAGES = 10_000;

  static final long MAX_MESSAGE_CHARS = 4_000_000;

  /** Time slots of the peak-concurrency sweep: milliseconds up to about 70 minutes of run. */
  static final int PEAK_SLOTS = 1 << 22;

  /** Duration slots of the first percentile pass; a second pass resolves coarser slots exactly. */
  static final int PERCENTILE_SLOTS = 1 << 20;

  static final int[] PERCENTILES = {50, 90, 99};

  /** Elements whose inputs and attempt history the summary keeps (see {@link #details}). */
  static final int MAX_DETAILS = 1000;

  static final int MAX_INPUT_CHARS = 80;

  private final MapResult result;
  private final MapTaskSpec spec;
  private final MapVerdict verdict;
  private final CacheSettings cache;
  private final String runner;
  private final long startedAtMillis;
  private final long wallMillis;
  private final long size;
  private final List<String> commandLine;

  /** Whether any element ran; if none did, the elements' errors come from the verdict's groups. */
  private final boolean anyRan;

  private final Map<String, Integer> messageIds = new HashMap<>();
  private final List<String> messages = new ArrayList<>();
  private long messageChars;
  private int overflowMessage = -1;

  // Durations of the elements that ran, and when they ran.
  private long ran;
  private long minDuration = Long.MAX_VALUE;
  private long maxDuration;
  private long sumDuration;
  private long origin;
  private long end;

  // From the second pass.
  private final long[] histogram = new long[HISTOGRAM_BUCKETS];
  private long bucketMillis;
  private long binMillis;
  private double[] busy;
  private int peak;
  private final long[] percentiles = new long[PERCENTILES.length];

  private RunReport(
      MapResult result,
      String runner,
      long startedAtMillis,
      long wallMillis,
      List<String> commandLine) {
    this.result = result;
    this.commandLine = List.copyOf(commandLine);
    this.spec = result.plan().spec();
    this.verdict = result.verdict();
    this.cache = result.plan().cache();
    this.runner = runner;
    this.startedAtMillis = startedAtMillis;
    this.wallMillis = wallMillis;
    this.size = result.plan().size();
    this.anyRan = verdict.succeeded() + verdict.failed() + verdict.timedOut() > 0;
    firstPass();
    secondPass();
  }

  static RunReport of(MapResult result, String runner, long startedAtMillis, long wallMillis) {
    return new RunReport(result, runner, startedAtMillis, wallMillis, List.of());
  }

  /** As above, recording the command line that started the run (secret-looking values hidden). */
  static RunReport of(
      MapResult result,
      String runner,
      long startedAtMillis,
      long wallMillis,
      List<String> commandLine) {
    return new RunReport(result, runner, startedAtMillis, wallMillis, commandLine);
  }

  private static final java.util.regex.Pattern SECRET_OPTION =
      java.util.regex.Pattern.compile(
          "(?i)(--?[\\w.-]*(?:secret|password|passwd|token|credential|key)[\\w.-]*=).*");

  /**
   * The command line as one shell-quoted string, {@code flyte-beam} first; the values of options
   * whose names look secret ({@code --awsSecretKey=...}) shown as {@code ***}.
   */
  static String shellLine(List<String> args) {
    StringBuilder s = new StringBuilder("flyte-beam");
    for (String arg : args) {
      java.util.regex.Matcher secret = SECRET_OPTION.matcher(arg);
      String shown = secret.matches() ? secret.group(1) + "***" : arg;
      s.append(' ');
      if (shown.matches("[\\w@%+=:,./\\[\\]-]+")) {
        s.append(shown);
      } else {
        s.append('\'').append(shown.replace("'", "'\\''")).append('\'');
      }
    }
    return s.toString();
  }

  /** The versions of this tool, Beam, Spark and Java, as the report names them. */
  static Map<String, String> versions() {
    Map<String, String> v = new java.util.LinkedHashMap<>();
    String[] own = Main.class.getAnnotation(picocli.CommandLine.Command.class).version();
    v.put("flyteBeam", own.length == 0 ? "" : own[0].replace("flyte-beam ", ""));
    v.put("beam", org.apache.beam.sdk.util.ReleaseInfo.getReleaseInfo().getVersion());
    v.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    v.put("java", Runtime.version().toString());
    return v;
  }

  /**
   * Every element in index order: read from the run folder when any ran; else (min_successes above
   * the size) never run, each with its error from the verdict's groups.
   */
  private Iterator<ElementOutcome> elements() {
    if (anyRan) {
      return result.outcomes();
    }
    TreeMap<Long, Map.Entry<Long, String>> byStart = new TreeMap<>();
    for (ErrorGroups.Group g : verdict.errors().groups()) {
      for (long[] r : g.ranges()) {
        byStart.put(r[0], Map.entry(r[1], g.message()));
      }
    }
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public ElementOutcome next() {
        long i = next++;
        Map.Entry<Long, Map.Entry<Long, String>> group = byStart.floorEntry(i);
        String error =
            group != null && i <= group.getValue().getKey() ? group.getValue().getValue() : "";
        return new ElementOutcome(i, ElementStatus.ABORTED, 0, 0, 0, error, List.of());
      }
    };
  }

  /** Counts, extremes and distinct errors. */
  private void firstPass() {
    long first = Long.MAX_VALUE;
    for (Iterator<ElementOutcome> it = elements(); it.hasNext(); ) {
      ElementOutcome o = it.next();
      errorOf(o);
      if (o.attempts() == 0) {
        continue;
      }
      long d = o.durationMillis();
      ran++;
      minDuration = Math.min(minDuration, d);
      maxDuration = Math.max(maxDuration, d);
      sumDuration += d;
      first = Math.min(first, o.startEpochMillis());
      end = Math.max(end, o.startEpochMillis() + Math.max(1, d));
    }
    origin = first == Long.MAX_VALUE ? 0 : first;
    end = Math.max(end, origin);
  }

  /** The histogram, the timeline, the peak and the percentiles. */
  private void secondPass() {
    bucketMillis = Math.max(1, (ran == 0 ? 0 : maxDuration) / HISTOGRAM_BUCKETS + 1);
    long span = Math.max(1, end - origin);
    binMillis = Math.max(1, (span + TIMELINE_BINS - 1) / TIMELINE_BINS);
    int bins = (int) Math.min(TIMELINE_BINS, (span + binMillis - 1) / binMillis);
    busy = new double[bins];
    // Starts minus ends per time slot: the running sum is the number running, ends first at equal
    // times. A run longer than PEAK_SLOTS ms is sampled at slot boundaries.
    long slot = Math.max(1, (span + PEAK_SLOTS) / PEAK_SLOTS);
    int[] delta = new int[(int) (span / slot) + 2];
    long durationRange = ran == 0 ? 1 : maxDuration - minDuration + 1;
    long resolution = Math.max(1, (durationRange + PERCENTILE_SLOTS - 1) / PERCENTILE_SLOTS);
    int[] byDuration = new int[(int) ((durationRange + resolution - 1) / resolution)];
    for (Iterator<ElementOutcome> it = elements(); it.hasNext(); ) {
      ElementOutcome o = it.next();
      if (o.attempts() == 0) {
        continue;
      }
      long d = o.durationMillis();
      histogram[(int) Math.min(HISTOGRAM_BUCKETS - 1, d / bucketMillis)]++;
      byDuration[(int) ((d - minDuration) / resolution)]++;
      long from = o.startEpochMillis() - origin;
      // An element's end is its start plus its duration, both whole milliseconds: never past the
      // next start of its lane, so, ends first at equal times, a lane never counts twice (sub-ms
      // elements counted as one ms each made 300 "running" at once in a lane of one).
      long to = from + d;
      delta[(int) (from / slot)]++;
      delta[(int) (to / slot)]--;
      for (long b = from / binMillis; b < bins && b * binMillis < to; b++) {
        long lo = Math.max(from, b * binMillis);
        long hi = Math.min(to, (b + 1) * binMillis);
        busy[(int) b] += Math.max(0, hi - lo);
      }
    }
    int running = 0;
    for (int change : delta) {
      running += change;
      peak = Math.max(peak, running);
    }
    // Elements shorter than a millisecond each were running at some moment, though at no whole
    // millisecond: one at least.
    peak = Math.max(peak, ran > 0 ? 1 : 0);
    resolvePercentiles(byDuration, resolution);
  }

  /**
   * Exact percentiles ({@code rank = ceil(p/100 × n)}) from counts per duration slot; slots wider
   * than a millisecond are resolved by one more pass over their own durations.
   */
  private void resolvePercentiles(int[] byDuration, long resolution) {
    if (ran == 0) {
      return;
    }
    for (int k = 0; k < PERCENTILES.length; k++) {
      long rank = Math.max(1, (long) Math.ceil(PERCENTILES[k] / 100.0 * ran));
      int slot = 0;
      long below = 0;
      while (below + byDuration[slot] < rank) {
        below += byDuration[slot++];
      }
      long low = minDuration + slot * resolution;
      if (resolution == 1) {
        percentiles[k] = low;
        continue;
      }
      int[] within = new int[(int) resolution];
      for (Iterator<ElementOutcome> it = elements(); it.hasNext(); ) {
        ElementOutcome o = it.next();
        long d = o.durationMillis();
        if (o.attempts() > 0 && d >= low && d < low + resolution) {
          within[(int) (d - low)]++;
        }
      }
      int i = 0;
      while (below + within[i] < rank) {
        below += within[i++];
      }
      percentiles[k] = low + i;
    }
  }

  /** The index of the element's error in {@code elements.messages}, or -1: it has none. */
  private int errorOf(ElementOutcome o) {
    return o.status().succeeded() || o.error().isEmpty() ? -1 : errorId(o.error());
  }

  /**
   * The index of an error text in {@code elements.messages}; bounded, see {@link #MAX_MESSAGES}.
   */
  private int errorId(String message) {
    Integer id = messageIds.get(message);
    if (id != null) {
      return id;
    }
    if (messages.size() >= MAX_MESSAGES || messageChars + message.length() > MAX_MESSAGE_CHARS) {
      if (overflowMessage < 0) {
        messages.add(
            "(error text not kept: the summary keeps the first "
                + MAX_MESSAGES
                + " distinct error texts, "
                + MAX_MESSAGE_CHARS
                + " characters in all)");
        overflowMessage = messages.size() - 1;
      }
      return overflowMessage;
    }
    messages.add(message);
    messageChars += message.length();
    messageIds.put(message, messages.size() - 1);
    return messages.size() - 1;
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

  /** The machine-readable summary as one string (for the HTML report, which embeds it). */
  String toJson() {
    StringBuilder out = new StringBuilder();
    writeJson(out);
    return out.toString();
  }

  /**
   * Writes the machine-readable summary (see the README for every field) as it goes: each element
   * column is one more pass over the outcomes.
   */
  void writeJson(Appendable out) {
    Json j = new Json(out);
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
    j.key("runId").str(result.plan().runId());
    j.key("commandLine").str(commandLine.isEmpty() ? "" : shellLine(commandLine));
    j.key("versions").open('{');
    versions().forEach((name, version) -> j.key(name).str(version));
    j.close('}');
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
    j.key("aborted")
        .num(verdict.size() - verdict.succeeded() - verdict.failed() - verdict.timedOut());
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

    j.key("durations").open('{');
    j.key("count").num(ran);
    if (ran > 0) {
      j.key("minMillis").num(minDuration);
      j.key("p50Millis").num(percentiles[0]);
      j.key("p90Millis").num(percentiles[1]);
      j.key("p99Millis").num(percentiles[2]);
      j.key("maxMillis").num(maxDuration);
      j.key("meanMillis").num(sumDuration / ran);
    }
    j.key("histogram").open('{');
    j.key("bucketMillis").num(bucketMillis);
    j.key("counts").open('[');
    for (long c : histogram) {
      j.num(c);
    }
    j.close(']');
    j.close('}');
    j.close('}');

    j.key("concurrency").open('{');
    j.key("originEpochMillis").num(origin);
    j.key("binMillis").num(binMillis);
    j.key("peak").num(peak);
    j.key("average").open('[');
    for (double b : busy) {
      j.raw(String.format(Locale.ROOT, "%.2f", b / binMillis));
    }
    j.close(']');
    j.close('}');

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
      j.key("omittedIndices").num(g.omitted());
      j.key("count").num(g.count());
      j.key("message").str(g.message());
      j.key("type").str(g.type());
      j.key("pattern").str(g.pattern());
      j.key("varied").bool(g.varied());
      j.key("examples").open('[');
      for (ErrorGroups.Example e : g.examples()) {
        j.open('{');
        j.key("index").num(e.index());
        j.key("message").str(e.message());
        j.key("stackTrace").str(e.stackTrace());
        j.close('}');
      }
      j.close(']');
      j.close('}');
    }
    j.close(']');
    j.key("otherFailures").num(verdict.errors().otherFailures());
    j.close('}');

    j.key("elements").open('{');
    j.key("count").num(size);
    j.key("startOriginEpochMillis").num(origin);
    j.key("status").openString();
    for (Iterator<ElementOutcome> it = elements(); it.hasNext(); ) {
      j.append(code(it.next()));
    }
    j.closeString();
    column(j, "attempts", o -> o.attempts());
    column(j, "startMillis", o -> o.attempts() > 0 ? o.startEpochMillis() - origin : -1);
    column(j, "durationMillis", ElementOutcome::durationMillis);
    column(j, "error", this::errorOf);
    j.key("messages").open('[');
    messages.forEach(j::str);
    j.close(']');
    details(j);
    j.close('}');
    j.close('}');
  }

  /**
   * {@code elements.details}: for the first {@link #MAX_DETAILS} elements that did not simply
   * succeed (failed, timed out, aborted, or retried), their inputs (truncated) and their failed
   * attempts with errors and stack traces; for a run of at most {@link #MAX_DETAILS} elements,
   * every element's inputs.
   */
  private void details(Json j) {
    boolean all = size <= MAX_DETAILS;
    List<Long> indices = new ArrayList<>();
    for (Iterator<ElementOutcome> it = elements(); it.hasNext() && indices.size() < MAX_DETAILS; ) {
      ElementOutcome o = it.next();
      if (all || !o.status().succeeded() || !o.failedAttempts().isEmpty()) {
        indices.add(o.index());
      }
    }
    Map<Long, String> inputs = inputsOf(indices);
    j.key("details").open('{');
    int k = 0;
    for (Iterator<ElementOutcome> it = elements(); it.hasNext() && k < indices.size(); ) {
      ElementOutcome o = it.next();
      if (o.index() != indices.get(k)) {
        continue;
      }
      k++;
      j.key(Long.toString(o.index())).open('{');
      j.key("inputs").str(inputs.getOrDefault(o.index(), ""));
      j.key("attempts").open('[');
      for (AttemptError a : o.failedAttempts()) {
        j.open('{');
        j.key("attempt").num(a.attempt());
        j.key("error").str(a.error());
        j.key("stackTrace").str(a.stackTrace());
        j.close('}');
      }
      j.close(']');
      j.close('}');
    }
    j.close('}');
  }

  /**
   * The inputs of the elements {@code indices} (ascending) as {@code name=value} pairs, each value
   * described and truncated: one sequential read from the first to the last, so inputs given by
   * reference are read once. Best effort: the report never fails for them.
   */
  private Map<Long, String> inputsOf(List<Long> indices) {
    Map<Long, String> found = new HashMap<>();
    if (indices.isEmpty()) {
      return found;
    }
    long first = indices.get(0);
    long last = indices.get(indices.size() - 1);
    java.util.Set<Long> wanted = new java.util.HashSet<>(indices);
    try (MapInputs.Elements read = result.plan().inputs().read(first, last + 1)) {
      for (long i = first; i <= last; i++) {
        String text;
        try {
          text = describe(read.next());
        } catch (InvalidElementException e) {
          text = "(unreadable: " + e.getMessage() + ")";
        }
        if (wanted.contains(i)) {
          found.put(i, text);
        }
      }
    } catch (IOException | RuntimeException e) {
      String missing = "(inputs not available: " + FlyteBeam.rootMessage(e) + ")";
      indices.forEach(i -> found.putIfAbsent(i, missing));
    }
    return found;
  }

  private String describe(Map<String, flyteidl.core.Literals.Literal> element) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, flyteidl.core.Literals.Literal> e : element.entrySet()) {
      if (spec.boundInputs().contains(e.getKey())) {
        continue;
      }
      String value = Literals.describe(e.getValue());
      if (value.length() > MAX_INPUT_CHARS) {
        value = value.substring(0, MAX_INPUT_CHARS) + "…";
      }
      s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(value);
    }
    return s.toString();
  }

  /** One array of numbers, one per element in index order: a pass over the outcomes. */
  private void column(Json j, String name, ToLongFunction<ElementOutcome> value) {
    j.key(name).open('[');
    for (Iterator<ElementOutcome> it = elements(); it.hasNext(); ) {
      j.num(value.applyAsLong(it.next()));
    }
    j.close(']');
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

  /** A small JSON writer: commas by nesting, strings escaped so they are safe inside HTML too. */
  static final class Json {
    private final Appendable out;
    private boolean first = true;

    Json() {
      this(new StringBuilder());
    }

    Json(Appendable out) {
      this.out = out;
    }

    private Json put(CharSequence s) {
      try {
        out.append(s);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    private Json put(char c) {
      try {
        out.append(c);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** Starts a string whose characters {@link #append} adds unescaped: for plain ASCII codes. */
    Json openString() {
      sep();
      return put('"');
    }

    Json append(char c) {
      return put(c);
    }

    Json closeString() {
      return put('"');
    }

    Json open(char c) {
      sep();
      put(c);
      first = true;
      return this;
    }

    Json close(char c) {
      put(c);
      first = false;
      return this;
    }

    Json key(String k) {
      sep();
      quote(k);
      put(':');
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
      put(Long.toString(n));
      return this;
    }

    Json raw(String s) {
      sep();
      put(s);
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
        put(',');
      }
      first = false;
    }

    private void quote(String s) {
      put('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"':
            put("\\\"");
            break;
          case '\\':
            put("\\\\");
            break;
          case '\n':
            put("\\n");
            break;
          case '\r':
            put("\\r");
            break;
          case '\t':
            put("\\t");
            break;
          default:
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
              put(String.format("\\u%04x", (int) c));
            } else {
              put(c);
            }
        }
      }
      put('"');
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }
}

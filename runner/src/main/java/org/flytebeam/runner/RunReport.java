package org.flytebeam.runner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import flyteidl.core.Interface.Variable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
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
    StringWriter out = new StringWriter();
    writeJson(out);
    return out.toString();
  }

  /**
   * Writes the machine-readable summary (see the README for every field) as it goes: each element
   * column is one more pass over the outcomes.
   */
  void writeJson(Writer out) {
    try (JsonGenerator j = jsonGenerator(out)) {
      writeJson(j);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeJson(JsonGenerator j) throws IOException {
    j.writeStartObject();
    j.writeNumberField("schemaVersion", SCHEMA_VERSION);
    j.writeObjectFieldStart("definition");
    j.writeStringField("name", spec.name());
    j.writeStringField("form", spec.form().name());
    j.writeStringField("subTask", spec.subTask().id().name());
    j.writeStringField("subTaskType", spec.subTask().type());
    j.writeFieldName("inputs");
    variables(j, spec.mappedInterface().getInputs().getVariablesMap());
    j.writeArrayFieldStart("boundInputs");
    for (String bound : spec.boundInputs()) {
      j.writeString(bound);
    }
    j.writeEndArray();
    j.writeFieldName("outputs");
    variables(j, spec.mappedInterface().getOutputs().getVariablesMap());
    j.writeFieldName("parallelism");
    if (spec.parallelism().isPresent() && spec.parallelism().getAsInt() > 0) {
      j.writeNumber(spec.parallelism().getAsInt());
    } else {
      j.writeNull();
    }
    j.writeObjectFieldStart("successCriteria");
    j.writeFieldName("minSuccesses");
    if (spec.minSuccesses().isPresent()) {
      j.writeNumber(spec.minSuccesses().getAsLong());
    } else {
      j.writeNull();
    }
    j.writeFieldName("minSuccessRatio");
    if (spec.minSuccessRatio().isPresent()) {
      // As the definition gave it (Java's shortest text of the double).
      j.writeNumber(spec.minSuccessRatio().get().toString());
    } else {
      j.writeNull();
    }
    j.writeBooleanField("runAllSubNodes", spec.runAllSubNodes());
    j.writeStringField("text", criteria());
    j.writeEndObject();
    j.writeEndObject();

    j.writeObjectFieldStart("run");
    j.writeStringField("runner", runner);
    j.writeNumberField("startedAtEpochMillis", startedAtMillis);
    j.writeNumberField("wallMillis", wallMillis);
    j.writeStringField("runId", result.plan().runId());
    j.writeStringField("commandLine", commandLine.isEmpty() ? "" : shellLine(commandLine));
    j.writeObjectFieldStart("versions");
    for (Map.Entry<String, String> v : versions().entrySet()) {
      j.writeStringField(v.getKey(), v.getValue());
    }
    j.writeEndObject();
    j.writeEndObject();

    j.writeObjectFieldStart("outcome");
    j.writeBooleanField("success", verdict.success());
    j.writeStringField("summary", verdict.summary());
    j.writeNumberField("size", verdict.size());
    j.writeNumberField("required", verdict.required());
    j.writeStringField("arithmetic", thresholdArithmetic());
    j.writeNumberField("succeeded", verdict.succeeded());
    j.writeNumberField("failed", verdict.failed());
    j.writeNumberField("timedOut", verdict.timedOut());
    j.writeNumberField(
        "aborted", verdict.size() - verdict.succeeded() - verdict.failed() - verdict.timedOut());
    j.writeNumberField("cacheHits", verdict.cacheHits());
    j.writeEndObject();

    j.writeObjectFieldStart("cache");
    j.writeStringField("mode", cache.mode().name());
    j.writeFieldName("dir");
    if (cache.enabled()) {
      j.writeString(cache.dir());
    } else {
      j.writeNull();
    }
    j.writeNumberField("hits", verdict.cacheHits());
    j.writeNumberField("unreadableEntries", verdict.cache().unreadable());
    j.writeNumberField("unwrittenEntries", verdict.cache().unwritten());
    j.writeStringField("firstProblem", verdict.cache().firstProblem());
    j.writeEndObject();

    j.writeObjectFieldStart("durations");
    j.writeNumberField("count", ran);
    if (ran > 0) {
      j.writeNumberField("minMillis", minDuration);
      j.writeNumberField("p50Millis", percentiles[0]);
      j.writeNumberField("p90Millis", percentiles[1]);
      j.writeNumberField("p99Millis", percentiles[2]);
      j.writeNumberField("maxMillis", maxDuration);
      j.writeNumberField("meanMillis", sumDuration / ran);
    }
    j.writeObjectFieldStart("histogram");
    j.writeNumberField("bucketMillis", bucketMillis);
    j.writeArrayFieldStart("counts");
    for (long c : histogram) {
      j.writeNumber(c);
    }
    j.writeEndArray();
    j.writeEndObject();
    j.writeEndObject();

    j.writeObjectFieldStart("concurrency");
    j.writeNumberField("originEpochMillis", origin);
    j.writeNumberField("binMillis", binMillis);
    j.writeNumberField("peak", peak);
    j.writeArrayFieldStart("average");
    for (double b : busy) {
      j.writeNumber(String.format(Locale.ROOT, "%.2f", b / binMillis));
    }
    j.writeEndArray();
    j.writeEndObject();

    j.writeObjectFieldStart("failures");
    j.writeArrayFieldStart("groups");
    for (ErrorGroups.Group g : verdict.errors().groups()) {
      j.writeStartObject();
      j.writeStringField("indexRanges", g.indexRanges());
      j.writeArrayFieldStart("ranges");
      for (long[] r : g.ranges()) {
        j.writeArray(r, 0, 2);
      }
      j.writeEndArray();
      j.writeNumberField("omittedIndices", g.omitted());
      j.writeNumberField("count", g.count());
      j.writeStringField("message", g.message());
      j.writeStringField("type", g.type());
      j.writeStringField("pattern", g.pattern());
      j.writeBooleanField("varied", g.varied());
      j.writeArrayFieldStart("examples");
      for (ErrorGroups.Example e : g.examples()) {
        j.writeStartObject();
        j.writeNumberField("index", e.index());
        j.writeStringField("message", e.message());
        j.writeStringField("stackTrace", e.stackTrace());
        j.writeEndObject();
      }
      j.writeEndArray();
      j.writeEndObject();
    }
    j.writeEndArray();
    j.writeNumberField("otherFailures", verdict.errors().otherFailures());
    j.writeEndObject();

    j.writeObjectFieldStart("elements");
    j.writeNumberField("count", size);
    j.writeNumberField("startOriginEpochMillis", origin);
    j.writeFieldName("status");
    // One letter per element, streamed: the generator writes a string value only whole, so the
    // opening quote is written as the value and the letters (plain ASCII, nothing to escape) raw.
    j.writeRawValue("\"");
    for (Iterator<ElementOutcome> it = elements(); it.hasNext(); ) {
      j.writeRaw(code(it.next()));
    }
    j.writeRaw('"');
    column(j, "attempts", o -> o.attempts());
    column(j, "startMillis", o -> o.attempts() > 0 ? o.startEpochMillis() - origin : -1);
    column(j, "durationMillis", ElementOutcome::durationMillis);
    column(j, "error", this::errorOf);
    j.writeArrayFieldStart("messages");
    for (String message : messages) {
      j.writeString(message);
    }
    j.writeEndArray();
    details(j);
    j.writeEndObject();
    j.writeEndObject();
  }

  /**
   * {@code elements.details}: for the first {@link #MAX_DETAILS} elements that did not simply
   * succeed (failed, timed out, aborted, or retried), their inputs (truncated) and their failed
   * attempts with errors and stack traces; for a run of at most {@link #MAX_DETAILS} elements,
   * every element's inputs.
   */
  private void details(JsonGenerator j) throws IOException {
    boolean all = size <= MAX_DETAILS;
    List<Long> indices = new ArrayList<>();
    for (Iterator<ElementOutcome> it = elements(); it.hasNext() && indices.size() < MAX_DETAILS; ) {
      ElementOutcome o = it.next();
      if (all || !o.status().succeeded() || !o.failedAttempts().isEmpty()) {
        indices.add(o.index());
      }
    }
    Map<Long, String> inputs = inputsOf(indices);
    j.writeObjectFieldStart("details");
    int k = 0;
    for (Iterator<ElementOutcome> it = elements(); it.hasNext() && k < indices.size(); ) {
      ElementOutcome o = it.next();
      if (o.index() != indices.get(k)) {
        continue;
      }
      k++;
      j.writeObjectFieldStart(Long.toString(o.index()));
      j.writeStringField("inputs", inputs.getOrDefault(o.index(), ""));
      j.writeArrayFieldStart("attempts");
      for (AttemptError a : o.failedAttempts()) {
        j.writeStartObject();
        j.writeNumberField("attempt", a.attempt());
        j.writeStringField("error", a.error());
        j.writeStringField("stackTrace", a.stackTrace());
        j.writeEndObject();
      }
      j.writeEndArray();
      j.writeEndObject();
    }
    j.writeEndObject();
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
  private void column(JsonGenerator j, String name, ToLongFunction<ElementOutcome> value)
      throws IOException {
    j.writeArrayFieldStart(name);
    for (Iterator<ElementOutcome> it = elements(); it.hasNext(); ) {
      j.writeNumber(value.applyAsLong(it.next()));
    }
    j.writeEndArray();
  }

  private static void variables(JsonGenerator j, Map<String, Variable> variables)
      throws IOException {
    j.writeStartArray();
    for (Map.Entry<String, Variable> v : variables.entrySet()) {
      j.writeStartObject();
      j.writeStringField("name", v.getKey());
      j.writeStringField("type", LiteralTypes.describe(v.getValue().getType()));
      j.writeEndObject();
    }
    j.writeEndArray();
  }

  private static final JsonFactory JSON =
      new JsonFactoryBuilder()
          .characterEscapes(new HtmlSafeEscapes())
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .build();

  /**
   * A JSON writer whose strings are safe inside HTML too ({@code <}, {@code >}, {@code &} and the
   * line separators escaped): the HTML report embeds the summary in a script element. Leaves {@code
   * out} open.
   */
  static JsonGenerator jsonGenerator(Writer out) throws IOException {
    return JSON.createGenerator(out);
  }

  /** JSON's escapes, plus {@code \\u00xx} for the characters HTML gives a meaning. */
  private static final class HtmlSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;

    private final int[] ascii = standardAsciiEscapesForJSON();

    HtmlSafeEscapes() {
      for (int c = 0; c < 0x20; c++) {
        if (c != '\n' && c != '\r' && c != '\t') {
          ascii[c] = ESCAPE_CUSTOM;
        }
      }
      ascii['<'] = ESCAPE_CUSTOM;
      ascii['>'] = ESCAPE_CUSTOM;
      ascii['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int c) {
      return c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029
          ? new SerializedString(String.format("\\u%04x", c))
          : null;
    }
  }
}

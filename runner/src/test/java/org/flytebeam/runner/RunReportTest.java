package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.flytebeam.beam.IndexRange;
import org.flytebeam.beam.MapResult;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.beam.Shard;
import org.flytebeam.examples.FailOnTwo;
import org.flytebeam.examples.Square;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.RangeResults;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --report} and {@code --summary}: written whether the map fails or not, and readable. The
 * report as a browser renders it is {@link RunReportBrowserIT}.
 */
class RunReportTest {
  @TempDir Path dir;

  private Cli run(MapTaskSpec spec, String inputs, String... more) throws IOException {
    return run(dir, spec, inputs, more);
  }

  /** {@code run --quiet} of {@code spec} over {@code inputs} (JSON), its files in {@code dir}. */
  static Cli run(Path dir, MapTaskSpec spec, String inputs, String... more) throws IOException {
    Path def = dir.resolve("def.json");
    DefinitionWriter.write(spec, def);
    Path in = Cli.write(dir, "in.json", inputs);
    String[] args = new String[6 + more.length];
    System.arraycopy(
        new String[] {"run", "--definition", def.toString(), "--inputs", in.toString(), "--quiet"},
        0,
        args,
        0,
        6);
    System.arraycopy(more, 0, args, 6, more.length);
    return Cli.run(args);
  }

  @Test
  void shouldWriteSummaryWithCountsFailuresAndElementsWhenTheMapFails() throws IOException {
    // given: every element required, x = 2 fails, every element runs
    Path summary = dir.resolve("out/summary.json");

    // when
    Cli cli =
        run(
            MapTask.of(new FailOnTwo()).runAllSubNodes(true).build(),
            "{\"x\": [1, 2, 3, 4]}",
            "--summary",
            summary.toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertThat(s.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(s.at("/definition/subTask").asText()).isEqualTo("fail_on_two");
    assertThat(s.at("/definition/inputs/0/name").asText()).isEqualTo("x");
    assertThat(s.at("/definition/parallelism").isNull()).isTrue();
    assertThat(s.at("/outcome/success").asBoolean()).isFalse();
    assertThat(s.at("/outcome/succeeded").asLong()).isEqualTo(3);
    assertThat(s.at("/outcome/failed").asLong()).isEqualTo(1);
    assertThat(s.at("/outcome/required").asLong()).isEqualTo(4);
    assertThat(s.at("/outcome/arithmetic").asText())
        .isEqualTo("succeeded 3 of 4, required ceil(1.0 × 4) = 4");
    assertThat(s.at("/failures/groups/0/indexRanges").asText()).isEqualTo("[1]");
    assertThat(s.at("/failures/groups/0/message").asText())
        .isEqualTo("IllegalArgumentException: x must not be 2");
    assertThat(s.at("/elements/status").asText()).isEqualTo("SFSS");
    assertThat(s.at("/elements/error").toString()).isEqualTo("[-1,0,-1,-1]");
    assertThat(s.at("/elements/attempts").toString()).isEqualTo("[1,1,1,1]");
    assertThat(s.at("/durations/count").asLong()).isEqualTo(4);
    assertThat(s.at("/durations/histogram/counts").size()).isEqualTo(RunReport.HISTOGRAM_BUCKETS);
    long histogramTotal = 0;
    for (JsonNode c : s.at("/durations/histogram/counts")) {
      histogramTotal += c.asLong();
    }
    assertThat(histogramTotal).isEqualTo(4);
    assertThat(s.at("/concurrency/peak").asInt()).isBetween(1, 4);
  }

  @Test
  void shouldShowTheRatioArithmeticWhenARatioIsSet() throws IOException {
    Path summary = dir.resolve("summary.json");
    Path report = dir.resolve("report.html");

    Cli cli =
        run(
            MapTask.of(new FailOnTwo()).minSuccessRatio(0.75f).concurrency(2).build(),
            "{\"x\": [1, 2, 3, 4]}",
            "--summary",
            summary.toString(),
            "--report",
            report.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertThat(s.at("/outcome/arithmetic").asText())
        .isEqualTo("succeeded 3 of 4, required ceil(0.75 × 4) = 3");
    assertThat(s.at("/definition/parallelism").asInt()).isEqualTo(2);
    assertThat(s.at("/definition/successCriteria/minSuccessRatio").asDouble()).isEqualTo(0.75);
    assertThat(Files.readString(report)).contains("succeeded 3 of 4, required ceil(0.75 × 4) = 3");
  }

  @Test
  void shouldFailWithOneLineAndKeepTheOutputsWhenTheReportCannotBeWritten() throws IOException {
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
    Path outputs = dir.resolve("out.json");

    Cli cli =
        run(
            MapTask.of(new Square()).build(),
            "{\"x\": [1, 2]}",
            "--outputs",
            outputs.toString(),
            "--report",
            blocker.resolve("report.html").toString());

    assertThat(cli.exitCode()).isEqualTo(3);
    assertThat(cli.errWithoutProgress())
        .startsWith("error: cannot write --report [")
        .doesNotContain("\tat ");
    assertThat(cli.errWithoutProgress().lines().count()).isEqualTo(1);
    assertThat(outputs).exists();
  }

  @Test
  void shouldKeepMarkupInErrorsInertWhenEmbeddingThem() throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = RunReport.jsonGenerator(out)) {
      json.writeStartArray();
      json.writeString("</script><b>&" + (char) 0x2028 + (char) 1 + "\n");
      json.writeEndArray();
    }

    assertThat(out.toString())
        .isEqualTo("[\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u2028\\u0001\\n\"]");
    assertThat(HtmlReport.esc("<b>&\"")).isEqualTo("&lt;b&gt;&amp;&quot;");
  }

  /**
   * A finished run of {@code outcomes}, as the run folder holds it: range result files of 1,000
   * elements and the verdict they add up to.
   */
  private MapResult fabricated(List<ElementOutcome> outcomes) {
    int n = outcomes.size();
    List<IndexRange> ranges = new ArrayList<>();
    for (int start = 0; start < n; start += 1000) {
      int end = Math.min(n, start + 1000);
      RangeResults.write(
          dir.resolve("results").toString(), start, end, outcomes.subList(start, end));
      ranges.add(new IndexRange(start, end));
    }
    MapRunPlan plan =
        new MapRunPlan(
            "fabricated",
            dir.toString(),
            MapTask.of(new Square()).build(),
            n,
            n,
            List.of(new Shard(0, ranges)));
    ErrorGroups errors = new ErrorGroups();
    long failed = 0;
    for (ElementOutcome o : outcomes) {
      if (!o.status().succeeded()) {
        errors.add(o.index(), o.error());
        failed++;
      }
    }
    return MapResult.withoutRun(plan, new MapVerdict(n, n, n - failed, failed, 0, 0, errors));
  }

  private static long percentile(long[] sorted, int p) {
    return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  @Test
  void shouldStreamTheSameAggregatesAsSortingEveryDuration() throws IOException {
    // given: 5,000 elements of up to 3 hours each (percentile slots wider than 1 ms), 1 in 9 failed
    Random random = new Random(42);
    List<ElementOutcome> outcomes = new ArrayList<>();
    long t0 = 1_700_000_000_000L;
    for (int i = 0; i < 5000; i++) {
      long duration =
          random.nextInt(10) == 0 ? random.nextInt(3 * 3_600_000) : random.nextInt(2000);
      boolean ok = i % 9 != 4;
      outcomes.add(
          new ElementOutcome(
              i,
              ok ? ElementStatus.SUCCEEDED : ElementStatus.FAILED,
              1,
              t0 + random.nextInt(600_000),
              duration,
              ok ? "" : "boom " + List.of("alpha", "beta", "gamma").get(i / 9 % 3),
              ok ? List.of(Literals.of((long) i)) : List.of()));
    }

    // when
    JsonNode s =
        new ObjectMapper()
            .readTree(RunReport.of(fabricated(outcomes), "DirectRunner", t0, 1).toJson());

    // then: as computed from every duration, sorted
    long[] sorted = outcomes.stream().mapToLong(ElementOutcome::durationMillis).sorted().toArray();
    assertThat(sorted[sorted.length - 1] - sorted[0]).isGreaterThan(RunReport.PERCENTILE_SLOTS);
    assertThat(s.at("/durations/count").asLong()).isEqualTo(5000);
    assertThat(s.at("/durations/minMillis").asLong()).isEqualTo(sorted[0]);
    assertThat(s.at("/durations/maxMillis").asLong()).isEqualTo(sorted[sorted.length - 1]);
    assertThat(s.at("/durations/meanMillis").asLong())
        .isEqualTo(LongStream.of(sorted).sum() / 5000);
    for (int p : new int[] {50, 90, 99}) {
      assertThat(s.at("/durations/p" + p + "Millis").asLong())
          .as("p" + p)
          .isEqualTo(percentile(sorted, p));
    }
    long bucket = sorted[sorted.length - 1] / RunReport.HISTOGRAM_BUCKETS + 1;
    assertThat(s.at("/durations/histogram/bucketMillis").asLong()).isEqualTo(bucket);
    for (int b = 0; b < RunReport.HISTOGRAM_BUCKETS; b++) {
      final int k = b;
      long expected =
          LongStream.of(sorted)
              .filter(d -> Math.min(RunReport.HISTOGRAM_BUCKETS - 1, d / bucket) == k)
              .count();
      assertThat(s.at("/durations/histogram/counts/" + b).asLong())
          .as("bucket " + b)
          .isEqualTo(expected);
    }
    // the element columns, in index order
    assertThat(s.at("/elements/status").asText()).hasSize(5000).startsWith("SSSSFSSSSSSSSF");
    assertThat(s.at("/elements/durationMillis/4321").asLong())
        .isEqualTo(outcomes.get(4321).durationMillis());
    assertThat(s.at("/elements/messages").toString())
        .isEqualTo("[\"boom alpha\",\"boom beta\",\"boom gamma\"]");
    assertThat(s.at("/elements/error/4").asInt()).isEqualTo(0);
    assertThat(s.at("/elements/error/5").asInt()).isEqualTo(-1);
    assertThat(s.at("/failures/groups/0/count").asLong()).isEqualTo(556 / 3 + 1);
  }

  @Test
  void shouldStreamTheSamePeakAndTimelineAsSweepingEveryStartAndEnd() throws IOException {
    // given: 3,000 elements over 20 minutes, up to a minute each
    Random random = new Random(7);
    List<ElementOutcome> outcomes = new ArrayList<>();
    long t0 = 1_700_000_000_000L;
    for (int i = 0; i < 3000; i++) {
      outcomes.add(
          new ElementOutcome(
              i,
              ElementStatus.SUCCEEDED,
              1,
              t0 + random.nextInt(1_200_000),
              random.nextInt(60_000),
              "",
              List.of(Literals.of((long) i))));
    }

    // when
    JsonNode s =
        new ObjectMapper()
            .readTree(RunReport.of(fabricated(outcomes), "DirectRunner", t0, 1).toJson());

    // then: the peak of a sweep over every start and end, ends first at equal times
    long origin = outcomes.stream().mapToLong(ElementOutcome::startEpochMillis).min().getAsLong();
    List<long[]> events = new ArrayList<>();
    for (ElementOutcome o : outcomes) {
      long from = o.startEpochMillis() - origin;
      events.add(new long[] {from, 1});
      events.add(new long[] {from + o.durationMillis(), -1});
    }
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int running = 0;
    int peak = 0;
    for (long[] e : events) {
      running += (int) e[1];
      peak = Math.max(peak, running);
    }
    assertThat(s.at("/concurrency/originEpochMillis").asLong()).isEqualTo(origin);
    assertThat(s.at("/concurrency/peak").asInt()).isEqualTo(peak).isGreaterThan(30);
    // the average in each bin is the busy time in it over its length
    long bin = s.at("/concurrency/binMillis").asLong();
    double busyInThird = 0;
    for (ElementOutcome o : outcomes) {
      long from = o.startEpochMillis() - origin;
      long to = from + o.durationMillis();
      busyInThird += Math.max(0, Math.min(to, 4 * bin) - Math.max(from, 3 * bin));
    }
    assertThat(s.at("/concurrency/average/3").asDouble())
        .isCloseTo(busyInThird / bin, within(0.006));
  }

  @Test
  void shouldNeverCountMoreRunningThanLanesWhenElementsTakeLessThanAMillisecond()
      throws IOException {
    // given: two lanes, each running elements of 0.3 ms one after the other, as a fast Java task
    // does: many start in the same millisecond, each of a duration of 0 whole milliseconds
    List<ElementOutcome> outcomes = new ArrayList<>();
    long t0 = 1_700_000_000_000L;
    for (int i = 0; i < 2000; i++) {
      long startMicros = (i / 2) * 300L; // lanes 0 and 1 start together
      outcomes.add(
          new ElementOutcome(
              i,
              ElementStatus.SUCCEEDED,
              1,
              t0 + startMicros / 1000,
              0,
              "",
              List.of(Literals.of((long) i))));
    }

    // when
    JsonNode s =
        new ObjectMapper()
            .readTree(RunReport.of(fabricated(outcomes), "DirectRunner", t0, 1).toJson());

    // then: never more than the two lanes
    assertThat(s.at("/concurrency/peak").asInt()).isBetween(1, 2);
    for (JsonNode average : s.at("/concurrency/average")) {
      assertThat(average.asDouble()).isLessThanOrEqualTo(2.0);
    }
  }

  @Test
  void shouldShowAPeakWithinTheParallelismWhenAFastMapRunsThroughTheCli() throws IOException {
    // given: 3,000 elements of a fast task, at most 2 at once
    Path summary = dir.resolve("summary.json");
    StringBuilder xs = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      xs.append(i == 0 ? "" : ",").append(i);
    }

    // when
    Cli cli =
        run(
            MapTask.of(new Square()).concurrency(2).build(),
            "{\"x\": [" + xs + "]}",
            "--summary",
            summary.toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertThat(s.at("/definition/parallelism").asInt()).isEqualTo(2);
    assertThat(s.at("/concurrency/peak").asInt()).isBetween(0, 2);
    for (JsonNode average : s.at("/concurrency/average")) {
      assertThat(average.asDouble()).isLessThanOrEqualTo(2.0);
    }
  }
}

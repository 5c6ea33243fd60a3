package org.flytebeam.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.bench.variants.BenchFunction;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final Workload TRIVIAL = new Workload("trivial", BenchFunction.SQUARE, 100, 1_000);
  private static final Workload CPU = new Workload("CPU-bound", BenchFunction.BURN_CPU, 10, 50);
  private static final Report.Meta META =
      new Report.Meta(
          "2026-01-01 00:00 UTC", "test machine", 3, false, "GNU time %M", 1.0, "0 / 0");

  /** Seconds = fixed + marginal * n exactly, three runs each, the second run slower (noise). */
  private static List<Measurement> linear(
      Workload w, Map<Variant, double[]> fixedAndMarginal, long peakRss) {
    List<Measurement> ms = new ArrayList<>();
    for (Map.Entry<Variant, double[]> e : fixedAndMarginal.entrySet()) {
      for (int n : w.sizes()) {
        double seconds = e.getValue()[0] + e.getValue()[1] * n;
        Checksum sum = new Checksum(n, n * 7L, 0);
        double cpu = 2 * seconds;
        ms.add(new Measurement(w.name(), e.getKey(), n, 1, seconds, peakRss, cpu, 0.1, sum));
        ms.add(new Measurement(w.name(), e.getKey(), n, 2, seconds * 3, peakRss, cpu, 0.5, sum));
        ms.add(new Measurement(w.name(), e.getKey(), n, 3, seconds, peakRss, cpu, Double.NaN, sum));
      }
    }
    return ms;
  }

  private static Map<Variant, double[]> costs(double... fixedMarginalPairs) {
    Map<Variant, double[]> out = new EnumMap<>(Variant.class);
    Variant[] vs = Variant.values();
    for (int i = 0; i < vs.length; i++) {
      out.put(vs[i], new double[] {fixedMarginalPairs[2 * i], fixedMarginalPairs[2 * i + 1]});
    }
    return out;
  }

  // In Variant order: flyte-direct, flyte-spark, beam-direct, noenforce, beam-spark, rdd, raw.
  private static final Map<Variant, double[]> GOOD =
      costs(3, 2e-6, 4.5, 1e-6, 3, 25e-6, 3, 12e-6, 4, 7e-6, 5, 1e-6, 0.1, 0.5e-6);
  // flyte-beam over the RDD's whole process at 1k (5.0 and 6.0 s against 5.0 s) and plain Beam's
  // fixed cost on Spark + 1 s.
  private static final Map<Variant, double[]> BAD =
      costs(3, 2.01e-3, 6, 2e-6, 3, 25e-6, 3, 12e-6, 4, 7e-6, 5, 1e-6, 0.1, 0.5e-6);

  /** {@code ms} with the flyte-beam variants' peak RSS set to {@code rss}. */
  private static List<Measurement> flyteBeamRss(List<Measurement> ms, long rss) {
    return ms.stream()
        .map(
            m ->
                m.variant().isFlyteBeam()
                    ? new Measurement(
                        m.workload(),
                        m.variant(),
                        m.n(),
                        m.run(),
                        m.wallSeconds(),
                        rss,
                        m.cpuSeconds(),
                        m.othersCores(),
                        m.checksum())
                    : m)
        .toList();
  }

  @Test
  void shouldFitFixedAndMarginalThroughTheMediansWhenOneRunIsSlow() {
    // given
    List<Measurement> ms = linear(TRIVIAL, GOOD, 100L << 20);
    // when
    Report report = Report.of(META, List.of(TRIVIAL), ms);
    // then
    Report.Row flyte = report.tables().get(0).row(Variant.FLYTE_BEAM_SPARK).orElseThrow();
    assertThat(flyte.fixedSeconds()).isCloseTo(4.5, within(1e-9));
    assertThat(flyte.marginalMicros()).isCloseTo(1.0, within(1e-9));
    assertThat(flyte.smallSeconds()).isCloseTo(4.5 + 1e-4, within(1e-9));
    assertThat(flyte.fixedCpuSeconds()).isCloseTo(9.0, within(1e-9));
    assertThat(flyte.marginalCpuMicros()).isCloseTo(2.0, within(1e-9));
    assertThat(flyte.spread()).isCloseTo(2.0, within(1e-9));
    assertThat(flyte.othersCores()).isCloseTo(0.3, within(1e-9));
    assertThat(flyte.fixedVsRdd())
        .hasValueSatisfying(r -> assertThat(r).isCloseTo(4.5 / 5, within(1e-9)));
    assertThat(flyte.marginalVsPlainBeam())
        .hasValueSatisfying(r -> assertThat(r).isCloseTo(1.0 / 7, within(1e-9)));
    assertThat(report.tables().get(0).row(Variant.SPARK_RDD).orElseThrow().fixedVsRdd()).isEmpty();
    assertThat(report.tables().get(0).row(Variant.RAW_STREAM).orElseThrow().fixedVsPlainBeam())
        .isEmpty();
    assertThat(report.tables().get(0).rows())
        .extracting(Report.Row::variant)
        .containsExactly(Variant.values());
  }

  @Test
  void shouldPassEveryBudgetWhenFlyteBeamIsWithinThem() {
    // given: flyte-beam under the RDD's whole process and RSS at 1k; on the CPU-bound map its
    // marginal cost 1.05x and 1.04x the raw stream's (efficiency 0.95x and 0.96x)
    List<Measurement> ms =
        new ArrayList<>(flyteBeamRss(linear(TRIVIAL, GOOD, 100L << 20), 90L << 20));
    ms.addAll(
        linear(
            CPU,
            costs(3, 1.05e-3, 4, 1.04e-3, 3, 1e-3, 3, 1e-3, 4, 1e-3, 4, 1e-3, 0.1, 1e-3),
            1L << 20));

    // when
    Report report = Report.of(META, List.of(TRIVIAL, CPU), ms);

    // then: 2 x (whole process, RSS) against the RDD, Spark's fixed cost, 2 x CPU efficiency,
    // 2 x (1M <= 12x 100k)
    assertThat(report.budgets()).hasSize(9);
    assertThat(report.budgets()).extracting(Report.Budget::verdict).containsOnly("PASS");
    assertThat(report.budgets())
        .filteredOn(b -> b.line().startsWith("DirectRunner, trivial N=1k: flyte-beam whole"))
        .extracting(Report.Budget::measured)
        .containsExactly("3.00 s vs 5.00 s (0.60x)");
    assertThat(report.budgets())
        .filteredOn(b -> b.line().startsWith("SparkRunner local[2], trivial N=1k: flyte-beam peak"))
        .extracting(Report.Budget::measured)
        .containsExactly("90 MiB vs 100 MiB (0.90x)");
    assertThat(report.budgets())
        .filteredOn(b -> b.line().startsWith("CPU-bound, DirectRunner"))
        .extracting(Report.Budget::measured)
        .containsExactly("1050 vs 1000 us/element (1.05x; efficiency 0.95x of the raw stream's)");
  }

  @Test
  void shouldMissTheBudgetsWhenFlyteBeamIsOverThem() {
    // given: flyte-beam over the RDD's whole process and RSS; CPU-bound 1.2x and 1.1x the raw
    // stream's marginal cost (efficiency 0.83x and 0.91x)
    List<Measurement> ms =
        new ArrayList<>(flyteBeamRss(linear(TRIVIAL, BAD, 1_000_000_000L), 2_000_000_000L));
    ms.addAll(
        linear(
            CPU,
            costs(3, 1.2e-3, 4, 1.1e-3, 3, 1e-3, 3, 1e-3, 4, 1e-3, 4, 1e-3, 0.1, 1e-3),
            1L << 20));

    // when
    Report report = Report.of(META, List.of(TRIVIAL, CPU), ms);

    // then
    assertThat(report.budgets())
        .filteredOn(b -> b.verdict().equals("MISS"))
        .extracting(Report.Budget::line)
        .containsExactlyInAnyOrder(
            "DirectRunner, trivial N=1k: flyte-beam whole process <= 1.0x the collecting Spark"
                + " RDD's (spark-rdd)",
            "DirectRunner, trivial N=1k: flyte-beam peak RSS <= the collecting Spark RDD's"
                + " (spark-rdd)",
            "SparkRunner local[2], trivial N=1k: flyte-beam whole process <= 1.0x the collecting"
                + " Spark RDD's (spark-rdd)",
            "SparkRunner local[2], trivial N=1k: flyte-beam peak RSS <= the collecting Spark RDD's"
                + " (spark-rdd)",
            "SparkRunner local[2], trivial: flyte-beam fixed <= plain Beam's on Spark + 1 s",
            "CPU-bound, DirectRunner: flyte-beam parallel efficiency >= 0.95x the raw parallel"
                + " stream's (marginal <= the raw stream's / 0.95)",
            "CPU-bound, SparkRunner local[2]: flyte-beam parallel efficiency >= 0.95x the raw"
                + " parallel stream's (marginal <= the raw stream's / 0.95)");
    assertThat(report.budgets())
        .filteredOn(
            b -> b.line().startsWith("SparkRunner local[2], trivial N=1k: flyte-beam whole"))
        .extracting(Report.Budget::measured)
        .containsExactly("6.00 s vs 5.00 s (1.20x)");
    assertThat(report.budgets())
        .filteredOn(b -> b.line().startsWith("DirectRunner, trivial N=1k: flyte-beam peak"))
        .extracting(Report.Budget::measured)
        .containsExactly("1907 MiB vs 954 MiB (2.00x)");
    assertThat(report.markdown()).contains("| 1200 vs 1000 us/element (1.20x; efficiency 0.83x");
  }

  @Test
  void shouldJudgeNothingWhenFlyteBeamsMarginalIsNotPositive() {
    // given: noise at sizes too close makes the SparkRunner's marginal cost negative
    Map<Variant, double[]> noisy =
        costs(3, 1.05e-3, 4, -1e-6, 3, 1e-3, 3, 1e-3, 4, 1e-3, 4, 1e-3, 0.1, 1e-3);

    Report report = Report.of(META, List.of(CPU), linear(CPU, noisy, 1L << 20));

    assertThat(report.budgets()).extracting(Report.Budget::verdict).containsExactly("PASS", "N/A");
  }

  @Test
  void shouldJudgeNothingWhenTheReferenceMarginalIsNotPositive() {
    Map<Variant, double[]> noisy =
        costs(3, 1.05e-3, 4, 1.04e-3, 3, 1e-3, 3, 1e-3, 4, 1e-3, 4, 1e-3, 0.1, -1e-6);

    Report report = Report.of(META, List.of(CPU), linear(CPU, noisy, 1L << 20));

    assertThat(report.budgets()).extracting(Report.Budget::verdict).containsOnly("N/A");
    assertThat(report.tables().get(0).row(Variant.FLYTE_BEAM_DIRECT).orElseThrow().marginalVsRdd())
        .isNotEmpty();
  }

  @Test
  void shouldAgreeWhenEveryVariantComputedTheSame() {
    Report report = Report.of(META, List.of(TRIVIAL), linear(TRIVIAL, GOOD, 1L << 20));

    assertThat(report.checksumsAgree()).isTrue();
    assertThat(report.markdown()).contains("Correctness: every variant's checksum agrees");
  }

  @Test
  void shouldNameBothVariantsWhenOneChecksumDiffers() {
    List<Measurement> ms = new ArrayList<>(linear(TRIVIAL, GOOD, 1L << 20));
    Measurement last = ms.remove(ms.size() - 1);
    ms.add(
        new Measurement(
            last.workload(),
            last.variant(),
            last.n(),
            last.run(),
            1.0,
            1,
            1.0,
            0.0,
            new Checksum(last.n(), 12345, 0)));

    Report report = Report.of(META, List.of(TRIVIAL), ms);

    assertThat(report.checksumsAgree()).isFalse();
    assertThat(report.checksumProblems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(
            "square N=1000",
            "raw-stream run 3",
            "sum=12345",
            "flyte-beam-direct run 1",
            "sum=7000");
    assertThat(report.markdown()).contains("CHECKSUMS DISAGREE");
  }

  @Test
  void shouldReportMissingOutputsWhenAVariantLostElements() {
    List<Measurement> ms =
        List.of(
            new Measurement(
                "square", Variant.RAW_STREAM, 100, 1, 0.1, 1, 0.1, 0.0, new Checksum(99, 5, 1)));

    assertThat(Report.checksumProblems(List.of(TRIVIAL), ms))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("expected 100 outputs and no failures, got count=99 sum=5 failures=1");
  }

  @Test
  void shouldWriteEveryVariantAndBudgetWhenRenderedAsJson() throws Exception {
    Report report = Report.of(META, List.of(TRIVIAL), linear(TRIVIAL, GOOD, 1L << 20));

    JsonNode json = new ObjectMapper().readTree(report.json());

    assertThat(json.get("checksumsAgree").asBoolean()).isTrue();
    assertThat(json.get("tables").get(0).get("rows")).hasSize(Variant.values().length);
    assertThat(json.get("measurements")).hasSize(Variant.values().length * 2 * 3);
    assertThat(json.get("budgets").get(0).get("result").asText()).isEqualTo("PASS");
    for (Variant v : Variant.values()) {
      assertThat(report.markdown()).contains("| " + v.id() + " |");
      assertThat(json.get("tables").get(0).get("rows").toString()).contains(v.id());
    }
  }

  @Test
  void shouldAbbreviateSizesWhenRound() {
    assertThat(Report.size(1_000_000)).isEqualTo("1M");
    assertThat(Report.size(100_000)).isEqualTo("100k");
    assertThat(Report.size(2_500)).isEqualTo("2.5k");
    assertThat(Report.size(50)).isEqualTo("50");
  }

  @Test
  void shouldReportTheBigLineAsMediansAndLargestRssWhenItRan() throws Exception {
    // given
    Checksum sum = new Checksum(20_000, 42, 0);
    List<Measurement> big =
        List.of(
            new Measurement(
                "square", Variant.FLYTE_BEAM_SPARK, 20_000, 1, 30, 300L << 20, 50, 0.1, sum),
            new Measurement(
                "square", Variant.FLYTE_BEAM_SPARK, 20_000, 2, 90, 400L << 20, 70, 0.2, sum),
            new Measurement(
                "square", Variant.FLYTE_BEAM_SPARK, 20_000, 3, 40, 350L << 20, 60, 0.3, sum));
    // when
    Report report = Report.of(META, List.of(TRIVIAL), linear(TRIVIAL, GOOD, 1L << 20), big);
    // then
    Report.Big b = report.big().orElseThrow();
    assertThat(b.wallSeconds()).isEqualTo(40);
    assertThat(b.cpuSeconds()).isEqualTo(60);
    assertThat(b.peakRssBytes()).isEqualTo(400L << 20);
    assertThat(b.runs()).isEqualTo(3);
    assertThat(report.markdown())
        .contains("whole process = driver + local executors, `-Xmx512m`")
        .contains(
            "| big: flyte-beam-spark, whole process `-Xmx512m` | 20k | 40.00 | 60.00 | 400 | 0.20 |");
    JsonNode json = new ObjectMapper().readTree(report.json()).path("big");
    assertThat(json.path("n").asInt()).isEqualTo(20_000);
    assertThat(json.path("wallSeconds").asDouble()).isEqualTo(40);
    assertThat(json.path("peakRssBytes").asLong()).isEqualTo(400L << 20);
    assertThat(json.path("heap").asText()).isEqualTo("-Xmx512m");
    assertThat(Report.of(META, List.of(TRIVIAL), linear(TRIVIAL, GOOD, 1L << 20)).big()).isEmpty();
  }

  @Test
  void shouldReportTheContainerLineAsElementsPerSecondWhenItRan() throws Exception {
    // given: 500 elements, median wall time 4 s
    Checksum sum = new Checksum(500, 249_500, 0);
    List<Measurement> container =
        List.of(
            new Measurement(
                "sh_double", Variant.FLYTE_BEAM_DIRECT, 500, 1, 5, 200L << 20, 3, 0.1, sum),
            new Measurement(
                "sh_double", Variant.FLYTE_BEAM_DIRECT, 500, 2, 4, 250L << 20, 2, 0.2, sum),
            new Measurement(
                "sh_double", Variant.FLYTE_BEAM_DIRECT, 500, 3, 2, 220L << 20, 1, 0.3, sum));

    // when
    Report report =
        Report.of(META, List.of(TRIVIAL), linear(TRIVIAL, GOOD, 1L << 20), List.of(), container);

    // then
    Report.Big c = report.container().orElseThrow();
    assertThat(c.wallSeconds()).isEqualTo(4);
    assertThat(c.peakRssBytes()).isEqualTo(250L << 20);
    assertThat(report.big()).isEmpty();
    assertThat(report.markdown())
        .contains("#### Container: `sh_double`, N = 500, one process per element")
        .contains("| container: flyte-beam-direct | 500 | 4.00 | 125.0 | 2.00 | 250 | 0.20 |");
    JsonNode json = new ObjectMapper().readTree(report.json()).path("container");
    assertThat(json.path("elementsPerSecond").asDouble()).isEqualTo(125);
    assertThat(json.path("checksum").asText()).isEqualTo(sum.toString());
    assertThat(Report.of(META, List.of(TRIVIAL), linear(TRIVIAL, GOOD, 1L << 20)).container())
        .isEmpty();
  }

  @Test
  void shouldJudgeTheContainerLineOnTheRateAfterStartUpWhenItRanAtTwoSizes() throws Exception {
    // given: flyte-beam 4 s at 500 and 10 s at 5,000 elements (4,500 more in 6 s: 750/s), xargs
    // 0.5 s and 5 s (4,500 in 4.5 s: 1,000/s): 0.75x after start-up, 0.50x whole process
    List<Measurement> flyte =
        new ArrayList<>(runs("sh_double", Variant.FLYTE_BEAM_DIRECT, 500, 4, 5, 3));
    flyte.addAll(runs("sh_double", Variant.FLYTE_BEAM_DIRECT, 5_000, 10, 11, 9));
    List<Measurement> xargs =
        new ArrayList<>(runs("sh_double_xargs", Variant.FLYTE_BEAM_DIRECT, 500, 0.5, 0.5));
    xargs.addAll(runs("sh_double_xargs", Variant.FLYTE_BEAM_DIRECT, 5_000, 5, 5));
    // and: flyte-beam slower per element, 14 s at 5,000 (4,500 in 10 s: 450/s, 0.45x)
    List<Measurement> slower =
        new ArrayList<>(runs("sh_double", Variant.FLYTE_BEAM_DIRECT, 500, 4, 4));
    slower.addAll(runs("sh_double", Variant.FLYTE_BEAM_DIRECT, 5_000, 14, 14));

    // when
    Report pass =
        Report.of(
            META,
            List.of(),
            List.of(),
            lines(flyte, xargs, List.of(), List.of(), Optional.empty()));
    Report miss =
        Report.of(
            META,
            List.of(),
            List.of(),
            lines(slower, xargs, List.of(), List.of(), Optional.empty()));

    // then
    assertThat(pass.container().orElseThrow().n()).isEqualTo(5_000);
    assertThat(pass.budgets()).hasSize(1);
    Report.Budget budget = pass.budgets().get(0);
    assertThat(budget.verdict()).isEqualTo("PASS");
    assertThat(budget.line()).contains("after start-up (N = 500 to 5k) >= 0.5x");
    assertThat(budget.measured())
        .isEqualTo(
            "750.0 vs 1000.0 elements/s (0.75x); whole process at N = 5k: 500.0 vs 1000.0 (0.50x)");
    assertThat(miss.budgets().get(0).verdict()).isEqualTo("MISS");
    assertThat(pass.markdown())
        .contains("#### Container: `sh_double`, N = 500 and 5k, one process per element")
        .contains("| container: flyte-beam-direct | 500 | 4.00 | 125.0 |")
        .contains("| container: flyte-beam-direct | 5k | 10.00 | 500.0 |")
        .contains(
            "After start-up (N = 500 to 5k): flyte-beam 750.0, xargs 1000.0 elements/s: 0.75x");
    JsonNode twin = new ObjectMapper().readTree(pass.json()).path("containerTwin");
    assertThat(twin.path("flyteBeamOverTwinRateAfterStartup").asDouble())
        .isCloseTo(0.75, within(1e-9));
    assertThat(twin.path("smaller").path("n").asInt()).isEqualTo(500);
  }

  private static Measurement workflowRun(String what, Variant runner, int run, double seconds) {
    return new Measurement(
        what, runner, 100_000, run, seconds, 300L << 20, seconds * 2, 0.1, new Checksum(1, 2, 0));
  }

  @Test
  void shouldJudgeTheWorkflowAgainstTheMapAloneOnEachRunner() throws Exception {
    // given: on the DirectRunner the workflow's median is 12 s against the map's 10 s (1.2x); on
    // Spark 14 s against 10 s (1.4x)
    List<Measurement> workflow = new ArrayList<>();
    double[] map = {10, 9, 11};
    double[] direct = {12, 13, 11};
    double[] spark = {14, 20, 13};
    for (int run = 1; run <= 3; run++) {
      workflow.add(workflowRun(Bench.WORKFLOW_MAP, Variant.FLYTE_BEAM_DIRECT, run, map[run - 1]));
      workflow.add(
          workflowRun(Bench.WORKFLOW_WHOLE, Variant.FLYTE_BEAM_DIRECT, run, direct[run - 1]));
      workflow.add(workflowRun(Bench.WORKFLOW_MAP, Variant.FLYTE_BEAM_SPARK, run, map[run - 1]));
      workflow.add(
          workflowRun(Bench.WORKFLOW_WHOLE, Variant.FLYTE_BEAM_SPARK, run, spark[run - 1]));
    }

    // when
    Report report = Report.of(META, List.of(), List.of(), List.of(), List.of(), workflow);

    // then
    assertThat(report.workflow()).hasSize(2);
    Report.WorkflowLine d = report.workflow().get(0);
    assertThat(d.runner()).isEqualTo(Variant.FLYTE_BEAM_DIRECT);
    assertThat(d.mapSeconds()).isEqualTo(10);
    assertThat(d.workflowSeconds()).isEqualTo(12);
    assertThat(d.ratio()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(report.budgets())
        .extracting(Report.Budget::line, Report.Budget::verdict)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "DirectRunner: a 5-node workflow (a map of 100k between task nodes) <= 1.3x the"
                    + " map alone, whole process",
                "PASS"),
            org.assertj.core.groups.Tuple.tuple(
                "SparkRunner local[2]: a 5-node workflow (a map of 100k between task nodes) <="
                    + " 1.3x the map alone, whole process",
                "MISS"));
    assertThat(report.budgets().get(0).measured()).isEqualTo("12.00 s vs 10.00 s (1.20x)");
    assertThat(report.markdown())
        .contains("#### Workflow: 5 nodes around a map of 100k, against the map alone")
        .contains(
            "| flyte-beam-direct | 100k | 10.00 | 12.00 | 1.20x | 20.00 | 24.00 | 300 | 300 |")
        .contains("| flyte-beam-spark | 100k | 10.00 | 14.00 | 1.40x |")
        .doesNotContain("CHECKSUMS DISAGREE");
    JsonNode json = new ObjectMapper().readTree(report.json()).path("workflow");
    assertThat(json.path(1).path("runner").asText()).isEqualTo("flyte-beam-spark");
    assertThat(json.path(1).path("ratio").asDouble()).isCloseTo(1.4, within(1e-9));
    assertThat(Report.of(META, List.of(TRIVIAL), linear(TRIVIAL, GOOD, 1L << 20)).workflow())
        .isEmpty();
  }

  @Test
  void shouldJudgeTheLaunchPlanMapAgainstItsThreeChainedMapsOnEachRunner() throws Exception {
    // given: DirectRunner 14 s against the three maps' 10 s (1.4x); Spark 16 s against 10 s (1.6x)
    List<Measurement> runs = new ArrayList<>();
    double[] maps = {10, 9, 11};
    double[] direct = {14, 15, 13};
    double[] spark = {16, 20, 15};
    for (int run = 1; run <= 3; run++) {
      runs.add(
          workflowRun(WorkflowMapLine.THREE_MAPS, Variant.FLYTE_BEAM_DIRECT, run, maps[run - 1]));
      runs.add(
          workflowRun(
              WorkflowMapLine.LAUNCH_PLAN_MAP, Variant.FLYTE_BEAM_DIRECT, run, direct[run - 1]));
      runs.add(
          workflowRun(WorkflowMapLine.THREE_MAPS, Variant.FLYTE_BEAM_SPARK, run, maps[run - 1]));
      runs.add(
          workflowRun(
              WorkflowMapLine.LAUNCH_PLAN_MAP, Variant.FLYTE_BEAM_SPARK, run, spark[run - 1]));
    }

    // when
    Report report = Report.of(META, List.of(), List.of(), List.of(), List.of(), List.of(), runs);

    // then
    assertThat(report.workflow()).isEmpty();
    assertThat(report.workflowMap()).hasSize(2);
    assertThat(report.workflowMap().get(0).mapSeconds()).isEqualTo(10);
    assertThat(report.workflowMap().get(0).workflowSeconds()).isEqualTo(14);
    assertThat(report.budgets())
        .extracting(Report.Budget::line, Report.Budget::verdict)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "DirectRunner: a map of 100k over a launch plan of 3 task nodes <= 1.5x the same"
                    + " 3 tasks as 3 chained maps, whole process",
                "PASS"),
            org.assertj.core.groups.Tuple.tuple(
                "SparkRunner local[2]: a map of 100k over a launch plan of 3 task nodes <= 1.5x"
                    + " the same 3 tasks as 3 chained maps, whole process",
                "MISS"));
    assertThat(report.budgets().get(1).measured()).isEqualTo("16.00 s vs 10.00 s (1.60x)");
    assertThat(report.markdown())
        .contains("#### Workflow map: a map of 100k over a launch plan of 3 task nodes")
        .contains("| flyte-beam-direct | 100k | 10.00 | 14.00 | 1.40x |");
    JsonNode json = new ObjectMapper().readTree(report.json()).path("workflowMap");
    assertThat(json.path(1).path("ratio").asDouble()).isCloseTo(1.6, within(1e-9));
    assertThat(json.path(0).path("budget").asDouble()).isEqualTo(1.5);
  }

  private static List<Measurement> runs(String workload, Variant v, int n, double... seconds) {
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < seconds.length; i++) {
      out.add(
          new Measurement(
              workload,
              v,
              n,
              i + 1,
              seconds[i],
              (200L + i) << 20,
              seconds[i] * 2,
              0.25,
              new Checksum(n, 0, 0)));
    }
    return out;
  }

  private static Report.Lines lines(
      List<Measurement> container,
      List<Measurement> containerTwin,
      List<Measurement> quickstart,
      List<Measurement> quickstartTwin,
      java.util.Optional<Report.JavaApi> javaApi) {
    return new Report.Lines(
        List.of(),
        container,
        containerTwin,
        List.of(),
        List.of(),
        quickstart,
        quickstartTwin,
        javaApi);
  }

  @Test
  void shouldJudgeTheQuickStartAgainstPlainBeamOnWallAndCpu() throws Exception {
    // given: the quick start's median 2 s (CPU 4 s) against plain Beam's 5 s (CPU 10 s): 0.40x
    List<Measurement> quick =
        runs(Bench.QUICKSTART_WORKLOAD, Variant.FLYTE_BEAM_DIRECT, 2, 2, 3, 1);
    List<Measurement> plain = runs(Bench.QUICKSTART_TWIN_WORKLOAD, Variant.BEAM_DIRECT, 2, 5, 6, 4);

    // when
    Report pass =
        Report.of(
            META,
            List.of(),
            List.of(),
            lines(List.of(), List.of(), quick, plain, Optional.empty()));
    // and: the quick start at 3 s (0.60x) against the same plain Beam
    Report miss =
        Report.of(
            META,
            List.of(),
            List.of(),
            lines(
                List.of(),
                List.of(),
                runs(Bench.QUICKSTART_WORKLOAD, Variant.FLYTE_BEAM_DIRECT, 2, 3, 3, 3),
                plain,
                Optional.empty()));

    // then
    assertThat(pass.budgets())
        .extracting(Report.Budget::line, Report.Budget::measured, Report.Budget::verdict)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "Quick start (./flyte-beam, 2 elements): wall <= 0.5x plain Beam's DirectRunner"
                    + " over 2 elements",
                "2.00 s vs 5.00 s (0.40x)",
                "PASS"),
            org.assertj.core.groups.Tuple.tuple(
                "Quick start (./flyte-beam, 2 elements): CPU (user+system) <= 0.5x plain Beam's"
                    + " DirectRunner over 2 elements",
                "4.00 CPU s vs 10.00 CPU s (0.40x)",
                "PASS"));
    assertThat(miss.budgets()).extracting(Report.Budget::verdict).containsExactly("MISS", "MISS");
    assertThat(miss.budgets().get(0).measured()).isEqualTo("3.00 s vs 5.00 s (0.60x)");
    assertThat(pass.markdown())
        .contains("#### Quick start: the README's first command against plain Beam, 2 elements")
        .contains("| quick start: ./flyte-beam | 2 | 2.00 | 4.00 | 202 | 0.25 |")
        .contains("| twin: plain Beam DirectRunner | 2 | 5.00 | 10.00 | 202 | 0.25 |")
        .contains("Quick start / plain Beam: wall 0.40x, CPU 0.40x");
    JsonNode json = new ObjectMapper().readTree(pass.json()).path("quickstart");
    assertThat(json.path("wallRatio").asDouble()).isCloseTo(0.4, within(1e-9));
    assertThat(json.path("cpuRatio").asDouble()).isCloseTo(0.4, within(1e-9));
    assertThat(json.path("plainBeamDirect").path("wallSeconds").asDouble()).isEqualTo(5);
    assertThat(json.path("quickstart").path("othersCores").asDouble()).isEqualTo(0.25);
    assertThat(pass.quickstart()).isPresent();
    assertThat(Report.of(META, List.of(), List.of()).quickstart()).isEmpty();
  }

  @Test
  void shouldJudgeTheContainerLineAgainstItsXargsTwinByElementsPerSecond() throws Exception {
    // given: 500 elements; flyte-beam's median 4 s (125/s), xargs's 1.6 s (312.5/s): 0.40x
    List<Measurement> flyte = runs("sh_double", Variant.FLYTE_BEAM_DIRECT, 500, 4, 5, 3);
    List<Measurement> xargs =
        runs(Bench.CONTAINER_TWIN_WORKLOAD, Variant.FLYTE_BEAM_DIRECT, 500, 1.6, 1.5, 2);

    // when
    Report miss =
        Report.of(
            META,
            List.of(),
            List.of(),
            lines(flyte, xargs, List.of(), List.of(), Optional.empty()));
    // and: flyte-beam at 3 s (166.7/s): 0.53x
    Report pass =
        Report.of(
            META,
            List.of(),
            List.of(),
            lines(
                runs("sh_double", Variant.FLYTE_BEAM_DIRECT, 500, 3),
                xargs,
                List.of(),
                List.of(),
                Optional.empty()));

    // then
    assertThat(miss.budgets())
        .extracting(Report.Budget::line, Report.Budget::measured, Report.Budget::verdict)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "Container (raw sh task, 500 elements, DirectRunner): elements/s >= 0.5x the same"
                    + " sh -c invocations through xargs -P <cores>",
                "125.0 vs 312.5 elements/s (0.40x)",
                "MISS"));
    assertThat(pass.budgets()).extracting(Report.Budget::verdict).containsExactly("PASS");
    assertThat(pass.budgets().get(0).measured()).isEqualTo("166.7 vs 312.5 elements/s (0.53x)");
    assertThat(miss.markdown())
        .contains("| container: flyte-beam-direct | 500 | 4.00 | 125.0 | 8.00 | 202 | 0.25 |")
        .contains(" sh -c | 500 | 1.60 | 312.5 | 3.20 | 202 | 0.25 |")
        .contains("flyte-beam / xargs, elements per second, whole process at N = 500: 0.40x");
    JsonNode json = new ObjectMapper().readTree(miss.json());
    assertThat(json.path("containerTwin").path("elementsPerSecond").asDouble()).isEqualTo(312.5);
    assertThat(json.path("containerTwin").path("flyteBeamOverTwinRate").asDouble())
        .isCloseTo(0.4, within(1e-9));
    assertThat(json.path("container").path("elementsPerSecond").asDouble()).isEqualTo(125);
    // Without its twin the container line has no budget line, as before.
    assertThat(Report.of(META, List.of(), List.of(), List.of(), flyte).budgets()).isEmpty();
  }

  @Test
  void shouldJudgeTheJavaApiMedianAgainstItsAbsoluteBudget() throws Exception {
    // given: three JVMs whose medians of calls 6..25 are 250, 280 and 400 ms: median 280 ms
    Report.Big process =
        new Report.Big("java_api", 2, 3, 12.5, 20, 300L << 20, 0.5, new Checksum(25, 0, 0));
    Report.JavaApi good = new Report.JavaApi(2, 25, 6, List.of(250.0, 400.0, 280.0), process);
    Report.JavaApi bad = new Report.JavaApi(2, 25, 6, List.of(310.0, 1290.0), process);

    // when
    Report pass =
        Report.of(
            META,
            List.of(),
            List.of(),
            lines(List.of(), List.of(), List.of(), List.of(), Optional.of(good)));
    Report miss =
        Report.of(
            META,
            List.of(),
            List.of(),
            lines(List.of(), List.of(), List.of(), List.of(), Optional.of(bad)));

    // then
    assertThat(pass.budgets())
        .extracting(Report.Budget::line, Report.Budget::measured, Report.Budget::verdict)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "Java API (FlyteBeam.run in a warm JVM, 2 elements): median of calls 6..25 <= 300"
                    + " ms",
                "280.0 ms vs 300 ms (0.93x)",
                "PASS"));
    assertThat(miss.budgets()).extracting(Report.Budget::verdict).containsExactly("MISS");
    assertThat(miss.budgets().get(0).measured()).isEqualTo("800.0 ms vs 300 ms (2.67x)");
    assertThat(pass.markdown())
        .contains("#### Java API: `FlyteBeam.run` in a warm JVM, 2 elements")
        .contains("| java-api: FlyteBeam.run | 280.0 | 300 | 0.93x | 12.50 | 20.00 | 300 | 0.50 |");
    JsonNode json = new ObjectMapper().readTree(pass.json()).path("javaApi");
    assertThat(json.path("medianMillis").asDouble()).isEqualTo(280);
    assertThat(json.path("runMediansMillis")).hasSize(3);
    assertThat(json.path("process").path("othersCores").asDouble()).isEqualTo(0.5);
  }
}

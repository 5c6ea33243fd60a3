package org.flytebeam.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
      costs(3, 2e-6, 4.5, 1e-6, 3, 25e-6, 3, 12e-6, 4, 7e-6, 4, 1e-6, 0.1, 0.5e-6);
  private static final Map<Variant, double[]> BAD =
      costs(3, 20e-6, 6, 2e-6, 3, 25e-6, 3, 12e-6, 4, 7e-6, 4, 1e-6, 0.1, 0.5e-6);

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
        .hasValueSatisfying(r -> assertThat(r).isCloseTo(4.5 / 4, within(1e-9)));
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
    List<Measurement> ms = new ArrayList<>(linear(TRIVIAL, GOOD, 100L << 20));
    ms.addAll(
        linear(
            CPU,
            costs(3, 1.05e-3, 4, 1.1e-3, 3, 1e-3, 3, 1e-3, 4, 1e-3, 4, 1e-3, 0.1, 1e-3),
            1L << 20));

    Report report = Report.of(META, List.of(TRIVIAL, CPU), ms);

    assertThat(report.budgets()).hasSize(8);
    assertThat(report.budgets()).extracting(Report.Budget::verdict).containsOnly("PASS");
  }

  @Test
  void shouldMissTheBudgetsWhenFlyteBeamIsOverThem() {
    List<Measurement> ms = new ArrayList<>(linear(TRIVIAL, BAD, 2_000_000_000L));
    ms.addAll(
        linear(
            CPU,
            costs(3, 1.2e-3, 4, 1.1e-3, 3, 1e-3, 3, 1e-3, 4, 1e-3, 4, 1e-3, 0.1, 1e-3),
            1L << 20));

    Report report = Report.of(META, List.of(TRIVIAL, CPU), ms);

    assertThat(report.budgets())
        .filteredOn(b -> b.verdict().equals("MISS"))
        .extracting(Report.Budget::line)
        .containsExactlyInAnyOrder(
            "SparkRunner local[2], trivial: flyte-beam marginal <= 1.5x the Spark RDD's",
            "SparkRunner local[2], trivial: flyte-beam fixed <= plain Beam's on Spark + 1 s",
            "DirectRunner default, trivial: flyte-beam marginal <= 1/2 plain Beam's on the"
                + " DirectRunner with defaults",
            "DirectRunner default, trivial: flyte-beam peak RSS < 1.5 GB at N=1,000",
            "CPU-bound, DirectRunner: flyte-beam marginal <= 1.11x the raw parallel stream's");
  }

  @Test
  void shouldJudgeNothingWhenTheReferenceMarginalIsNotPositive() {
    Map<Variant, double[]> noisy = new EnumMap<>(GOOD);
    noisy.put(Variant.SPARK_RDD, new double[] {4, -1e-6});

    Report report = Report.of(META, List.of(TRIVIAL), linear(TRIVIAL, noisy, 1L << 20));

    assertThat(report.budgets().get(0).verdict()).isEqualTo("N/A");
    assertThat(report.tables().get(0).row(Variant.FLYTE_BEAM_DIRECT).orElseThrow().marginalVsRdd())
        .isEmpty();
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
}

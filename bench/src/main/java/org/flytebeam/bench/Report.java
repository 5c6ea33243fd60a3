package org.flytebeam.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.flytebeam.bench.variants.BenchFunction;

/**
 * The results of one benchmark run: per workload and variant, the median whole-process seconds at
 * both sizes, the fixed cost (intercept) and marginal cost per element (slope) between them, peak
 * RSS, ratios to the Spark RDD and to plain Beam on the same runner; the budget lines; the
 * correctness check. Renders as Markdown and JSON.
 */
public final class Report {
  /**
   * Issue 19's per-element budget: on the trivial map's larger size, flyte-beam's whole process at
   * most this many times the collecting Spark RDD's.
   */
  static final double RDD_WALL_BUDGET = 1.0;

  /**
   * Issue 19's CPU-bound budget: flyte-beam's parallel efficiency at least this fraction of the raw
   * parallel stream's, i.e. its marginal cost per element at most the raw stream's divided by it.
   */
  static final double EFFICIENCY_BUDGET = 0.95;

  /** The quick start's wall and CPU seconds may each be at most this many times plain Beam's. */
  static final double QUICKSTART_BUDGET = 0.5;

  /** flyte-beam's container elements per second must be at least this many times xargs's. */
  static final double CONTAINER_BUDGET = 0.5;

  /** The Java API's warm median call, absolute: issue 19's budget. */
  static final double JAVA_API_BUDGET_MILLIS = 300;

  /**
   * About the run.
   *
   * @param date when it started, ISO-8601 UTC
   * @param machine cores, memory, CPU, OS, JVM
   * @param runs runs per variant and size
   * @param quick smoke sizes: the numbers mean nothing
   * @param rssMethod how peak RSS was measured
   * @param burnMillisPerElement burn_cpu's CPU time per element, single thread, in the harness
   * @param loadAverage the 1-minute load average at start and at end
   */
  public record Meta(
      String date,
      String machine,
      int runs,
      boolean quick,
      String rssMethod,
      double burnMillisPerElement,
      String loadAverage) {
    public Meta {
      requireNonNull(date, "date");
      requireNonNull(machine, "machine");
      requireNonNull(rssMethod, "rssMethod");
      requireNonNull(loadAverage, "loadAverage");
    }
  }

  /**
   * One variant at both sizes of one workload. Ratios are empty where there is nothing to compare
   * with, or the reference is not positive.
   *
   * @param spread the largest (max - min) / median of the runs' wall seconds, at either size
   * @param othersCores the median of the cores the rest of the machine kept busy during the runs
   */
  public record Row(
      Variant variant,
      double smallSeconds,
      double largeSeconds,
      double fixedSeconds,
      double marginalMicros,
      double fixedCpuSeconds,
      double marginalCpuMicros,
      long smallPeakRss,
      long largePeakRss,
      double largeOverSmall,
      double spread,
      double othersCores,
      Optional<Double> fixedVsRdd,
      Optional<Double> marginalVsRdd,
      Optional<Double> fixedVsPlainBeam,
      Optional<Double> marginalVsPlainBeam) {}

  /** A workload's rows, in {@link Variant} order. */
  public record Table(Workload workload, List<Row> rows) {
    public Optional<Row> row(Variant variant) {
      return rows.stream().filter(r -> r.variant() == variant).findFirst();
    }
  }

  /**
   * A budget line and whether it holds: empty when it cannot be judged (a reference cost that is
   * not positive, which only noise at sizes too small can produce).
   */
  public record Budget(String line, String measured, Optional<Boolean> pass) {
    public String verdict() {
      return pass.map(p -> p ? "PASS" : "MISS").orElse("N/A");
    }
  }

  /**
   * A ratio budget: {@code x <= factor * reference}, judged only when both are positive (a cost
   * that is not, such as a negative marginal cost between two sizes too close, is only noise).
   */
  private static Budget atMost(
      String line, String measured, double x, double factor, double reference) {
    return new Budget(
        line,
        measured,
        reference > 0 && x > 0 ? Optional.of(x <= factor * reference) : Optional.empty());
  }

  private static Budget holds(String line, String measured, boolean pass) {
    return new Budget(line, measured, Optional.of(pass));
  }

  /**
   * The big line: the flyte-beam CLI on Spark {@code local[2]} over JSON Lines inputs with {@code
   * --outputs-dir}, under {@link Bench#BIG_HEAP}, which bounds the whole process (the driver and
   * its local executors share the JVM).
   *
   * @param workload the function's name
   * @param n the number of elements
   * @param runs how many runs the medians are of
   * @param wallSeconds the median wall seconds
   * @param cpuSeconds the median user + system CPU seconds
   * @param peakRssBytes the largest peak RSS of the runs
   * @param othersCores the median of the cores the rest of the machine kept busy (NaN: unknown)
   * @param checksum what every run's shards hold, equal to the function's own
   */
  public record Big(
      String workload,
      int n,
      int runs,
      double wallSeconds,
      double cpuSeconds,
      long peakRssBytes,
      double othersCores,
      Checksum checksum) {
    /** Elements per second of the whole process (median wall time). */
    public double elementsPerSecond() {
      return n / wallSeconds;
    }
  }

  /**
   * Elements per second after start-up, flyte-beam's and its twin's: the elements the larger size
   * adds over the time it adds (medians); NaN when the larger took no longer.
   */
  record AfterStartup(double flyteBeam, double twin) {
    double ratio() {
      return flyteBeam / twin;
    }
  }

  /**
   * The workflow line on one runner: {@link Bench#WORKFLOW_DEFINITION}'s five nodes in one process
   * against the map of its middle node alone, the same {@code n} elements, the same runner.
   *
   * @param runner the flyte-beam variant whose runner both ran on
   * @param n the number of elements the map maps
   * @param runs how many runs each median is of
   * @param mapSeconds the map alone's median wall seconds, whole process
   * @param workflowSeconds the workflow's median wall seconds, whole process
   * @param mapCpuSeconds the map alone's median CPU seconds
   * @param workflowCpuSeconds the workflow's median CPU seconds
   * @param mapPeakRss the map alone's largest peak RSS
   * @param workflowPeakRss the workflow's largest peak RSS
   * @param othersCores the median of the cores the rest of the machine kept busy (NaN: unknown)
   */
  public record WorkflowLine(
      Variant runner,
      int n,
      int runs,
      double mapSeconds,
      double workflowSeconds,
      double mapCpuSeconds,
      double workflowCpuSeconds,
      long mapPeakRss,
      long workflowPeakRss,
      double othersCores) {
    /** The workflow's whole process over the map alone's. */
    public double ratio() {
      return workflowSeconds / mapSeconds;
    }
  }

  /**
   * The Java-API line: one JVM calling {@code FlyteBeam.run} for a map of {@code n} elements {@code
   * calls} times, its figure the median of calls {@code firstCounted} to {@code calls}, in
   * milliseconds; the whole JVM measured as a process too.
   *
   * @param n the map's elements per call
   * @param calls calls per JVM
   * @param firstCounted the first call (from 1) that the median counts; those before warm up
   * @param runMedians each JVM's printed median, ms
   * @param process the JVMs' medians as whole processes
   */
  public record JavaApi(int n, int calls, int firstCounted, List<Double> runMedians, Big process) {
    public JavaApi {
      runMedians = List.copyOf(runMedians);
      requireNonNull(process, "process");
    }

    /** The median of the runs' medians, ms. */
    public double medianMillis() {
      double[] xs = runMedians.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      if (xs.length == 0) {
        return Double.NaN;
      }
      int mid = xs.length / 2;
      return xs.length % 2 == 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
    }

    /** The median over the budget. */
    public double ratio() {
      return medianMillis() / JAVA_API_BUDGET_MILLIS;
    }
  }

  /**
   * The runs of the lines beside the variants' tables; an empty list (or an empty {@code javaApi})
   * is a line that did not run.
   *
   * @param big the big line's runs
   * @param container the container line's flyte-beam runs
   * @param containerTwin its twin's runs: the same {@code sh -c} invocations through {@code xargs
   *     -P <cores>}
   * @param workflow the workflow line's runs
   * @param workflowMap the workflow-map line's runs
   * @param quickstart the quick start's runs, the launcher as the README runs it
   * @param quickstartTwin its twin's runs: plain Beam's DirectRunner over as many elements
   * @param javaApi the Java-API line
   */
  public record Lines(
      List<Measurement> big,
      List<Measurement> container,
      List<Measurement> containerTwin,
      List<Measurement> workflow,
      List<Measurement> workflowMap,
      List<Measurement> quickstart,
      List<Measurement> quickstartTwin,
      Optional<JavaApi> javaApi) {
    public Lines {
      big = List.copyOf(big);
      container = List.copyOf(container);
      containerTwin = List.copyOf(containerTwin);
      workflow = List.copyOf(workflow);
      workflowMap = List.copyOf(workflowMap);
      quickstart = List.copyOf(quickstart);
      quickstartTwin = List.copyOf(quickstartTwin);
      requireNonNull(javaApi, "javaApi");
    }

    /** No line but the variants' tables. */
    public static Lines none() {
      return new Lines(
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          Optional.empty());
    }
  }

  private final Meta meta;
  private final List<Table> tables;
  private final Optional<Big> big;
  // The container line at its larger size, and at its smaller one when it ran at two.
  private final Optional<Big> container;
  private final Optional<Big> containerTwin;
  private final Optional<Big> containerSmall;
  private final Optional<Big> containerTwinSmall;
  // Present when both ran at two sizes.
  private final Optional<AfterStartup> containerAfterStartup;
  private final Optional<Big> quickstart;
  private final Optional<Big> quickstartTwin;
  private final Optional<JavaApi> javaApi;
  private final List<WorkflowLine> workflow;
  // The workflow-map line: "map" the three chained maps, "workflow" the map over the launch plan.
  private final List<WorkflowLine> workflowMap;
  private final List<Budget> budgets;
  private final List<Measurement> measurements;
  private final List<String> checksumProblems;

  private Report(Meta meta, List<Workload> workloads, List<Measurement> measurements, Lines lines) {
    this.meta = requireNonNull(meta, "meta");
    this.big = big(lines.big());
    this.container = big(atSize(lines.container(), true));
    this.containerTwin = big(atSize(lines.containerTwin(), true));
    this.containerSmall = smaller(lines.container());
    this.containerTwinSmall = smaller(lines.containerTwin());
    this.containerAfterStartup = afterStartup();
    this.quickstart = big(lines.quickstart());
    this.quickstartTwin = big(lines.quickstartTwin());
    this.javaApi = lines.javaApi();
    this.workflow = workflowLines(lines.workflow());
    this.workflowMap =
        workflowLines(
            lines.workflowMap(), WorkflowMapLine.THREE_MAPS, WorkflowMapLine.LAUNCH_PLAN_MAP);
    this.measurements = List.copyOf(measurements);
    this.checksumProblems = checksumProblems(workloads, measurements);
    List<Table> t = new ArrayList<>();
    for (Workload w : workloads) {
      t.add(table(w, measurements));
    }
    this.tables = List.copyOf(t);
    this.budgets = computeBudgets();
  }

  /** The report of {@code measurements}, which should cover every variant at both sizes. */
  public static Report of(Meta meta, List<Workload> workloads, List<Measurement> measurements) {
    return new Report(meta, workloads, measurements, Lines.none());
  }

  /** As {@link #of(Meta, List, List)}, with the big line's runs (empty: no big line). */
  public static Report of(
      Meta meta, List<Workload> workloads, List<Measurement> measurements, List<Measurement> big) {
    return of(meta, workloads, measurements, big, List.of(), List.of(), List.of());
  }

  /**
   * As {@link #of(Meta, List, List, List)}, with the container line's runs (empty: no container
   * line).
   */
  public static Report of(
      Meta meta,
      List<Workload> workloads,
      List<Measurement> measurements,
      List<Measurement> big,
      List<Measurement> container) {
    return of(meta, workloads, measurements, big, container, List.of(), List.of());
  }

  /**
   * As {@link #of(Meta, List, List, List, List)}, with the workflow line's runs (empty: no workflow
   * line): measurements of workload {@link Bench#WORKFLOW_MAP} (the map alone) and {@link
   * Bench#WORKFLOW_WHOLE} (the workflow), on one or more flyte-beam variants.
   */
  public static Report of(
      Meta meta,
      List<Workload> workloads,
      List<Measurement> measurements,
      List<Measurement> big,
      List<Measurement> container,
      List<Measurement> workflow) {
    return of(meta, workloads, measurements, big, container, workflow, List.of());
  }

  /**
   * As {@link #of(Meta, List, List, List, List, List)}, with the workflow-map line's runs (empty:
   * no such line): workloads {@link WorkflowMapLine#THREE_MAPS} and {@link
   * WorkflowMapLine#LAUNCH_PLAN_MAP} on one or more flyte-beam variants.
   */
  public static Report of(
      Meta meta,
      List<Workload> workloads,
      List<Measurement> measurements,
      List<Measurement> big,
      List<Measurement> container,
      List<Measurement> workflow,
      List<Measurement> workflowMap) {
    return new Report(
        meta,
        workloads,
        measurements,
        new Lines(
            big,
            container,
            List.of(),
            workflow,
            workflowMap,
            List.of(),
            List.of(),
            Optional.empty()));
  }

  /** Every line's runs. */
  public static Report of(
      Meta meta, List<Workload> workloads, List<Measurement> measurements, Lines lines) {
    return new Report(meta, workloads, measurements, lines);
  }

  /**
   * The workflow-map line, one per runner it ran on, when it ran: its {@code mapSeconds} are the
   * three chained maps', its {@code workflowSeconds} the map over the launch plan's.
   */
  public List<WorkflowLine> workflowMap() {
    return workflowMap;
  }

  /** The workflow line, one per runner it ran on, when it ran. */
  public List<WorkflowLine> workflow() {
    return workflow;
  }

  private static List<WorkflowLine> workflowLines(List<Measurement> runs) {
    return workflowLines(runs, Bench.WORKFLOW_MAP, Bench.WORKFLOW_WHOLE);
  }

  private static List<WorkflowLine> workflowLines(
      List<Measurement> runs, String mapWorkload, String wholeWorkload) {
    List<WorkflowLine> out = new ArrayList<>();
    for (Variant runner : Variant.values()) {
      List<Measurement> map =
          runs.stream()
              .filter(m -> m.variant() == runner && m.workload().equals(mapWorkload))
              .toList();
      List<Measurement> whole =
          runs.stream()
              .filter(m -> m.variant() == runner && m.workload().equals(wholeWorkload))
              .toList();
      if (map.isEmpty() || whole.isEmpty()) {
        continue;
      }
      List<Measurement> both = new ArrayList<>(map);
      both.addAll(whole);
      out.add(
          new WorkflowLine(
              runner,
              whole.get(0).n(),
              Math.min(map.size(), whole.size()),
              median(map, Measurement::wallSeconds),
              median(whole, Measurement::wallSeconds),
              median(map, Measurement::cpuSeconds),
              median(whole, Measurement::cpuSeconds),
              maxRss(map),
              maxRss(whole),
              median(
                  both.stream().filter(m -> !Double.isNaN(m.othersCores())).toList(),
                  Measurement::othersCores)));
    }
    return List.copyOf(out);
  }

  /** The big line, when it ran. */
  public Optional<Big> big() {
    return big;
  }

  /**
   * The container line, when it ran: the flyte-beam CLI on the DirectRunner mapping a raw container
   * task, one process per element (its figures in a {@link Big}: the same medians).
   */
  public Optional<Big> container() {
    return container;
  }

  /** The container line's twin, when it ran: the same {@code sh -c} invocations through xargs. */
  public Optional<Big> containerTwin() {
    return containerTwin;
  }

  /** The quick-start line's launcher runs, when it ran. */
  public Optional<Big> quickstart() {
    return quickstart;
  }

  /** The quick-start line's twin, plain Beam's DirectRunner over as many elements. */
  public Optional<Big> quickstartTwin() {
    return quickstartTwin;
  }

  /** The Java-API line, when it ran. */
  public Optional<JavaApi> javaApi() {
    return javaApi;
  }

  /** The runs at the largest (or smallest) size among {@code runs}. */
  private static List<Measurement> atSize(List<Measurement> runs, boolean largest) {
    IntSummaryStatistics sizes = runs.stream().mapToInt(Measurement::n).summaryStatistics();
    int n = largest ? sizes.getMax() : sizes.getMin();
    return runs.stream().filter(m -> m.n() == n).toList();
  }

  /** The runs at the smaller size, when {@code runs} holds two or more sizes. */
  private static Optional<Big> smaller(List<Measurement> runs) {
    return runs.stream().mapToInt(Measurement::n).distinct().count() > 1
        ? big(atSize(runs, false))
        : Optional.empty();
  }

  /**
   * Elements per second after start-up: the elements the larger size adds over the time it adds,
   * medians; NaN when the larger took no longer.
   */
  static double marginalRate(Big small, Big large) {
    double seconds = large.wallSeconds() - small.wallSeconds();
    return seconds > 0 ? (large.n() - small.n()) / seconds : Double.NaN;
  }

  /** The container line's rates after start-up, when it and its twin ran at two sizes. */
  private Optional<AfterStartup> afterStartup() {
    if (container.isPresent()
        && containerSmall.isPresent()
        && containerTwin.isPresent()
        && containerTwinSmall.isPresent()) {
      return Optional.of(
          new AfterStartup(
              marginalRate(containerSmall.get(), container.get()),
              marginalRate(containerTwinSmall.get(), containerTwin.get())));
    }
    return Optional.empty();
  }

  private static Optional<Big> big(List<Measurement> runs) {
    if (runs.isEmpty()) {
      return Optional.empty();
    }
    Measurement first = runs.get(0);
    return Optional.of(
        new Big(
            first.workload(),
            first.n(),
            runs.size(),
            median(runs, Measurement::wallSeconds),
            median(runs, Measurement::cpuSeconds),
            maxRss(runs),
            median(
                runs.stream().filter(m -> !Double.isNaN(m.othersCores())).toList(),
                Measurement::othersCores),
            first.checksum()));
  }

  public Meta meta() {
    return meta;
  }

  public List<Table> tables() {
    return tables;
  }

  public List<Budget> budgets() {
    return budgets;
  }

  public List<Measurement> measurements() {
    return measurements;
  }

  /** Empty when every variant computed the same, complete result. */
  public List<String> checksumProblems() {
    return checksumProblems;
  }

  public boolean checksumsAgree() {
    return checksumProblems.isEmpty();
  }

  /**
   * The correctness check: at each workload and size, every variant's every run has the same
   * checksum, with {@code n} outputs and no failures.
   */
  static List<String> checksumProblems(List<Workload> workloads, List<Measurement> measurements) {
    List<String> problems = new ArrayList<>();
    for (Workload w : workloads) {
      for (int n : w.sizes()) {
        Measurement first = null;
        for (Measurement m : measurements) {
          if (!m.workload().equals(w.name()) || m.n() != n) {
            continue;
          }
          if (m.checksum().count() != n || m.checksum().failures() != 0) {
            problems.add(
                String.format(
                    "%s N=%d %s run %d: expected %d outputs and no failures, got %s",
                    w.name(), n, m.variant().id(), m.run(), n, m.checksum()));
          }
          if (first == null) {
            first = m;
          } else if (!first.checksum().equals(m.checksum())) {
            problems.add(
                String.format(
                    "%s N=%d: %s run %d computed [%s] but %s run %d computed [%s]",
                    w.name(),
                    n,
                    m.variant().id(),
                    m.run(),
                    m.checksum(),
                    first.variant().id(),
                    first.run(),
                    first.checksum()));
          }
        }
      }
    }
    return problems;
  }

  private static Table table(Workload w, List<Measurement> measurements) {
    Map<Variant, double[]> costs = new LinkedHashMap<>();
    for (Variant v : Variant.values()) {
      List<Measurement> small = select(measurements, w, v, w.small());
      List<Measurement> large = select(measurements, w, v, w.large());
      if (!small.isEmpty() && !large.isEmpty()) {
        costs.put(
            v,
            fixedAndMarginal(
                w,
                median(small, Measurement::wallSeconds),
                median(large, Measurement::wallSeconds)));
      }
    }
    double[] rdd = costs.get(Variant.SPARK_RDD);
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Variant, double[]> e : costs.entrySet()) {
      Variant v = e.getKey();
      List<Measurement> small = select(measurements, w, v, w.small());
      List<Measurement> large = select(measurements, w, v, w.large());
      List<Measurement> both = new ArrayList<>(small);
      both.addAll(large);
      double smallSeconds = median(small, Measurement::wallSeconds);
      double largeSeconds = median(large, Measurement::wallSeconds);
      double[] c = e.getValue();
      double[] cpu =
          fixedAndMarginal(
              w, median(small, Measurement::cpuSeconds), median(large, Measurement::cpuSeconds));
      double[] plain = v.plainBeamPeer().map(costs::get).orElse(null);
      boolean isRdd = v == Variant.SPARK_RDD;
      rows.add(
          new Row(
              v,
              smallSeconds,
              largeSeconds,
              c[0],
              c[1] * 1e6,
              cpu[0],
              cpu[1] * 1e6,
              maxRss(small),
              maxRss(large),
              largeSeconds / smallSeconds,
              Math.max(spread(small), spread(large)),
              median(
                  both.stream().filter(m -> !Double.isNaN(m.othersCores())).toList(),
                  Measurement::othersCores),
              isRdd || rdd == null ? Optional.empty() : ratio(c[0], rdd[0]),
              isRdd || rdd == null ? Optional.empty() : ratio(c[1], rdd[1]),
              plain == null ? Optional.empty() : ratio(c[0], plain[0]),
              plain == null ? Optional.empty() : ratio(c[1], plain[1])));
    }
    return new Table(w, List.copyOf(rows));
  }

  /** (max - min) / median of the runs' wall seconds. */
  private static double spread(List<Measurement> ms) {
    double min = ms.stream().mapToDouble(Measurement::wallSeconds).min().orElse(Double.NaN);
    double max = ms.stream().mapToDouble(Measurement::wallSeconds).max().orElse(Double.NaN);
    return (max - min) / median(ms, Measurement::wallSeconds);
  }

  /** {fixed seconds, marginal seconds per element}: the line through both sizes' medians. */
  static double[] fixedAndMarginal(Workload w, double smallSeconds, double largeSeconds) {
    double marginal = (largeSeconds - smallSeconds) / (w.large() - w.small());
    return new double[] {smallSeconds - marginal * w.small(), marginal};
  }

  static double median(List<Measurement> ms, ToDoubleFunction<Measurement> f) {
    if (ms.isEmpty()) {
      return Double.NaN;
    }
    double[] xs = ms.stream().mapToDouble(f).sorted().toArray();
    int mid = xs.length / 2;
    return xs.length % 2 == 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
  }

  private static long maxRss(List<Measurement> ms) {
    return ms.stream().mapToLong(Measurement::peakRssBytes).max().orElse(0);
  }

  private static List<Measurement> select(List<Measurement> ms, Workload w, Variant v, int n) {
    Predicate<Measurement> p = m -> m.workload().equals(w.name()) && m.variant() == v && m.n() == n;
    return ms.stream().filter(p).toList();
  }

  private static Optional<Double> ratio(double x, double reference) {
    if (Double.isNaN(x) || Double.isNaN(reference) || reference <= 0) {
      return Optional.empty();
    }
    return Optional.of(x / reference);
  }

  private Optional<Table> table(BenchFunction f) {
    return tables.stream().filter(t -> t.workload().function() == f).findFirst();
  }

  private List<Budget> computeBudgets() {
    List<Budget> out = new ArrayList<>();
    Optional<Table> trivial = table(BenchFunction.SQUARE);
    Optional<Table> cpu = table(BenchFunction.BURN_CPU);
    trivial.ifPresent(
        t -> {
          Row rdd = t.row(Variant.SPARK_RDD).orElse(null);
          for (Variant v : List.of(Variant.FLYTE_BEAM_DIRECT, Variant.FLYTE_BEAM_SPARK)) {
            Row f = t.row(v).orElse(null);
            if (f == null || rdd == null) {
              continue;
            }
            String at = runnerName(v) + ", trivial N=" + size(t.workload().large());
            out.add(
                atMost(
                    String.format(
                        Locale.ROOT,
                        "%s: flyte-beam whole process <= %.1fx the collecting Spark RDD's"
                            + " (spark-rdd)",
                        at,
                        RDD_WALL_BUDGET),
                    String.format(
                        Locale.ROOT,
                        "%.2f s vs %.2f s (%s)",
                        f.largeSeconds(),
                        rdd.largeSeconds(),
                        times(f.largeSeconds() / rdd.largeSeconds())),
                    f.largeSeconds(),
                    RDD_WALL_BUDGET,
                    rdd.largeSeconds()));
            out.add(
                atMost(
                    at + ": flyte-beam peak RSS <= the collecting Spark RDD's (spark-rdd)",
                    String.format(
                        Locale.ROOT,
                        "%s MiB vs %s MiB (%s)",
                        mib(f.largePeakRss()),
                        mib(rdd.largePeakRss()),
                        times((double) f.largePeakRss() / rdd.largePeakRss())),
                    (double) f.largePeakRss(),
                    1.0,
                    (double) rdd.largePeakRss()));
          }
          Row fs = t.row(Variant.FLYTE_BEAM_SPARK).orElse(null);
          Row bs = t.row(Variant.BEAM_SPARK).orElse(null);
          if (fs != null && bs != null) {
            out.add(
                holds(
                    "SparkRunner local[2], trivial: flyte-beam fixed <= plain Beam's on Spark + 1 s",
                    String.format(
                        Locale.ROOT,
                        "%.2f s vs %.2f s + 1 s",
                        fs.fixedSeconds(),
                        bs.fixedSeconds()),
                    fs.fixedSeconds() <= bs.fixedSeconds() + 1.0));
          }
        });
    cpu.ifPresent(
        t -> {
          Row raw = t.row(Variant.RAW_STREAM).orElse(null);
          for (Variant v : List.of(Variant.FLYTE_BEAM_DIRECT, Variant.FLYTE_BEAM_SPARK)) {
            Row f = t.row(v).orElse(null);
            if (f != null && raw != null) {
              out.add(
                  atMost(
                      String.format(
                          Locale.ROOT,
                          "CPU-bound, %s: flyte-beam parallel efficiency >= %.2fx the raw parallel"
                              + " stream's (marginal <= the raw stream's / %.2f)",
                          runnerName(v),
                          EFFICIENCY_BUDGET,
                          EFFICIENCY_BUDGET),
                      String.format(
                          Locale.ROOT,
                          "%s vs %s us/element (%s; efficiency %s of the raw stream's)",
                          micros(f.marginalMicros()),
                          micros(raw.marginalMicros()),
                          times(f.marginalMicros() / raw.marginalMicros()),
                          times(raw.marginalMicros() / f.marginalMicros())),
                      f.marginalMicros(),
                      1 / EFFICIENCY_BUDGET,
                      raw.marginalMicros()));
            }
          }
        });
    trivial.ifPresent(
        t -> {
          for (Variant v : List.of(Variant.FLYTE_BEAM_DIRECT, Variant.FLYTE_BEAM_SPARK)) {
            t.row(v)
                .ifPresent(
                    f ->
                        out.add(
                            holds(
                                String.format(
                                    Locale.ROOT,
                                    "%s: N=%s costs <= 12x N=%s end to end",
                                    v.id(),
                                    size(t.workload().large()),
                                    size(t.workload().small())),
                                String.format(
                                    Locale.ROOT,
                                    "%.2f s / %.2f s = %s",
                                    f.largeSeconds(),
                                    f.smallSeconds(),
                                    times(f.largeOverSmall())),
                                f.largeOverSmall() <= 12.0)));
          }
        });
    for (WorkflowLine w : workflow) {
      out.add(
          atMost(
              String.format(
                  Locale.ROOT,
                  "%s: a 5-node workflow (a map of %s between task nodes) <= %.1fx the map alone,"
                      + " whole process",
                  w.runner() == Variant.FLYTE_BEAM_DIRECT ? "DirectRunner" : "SparkRunner local[2]",
                  size(w.n()),
                  Bench.WORKFLOW_BUDGET),
              vs(w),
              w.workflowSeconds(),
              Bench.WORKFLOW_BUDGET,
              w.mapSeconds()));
    }
    for (WorkflowLine w : workflowMap) {
      out.add(
          atMost(
              String.format(
                  Locale.ROOT,
                  "%s: a map of %s over a launch plan of 3 task nodes <= %.1fx the same 3 tasks as"
                      + " 3 chained maps, whole process",
                  w.runner() == Variant.FLYTE_BEAM_DIRECT ? "DirectRunner" : "SparkRunner local[2]",
                  size(w.n()),
                  Bench.WORKFLOW_MAP_BUDGET),
              vs(w),
              w.workflowSeconds(),
              Bench.WORKFLOW_MAP_BUDGET,
              w.mapSeconds()));
    }
    if (quickstart.isPresent() && quickstartTwin.isPresent()) {
      Big q = quickstart.get();
      Big p = quickstartTwin.get();
      out.add(
          atMost(
              String.format(
                  Locale.ROOT,
                  "Quick start (./flyte-beam, %d elements): wall <= %.1fx plain Beam's DirectRunner"
                      + " over %d elements",
                  q.n(),
                  QUICKSTART_BUDGET,
                  p.n()),
              String.format(
                  Locale.ROOT,
                  "%.2f s vs %.2f s (%s)",
                  q.wallSeconds(),
                  p.wallSeconds(),
                  times(q.wallSeconds() / p.wallSeconds())),
              q.wallSeconds(),
              QUICKSTART_BUDGET,
              p.wallSeconds()));
      out.add(
          atMost(
              String.format(
                  Locale.ROOT,
                  "Quick start (./flyte-beam, %d elements): CPU (user+system) <= %.1fx plain Beam's"
                      + " DirectRunner over %d elements",
                  q.n(),
                  QUICKSTART_BUDGET,
                  p.n()),
              String.format(
                  Locale.ROOT,
                  "%.2f CPU s vs %.2f CPU s (%s)",
                  q.cpuSeconds(),
                  p.cpuSeconds(),
                  times(q.cpuSeconds() / p.cpuSeconds())),
              q.cpuSeconds(),
              QUICKSTART_BUDGET,
              p.cpuSeconds()));
    }
    if (container.isPresent() && containerTwin.isPresent()) {
      Big c = container.get();
      Big x = containerTwin.get();
      double rate = c.elementsPerSecond();
      double twinRate = x.elementsPerSecond();
      if (containerAfterStartup.isPresent()) {
        // Per element once both run: start-up (about 2 s of a JVM against none) has its own line.
        double m = containerAfterStartup.get().flyteBeam();
        double mx = containerAfterStartup.get().twin();
        out.add(
            new Budget(
                String.format(
                    Locale.ROOT,
                    "Container (raw sh task, DirectRunner): elements/s after start-up (N = %s to %s)"
                        + " >= %.1fx the same sh -c invocations through xargs -P <cores>",
                    size(containerSmall.get().n()),
                    size(c.n()),
                    CONTAINER_BUDGET),
                String.format(
                    Locale.ROOT,
                    "%.1f vs %.1f elements/s (%s); whole process at N = %s: %.1f vs %.1f (%s)",
                    m,
                    mx,
                    times(m / mx),
                    size(c.n()),
                    rate,
                    twinRate,
                    times(rate / twinRate)),
                Double.isFinite(m) && Double.isFinite(mx) && mx > 0
                    ? Optional.of(m >= CONTAINER_BUDGET * mx)
                    : Optional.empty()));
      } else {
        out.add(
            new Budget(
                String.format(
                    Locale.ROOT,
                    "Container (raw sh task, %s elements, DirectRunner): elements/s >= %.1fx the"
                        + " same sh -c invocations through xargs -P <cores>",
                    size(c.n()),
                    CONTAINER_BUDGET),
                String.format(
                    Locale.ROOT,
                    "%.1f vs %.1f elements/s (%s)",
                    rate,
                    twinRate,
                    times(rate / twinRate)),
                twinRate > 0 && Double.isFinite(twinRate)
                    ? Optional.of(rate >= CONTAINER_BUDGET * twinRate)
                    : Optional.empty()));
      }
    }
    javaApi.ifPresent(
        j ->
            out.add(
                atMost(
                    String.format(
                        Locale.ROOT,
                        "Java API (FlyteBeam.run in a warm JVM, %d elements): median of calls %d..%d"
                            + " <= %.0f ms",
                        j.n(),
                        j.firstCounted(),
                        j.calls(),
                        JAVA_API_BUDGET_MILLIS),
                    String.format(
                        Locale.ROOT,
                        "%.1f ms vs %.0f ms (%s)",
                        j.medianMillis(),
                        JAVA_API_BUDGET_MILLIS,
                        times(j.ratio())),
                    j.medianMillis(),
                    1.0,
                    JAVA_API_BUDGET_MILLIS)));
    return List.copyOf(out);
  }

  private static String runnerName(Variant v) {
    return v == Variant.FLYTE_BEAM_DIRECT ? "DirectRunner" : "SparkRunner local[2]";
  }

  /** The report as Markdown: tables, budget lines, the correctness check. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("### Benchmark ")
        .append(meta.date())
        .append(meta.quick() ? " (quick smoke run: sizes too small to mean anything)" : "")
        .append("\n\n");
    md.append("Machine: ").append(meta.machine()).append(". ");
    md.append("Load average (1 min) at start/end: ").append(meta.loadAverage()).append(".\n");
    md.append("Each cell: the median of ")
        .append(meta.runs())
        .append(meta.runs() == 1 ? " run" : " runs");
    md.append(
        " of a whole process (JVM start to exit, wall seconds); variants interleaved run by run."
            + " The flyte-beam variants run through the `./flyte-beam` launcher, as users run"
            + " them (its C1-only JIT, class-data archive and, on 2 cores, serial collector);"
            + " every other variant, and the big line, is a plain `java` with the JVM's defaults"
            + " and the flags Spark needs on Java 17. ");
    md.append("Measured by ")
        .append(meta.rssMethod())
        .append("; peak RSS is the largest of the runs. ");
    md.append(
        String.format(
            Locale.ROOT,
            "burn_cpu: %.2f ms of CPU per element (single thread, measured by the harness).%n",
            meta.burnMillisPerElement()));
    md.append(
        "Fixed = the intercept and marginal = the slope of the line through both sizes' medians."
            + " Ratios: to the Spark RDD, and (flyte-beam only) to plain Beam on the same runner."
            + " CPU: the same fit over the process's user + system seconds (all its threads)."
            + " Run spread: (max - min) / median of a cell's runs, the worse size. Others' load:"
            + " the cores the rest of the machine kept busy during the runs (median): wall seconds"
            + " measured beside it are inflated.\n");
    for (Table t : tables) {
      Workload w = t.workload();
      String s = size(w.small());
      String l = size(w.large());
      md.append("\n#### ")
          .append(w.label())
          .append(": `")
          .append(w.name())
          .append("`, N = ")
          .append(s)
          .append(" and ")
          .append(l)
          .append("\n\n");
      md.append("| variant | ")
          .append(s)
          .append(" s | ")
          .append(l)
          .append(" s | fixed s | marginal us/elem | ")
          .append(l)
          .append("/")
          .append(s)
          .append(
              " | fixed vs RDD | marginal vs RDD | fixed vs plain Beam | marginal vs plain Beam |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : t.rows()) {
        md.append("| ")
            .append(r.variant().id())
            .append(
                String.format(
                    Locale.ROOT,
                    " | %.2f | %.2f | %.2f | ",
                    r.smallSeconds(),
                    r.largeSeconds(),
                    r.fixedSeconds()))
            .append(micros(r.marginalMicros()))
            .append(" | ")
            .append(times(r.largeOverSmall()))
            .append(" | ")
            .append(r.fixedVsRdd().map(Report::times).orElse("-"))
            .append(" | ")
            .append(r.marginalVsRdd().map(Report::times).orElse("-"))
            .append(" | ")
            .append(r.fixedVsPlainBeam().map(Report::times).orElse("-"))
            .append(" | ")
            .append(r.marginalVsPlainBeam().map(Report::times).orElse("-"))
            .append(" |\n");
      }
      md.append("\n| variant | peak RSS ")
          .append(s)
          .append(" MiB | peak RSS ")
          .append(l)
          .append(
              " MiB | CPU fixed s | CPU marginal us/elem | run spread | others' load, cores |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : t.rows()) {
        md.append("| ")
            .append(r.variant().id())
            .append(" | ")
            .append(mib(r.smallPeakRss()))
            .append(" | ")
            .append(mib(r.largePeakRss()))
            .append(String.format(Locale.ROOT, " | %.2f | ", r.fixedCpuSeconds()))
            .append(micros(r.marginalCpuMicros()))
            .append(String.format(Locale.ROOT, " | %.0f%% | ", 100 * r.spread()))
            .append(
                Double.isNaN(r.othersCores())
                    ? "?"
                    : String.format(Locale.ROOT, "%.2f", r.othersCores()))
            .append(" |\n");
      }
    }
    big.ifPresent(b -> md.append(bigMarkdown(b)));
    container.ifPresent(
        c ->
            md.append(
                containerMarkdown(
                    c, containerTwin, containerSmall, containerTwinSmall, containerAfterStartup)));
    quickstart.ifPresent(q -> md.append(quickstartMarkdown(q, quickstartTwin)));
    javaApi.ifPresent(j -> md.append(javaApiMarkdown(j)));
    if (!workflow.isEmpty()) {
      md.append(workflowMarkdown(workflow));
    }
    if (!workflowMap.isEmpty()) {
      md.append(workflowMapMarkdown(workflowMap));
    }
    md.append("\n#### Budget")
        .append(meta.quick() ? " (quick sizes: verdicts are meaningless)" : "")
        .append("\n\n| budget | measured | result |\n|---|---|---|\n");
    for (Budget b : budgets) {
      md.append("| ")
          .append(b.line())
          .append(" | ")
          .append(b.measured())
          .append(" | ")
          .append(b.verdict())
          .append(" |\n");
    }
    md.append("\n");
    if (tables.isEmpty()) {
      md.append("Correctness: every run's outputs were checked as it ended (see each line).\n");
    } else if (checksumsAgree()) {
      md.append("Correctness: every variant's checksum agrees (");
      List<String> sums = new ArrayList<>();
      for (Map.Entry<String, Checksum> e : agreedChecksums().entrySet()) {
        sums.add(e.getKey() + ": " + e.getValue());
      }
      md.append(String.join("; ", sums)).append(").\n");
    } else {
      md.append("**Correctness: CHECKSUMS DISAGREE**\n\n");
      for (String p : checksumProblems) {
        md.append("- ").append(p).append("\n");
      }
    }
    return md.toString();
  }

  private static String workflowMarkdown(List<WorkflowLine> lines) {
    WorkflowLine first = lines.get(0);
    StringBuilder md =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n#### Workflow: 5 nodes around a map of %s, against the map alone%n%n"
                    + "The flyte-beam CLI running `%s` (`range(n) -> map square -> total ->"
                    + " format_abc -> to_upper`, n = %s, one process, one runner start), and the"
                    + " map of `square` alone over the same %s ints, on the same runner, both with"
                    + " `--quiet`, alternating which runs first. Median of %d %s of each; peak RSS"
                    + " the largest. Every run's outputs are checked (the map's list, the"
                    + " workflow's total and report).%n%n"
                    + "| runner | N | map alone s | workflow s | workflow / map | map CPU s |"
                    + " workflow CPU s | map peak RSS MiB | workflow peak RSS MiB | others' load,"
                    + " cores |%n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n",
                size(first.n()),
                Bench.WORKFLOW_DEFINITION,
                size(first.n()),
                size(first.n()),
                first.runs(),
                first.runs() == 1 ? "run" : "runs"));
    appendWorkflowRows(md, lines);
    return md.toString();
  }

  /** A workflow line's measure: {@code 8.01 s vs 7.86 s (1.02x)}. */
  private static String vs(WorkflowLine w) {
    return String.format(
        Locale.ROOT,
        "%.2f s vs %.2f s (%s)",
        w.workflowSeconds(),
        w.mapSeconds(),
        times(w.ratio()));
  }

  /** The rows of a workflow-style table: the twin (map) first, then the workflow. */
  private static void appendWorkflowRows(StringBuilder md, List<WorkflowLine> lines) {
    for (WorkflowLine w : lines) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.2f | %.2f | %s | %.2f | %.2f | %s | %s | %s |%n",
              w.runner().id(),
              size(w.n()),
              w.mapSeconds(),
              w.workflowSeconds(),
              times(w.ratio()),
              w.mapCpuSeconds(),
              w.workflowCpuSeconds(),
              mib(w.mapPeakRss()),
              mib(w.workflowPeakRss()),
              Double.isNaN(w.othersCores())
                  ? "?"
                  : String.format(Locale.ROOT, "%.2f", w.othersCores())));
    }
  }

  private static String workflowMapMarkdown(List<WorkflowLine> lines) {
    WorkflowLine first = lines.get(0);
    StringBuilder md =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n#### Workflow map: a map of %s over a launch plan of 3 task nodes, against 3"
                    + " chained maps%n%n"
                    + "The flyte-beam CLI running `%s`, an ArrayNode over the launch plan `%s`"
                    + " (its workflow `square -> increment -> increment`, one workflow per"
                    + " element), and `%s`, one workflow of three chained maps of the same tasks:"
                    + " both one process and one runner start, %s x 3 task invocations each, on"
                    + " the same runner, `--quiet`, alternating which runs first. Median of %d %s"
                    + " of each; peak RSS the largest. Every run's outputs are checked element by"
                    + " element (`o0[i] = i * i + 2`, in order).%n%n"
                    + "| runner | N | 3 maps s | launch plan map s | launch plan map / 3 maps |"
                    + " 3 maps CPU s | launch plan map CPU s | 3 maps peak RSS MiB | launch plan"
                    + " map peak RSS MiB | others' load, cores |%n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n",
                size(first.n()),
                WorkflowMapLine.LP_WORKFLOW,
                WorkflowMapLine.LAUNCH_PLAN,
                WorkflowMapLine.TWIN_WORKFLOW,
                size(first.n()),
                first.runs(),
                first.runs() == 1 ? "run" : "runs"));
    appendWorkflowRows(md, lines);
    return md.toString();
  }

  private static String containerMarkdown(
      Big c,
      Optional<Big> twin,
      Optional<Big> small,
      Optional<Big> twinSmall,
      Optional<AfterStartup> afterStartup) {
    StringBuilder md =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n#### Container: `%s`, N = %s, one process per element%n%n"
                    + "The flyte-beam CLI on the DirectRunner mapping a raw container task (`sh -c"
                    + " 'echo $((x * 2)) > /var/outputs/y'`), at most one element process per core."
                    + " Measured: the whole `run` command, JVM start included.%s%s Median of %d %s;"
                    + " peak RSS the largest. Every run's outputs hold twice each input.%n%n"
                    + "| line | N | wall s | elements/s | CPU s | peak RSS MiB | others' load,"
                    + " cores |%n"
                    + "|---|---:|---:|---:|---:|---:|---:|%n",
                c.workload(),
                small.map(b -> size(b.n()) + " and ").orElse("") + size(c.n()),
                twin.isPresent()
                    ? " Its twin, in the same run and alternating with it: the same N `sh -c 'echo"
                        + " $(($1 * 2)) > FILE'` invocations through `xargs -P <cores>` (one"
                        + " process: `xargs` reading the N inputs from its stdin), every output"
                        + " file checked."
                    : "",
                small.isPresent()
                    ? " At two sizes: the elements the larger adds over the time it adds is the"
                        + " rate after start-up, which the budget holds to (start-up has the quick"
                        + " start's line)."
                    : "",
                c.runs(),
                c.runs() == 1 ? "run" : "runs"));
    small.ifPresent(b -> md.append(rateRow("container: flyte-beam-direct", b)));
    md.append(rateRow("container: flyte-beam-direct", c));
    String twinName = "twin: xargs -P " + ProcessTimer.cores() + " sh -c";
    twinSmall.ifPresent(b -> md.append(rateRow(twinName, b)));
    twin.ifPresent(
        x -> {
          md.append(rateRow(twinName, x));
          md.append(
              String.format(
                  Locale.ROOT,
                  "%nflyte-beam / xargs, elements per second, whole process at N = %s: %s.%n",
                  size(c.n()),
                  times(c.elementsPerSecond() / x.elementsPerSecond())));
        });
    afterStartup.ifPresent(
        m ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "%nAfter start-up (N = %s to %s): flyte-beam %.1f, xargs %.1f elements/s:"
                        + " %s (budget: at least %.1fx).%n",
                    size(small.orElseThrow().n()),
                    size(c.n()),
                    m.flyteBeam(),
                    m.twin(),
                    times(m.ratio()),
                    CONTAINER_BUDGET)));
    if (afterStartup.isEmpty() && twin.isPresent()) {
      md.append(String.format(Locale.ROOT, "%nBudget: at least %.1fx.%n", CONTAINER_BUDGET));
    }
    return md.toString();
  }

  private static String rateRow(String name, Big b) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.2f | %.1f | %.2f | %s | %s |%n",
        name,
        size(b.n()),
        b.wallSeconds(),
        b.elementsPerSecond(),
        b.cpuSeconds(),
        mib(b.peakRssBytes()),
        cores(b.othersCores()));
  }

  private static String cores(double othersCores) {
    return Double.isNaN(othersCores) ? "?" : String.format(Locale.ROOT, "%.2f", othersCores);
  }

  private static String quickstartMarkdown(Big q, Optional<Big> twin) {
    StringBuilder md =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n#### Quick start: the README's first command against plain Beam, %s elements%n%n"
                    + "`./flyte-beam run --definition %s --inputs %s`, the launcher as users run it"
                    + " (its AppCDS archive written by one untimed warm-up run before, C1 only), its"
                    + " printed outputs checked every run; beside it, alternating, plain Beam's"
                    + " DirectRunner over as many elements (`PlainBeam direct square N`, the"
                    + " bench's class path), its checksum checked. Median of %d %s of each, whole"
                    + " processes; peak RSS the largest.%n%n"
                    + "| line | N | wall s | CPU s | peak RSS MiB | others' load, cores |%n"
                    + "|---|---:|---:|---:|---:|---:|%n",
                size(q.n()),
                Bench.QUICKSTART_DEFINITION,
                Bench.QUICKSTART_INPUTS,
                q.runs(),
                q.runs() == 1 ? "run" : "runs"));
    md.append(processRow("quick start: ./flyte-beam", q));
    twin.ifPresent(
        p -> {
          md.append(processRow("twin: plain Beam DirectRunner", p));
          md.append(
              String.format(
                  Locale.ROOT,
                  "%nQuick start / plain Beam: wall %s, CPU %s (budget: at most %.1fx each).%n",
                  times(q.wallSeconds() / p.wallSeconds()),
                  times(q.cpuSeconds() / p.cpuSeconds()),
                  QUICKSTART_BUDGET));
        });
    return md.toString();
  }

  private static String processRow(String name, Big b) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.2f | %.2f | %s | %s |%n",
        name,
        size(b.n()),
        b.wallSeconds(),
        b.cpuSeconds(),
        mib(b.peakRssBytes()),
        cores(b.othersCores()));
  }

  private static String javaApiMarkdown(JavaApi j) {
    Big p = j.process();
    return String.format(
        Locale.ROOT,
        "%n#### Java API: `FlyteBeam.run` in a warm JVM, %d elements%n%n"
            + "One JVM (`%s`, the bench's class path) calls `FlyteBeam.run` for a map of `say_hello`"
            + " over %d names %d times on the DirectRunner, checking each call's outputs; its figure"
            + " is the median of calls %d to %d. Median of %d %s (JVMs); the JVM's whole process"
            + " beside it.%n%n"
            + "| line | median call ms | budget ms | median / budget | JVM wall s | JVM CPU s |"
            + " JVM peak RSS MiB | others' load, cores |%n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|%n"
            + "| java-api: FlyteBeam.run | %.1f | %.0f | %s | %.2f | %.2f | %s | %s |%n",
        j.n(),
        Bench.JAVA_API_MAIN,
        j.n(),
        j.calls(),
        j.firstCounted(),
        j.calls(),
        p.runs(),
        p.runs() == 1 ? "run" : "runs",
        j.medianMillis(),
        JAVA_API_BUDGET_MILLIS,
        times(j.ratio()),
        p.wallSeconds(),
        p.cpuSeconds(),
        mib(p.peakRssBytes()),
        cores(p.othersCores()));
  }

  private static String bigMarkdown(Big b) {
    return String.format(
        Locale.ROOT,
        "%n#### Big: `%s`, N = %s, JSON Lines in, `--outputs-dir` out, %s%n%n"
            + "The flyte-beam CLI on the SparkRunner `local[2]`, the items given by reference (one"
            + " JSON Lines file), the workers writing the outputs as sharded JSON Lines. Measured: the"
            + " whole process = driver + local executors, `%s` (in `local[2]` the executors share"
            + " the driver's JVM, so the heap limit bounds both). Median"
            + " of %d %s; peak RSS the largest. Every run's shards hold %s, as the function itself"
            + " computes.%n%n"
            + "| line | N | wall s | CPU s | peak RSS MiB | others' load, cores |%n"
            + "|---|---:|---:|---:|---:|---:|%n"
            + "| big: flyte-beam-spark, whole process `%s` | %s | %.2f | %.2f | %s | %s |%n",
        b.workload(),
        size(b.n()),
        Bench.BIG_HEAP,
        Bench.BIG_HEAP,
        b.runs(),
        b.runs() == 1 ? "run" : "runs",
        b.checksum(),
        Bench.BIG_HEAP,
        size(b.n()),
        b.wallSeconds(),
        b.cpuSeconds(),
        mib(b.peakRssBytes()),
        Double.isNaN(b.othersCores()) ? "?" : String.format(Locale.ROOT, "%.2f", b.othersCores()));
  }

  private Map<String, Checksum> agreedChecksums() {
    Map<String, Checksum> out = new LinkedHashMap<>();
    for (Table t : tables) {
      for (int n : t.workload().sizes()) {
        measurements.stream()
            .filter(m -> m.workload().equals(t.workload().name()) && m.n() == n)
            .findFirst()
            .ifPresent(m -> out.put(t.workload().name() + " N=" + size(n), m.checksum()));
      }
    }
    return out;
  }

  /** The report as JSON: the summary, the budget lines and every measurement. */
  public String json() {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", meta.date());
    m.put("machine", meta.machine());
    m.put("runs", meta.runs());
    m.put("quick", meta.quick());
    m.put("rssMethod", meta.rssMethod());
    m.put("burnMillisPerElement", finite(meta.burnMillisPerElement()));
    m.put("loadAverage", meta.loadAverage());
    root.put("meta", m);
    root.put("checksumsAgree", checksumsAgree());
    root.put("checksumProblems", checksumProblems);
    root.put("checksums", new TreeMap<>(Map.copyOf(stringChecksums())));
    List<Object> ts = new ArrayList<>();
    for (Table t : tables) {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("workload", t.workload().name());
      tm.put("label", t.workload().label());
      tm.put("small", t.workload().small());
      tm.put("large", t.workload().large());
      List<Object> rows = new ArrayList<>();
      for (Row r : t.rows()) {
        Map<String, Object> rm = new LinkedHashMap<>();
        rm.put("variant", r.variant().id());
        rm.put("description", r.variant().description());
        rm.put("smallSeconds", finite(r.smallSeconds()));
        rm.put("largeSeconds", finite(r.largeSeconds()));
        rm.put("fixedSeconds", finite(r.fixedSeconds()));
        rm.put("marginalMicrosPerElement", finite(r.marginalMicros()));
        rm.put("fixedCpuSeconds", finite(r.fixedCpuSeconds()));
        rm.put("marginalCpuMicrosPerElement", finite(r.marginalCpuMicros()));
        rm.put("largeOverSmall", finite(r.largeOverSmall()));
        rm.put("runSpread", finite(r.spread()));
        rm.put("othersCores", finite(r.othersCores()));
        rm.put("smallPeakRssBytes", r.smallPeakRss());
        rm.put("largePeakRssBytes", r.largePeakRss());
        rm.put("fixedVsRdd", r.fixedVsRdd().map(Report::finite).orElse(null));
        rm.put("marginalVsRdd", r.marginalVsRdd().map(Report::finite).orElse(null));
        rm.put("fixedVsPlainBeam", r.fixedVsPlainBeam().map(Report::finite).orElse(null));
        rm.put("marginalVsPlainBeam", r.marginalVsPlainBeam().map(Report::finite).orElse(null));
        rows.add(rm);
      }
      tm.put("rows", rows);
      ts.add(tm);
    }
    root.put("tables", ts);
    List<Object> bs = new ArrayList<>();
    for (Budget b : budgets) {
      bs.add(Map.of("line", b.line(), "measured", b.measured(), "result", b.verdict()));
    }
    root.put("budgets", bs);
    big.ifPresent(
        b -> {
          Map<String, Object> bm = new LinkedHashMap<>();
          bm.put("workload", b.workload());
          bm.put("n", b.n());
          bm.put(
              "description",
              "flyte-beam CLI, SparkRunner local[2], JSON Lines inputs by reference, --outputs-dir;"
                  + " whole process = driver + local executors");
          bm.put("heap", Bench.BIG_HEAP);
          bm.put("runs", b.runs());
          bm.put("wallSeconds", finite(b.wallSeconds()));
          bm.put("cpuSeconds", finite(b.cpuSeconds()));
          bm.put("peakRssBytes", b.peakRssBytes());
          bm.put("othersCores", finite(b.othersCores()));
          bm.put("checksum", b.checksum().toString());
          root.put("big", bm);
        });
    container.ifPresent(
        c -> {
          Map<String, Object> cm = new LinkedHashMap<>();
          cm.put("workload", c.workload());
          cm.put("n", c.n());
          cm.put(
              "description",
              "flyte-beam CLI, DirectRunner, a raw container task: one process per element");
          cm.put("runs", c.runs());
          cm.put("wallSeconds", finite(c.wallSeconds()));
          cm.put("elementsPerSecond", finite(c.elementsPerSecond()));
          cm.put("cpuSeconds", finite(c.cpuSeconds()));
          cm.put("peakRssBytes", c.peakRssBytes());
          cm.put("othersCores", finite(c.othersCores()));
          cm.put("checksum", c.checksum().toString());
          containerSmall.ifPresent(b -> cm.put("smaller", processJson(b)));
          root.put("container", cm);
        });
    containerTwin.ifPresent(
        x -> {
          Map<String, Object> cm = new LinkedHashMap<>();
          cm.put(
              "description",
              "the same sh -c invocations through xargs -P "
                  + ProcessTimer.cores()
                  + ", one process");
          cm.putAll(processJson(x));
          cm.put("elementsPerSecond", finite(x.elementsPerSecond()));
          container.ifPresent(
              c -> {
                cm.put(
                    "flyteBeamOverTwinRate", finite(c.elementsPerSecond() / x.elementsPerSecond()));
                cm.put("budgetAtLeast", CONTAINER_BUDGET);
              });
          containerTwinSmall.ifPresent(b -> cm.put("smaller", processJson(b)));
          containerAfterStartup.ifPresent(
              rates -> {
                cm.put("flyteBeamElementsPerSecondAfterStartup", finite(rates.flyteBeam()));
                cm.put("twinElementsPerSecondAfterStartup", finite(rates.twin()));
                cm.put("flyteBeamOverTwinRateAfterStartup", finite(rates.ratio()));
              });
          root.put("containerTwin", cm);
        });
    quickstart.ifPresent(
        q -> {
          Map<String, Object> qm = new LinkedHashMap<>();
          qm.put(
              "command",
              "./flyte-beam run --definition "
                  + Bench.QUICKSTART_DEFINITION
                  + " --inputs "
                  + Bench.QUICKSTART_INPUTS);
          qm.put("quickstart", processJson(q));
          quickstartTwin.ifPresent(
              p -> {
                qm.put("plainBeamDirect", processJson(p));
                qm.put("wallRatio", finite(q.wallSeconds() / p.wallSeconds()));
                qm.put("cpuRatio", finite(q.cpuSeconds() / p.cpuSeconds()));
              });
          qm.put("budgetAtMost", QUICKSTART_BUDGET);
          root.put("quickstart", qm);
        });
    javaApi.ifPresent(
        j -> {
          Map<String, Object> jm = new LinkedHashMap<>();
          jm.put("main", Bench.JAVA_API_MAIN);
          jm.put("n", j.n());
          jm.put("calls", j.calls());
          jm.put("firstCounted", j.firstCounted());
          jm.put("runMediansMillis", j.runMedians());
          jm.put("medianMillis", finite(j.medianMillis()));
          jm.put("budgetMillis", JAVA_API_BUDGET_MILLIS);
          jm.put("ratio", finite(j.ratio()));
          jm.put("process", processJson(j.process()));
          root.put("javaApi", jm);
        });
    if (!workflow.isEmpty()) {
      List<Object> ws = new ArrayList<>();
      for (WorkflowLine w : workflow) {
        Map<String, Object> wm = new LinkedHashMap<>();
        wm.put("runner", w.runner().id());
        wm.put("definition", Bench.WORKFLOW_DEFINITION);
        wm.put("n", w.n());
        wm.put("runs", w.runs());
        wm.put("mapSeconds", finite(w.mapSeconds()));
        wm.put("workflowSeconds", finite(w.workflowSeconds()));
        wm.put("ratio", finite(w.ratio()));
        wm.put("budget", Bench.WORKFLOW_BUDGET);
        wm.put("mapCpuSeconds", finite(w.mapCpuSeconds()));
        wm.put("workflowCpuSeconds", finite(w.workflowCpuSeconds()));
        wm.put("mapPeakRssBytes", w.mapPeakRss());
        wm.put("workflowPeakRssBytes", w.workflowPeakRss());
        wm.put("othersCores", finite(w.othersCores()));
        ws.add(wm);
      }
      root.put("workflow", ws);
    }
    if (!workflowMap.isEmpty()) {
      List<Object> ws = new ArrayList<>();
      for (WorkflowLine w : workflowMap) {
        Map<String, Object> wm = new LinkedHashMap<>();
        wm.put("runner", w.runner().id());
        wm.put("n", w.n());
        wm.put("runs", w.runs());
        wm.put("threeMapsSeconds", finite(w.mapSeconds()));
        wm.put("launchPlanMapSeconds", finite(w.workflowSeconds()));
        wm.put("ratio", finite(w.ratio()));
        wm.put("budget", Bench.WORKFLOW_MAP_BUDGET);
        wm.put("threeMapsCpuSeconds", finite(w.mapCpuSeconds()));
        wm.put("launchPlanMapCpuSeconds", finite(w.workflowCpuSeconds()));
        wm.put("threeMapsPeakRssBytes", w.mapPeakRss());
        wm.put("launchPlanMapPeakRssBytes", w.workflowPeakRss());
        wm.put("othersCores", finite(w.othersCores()));
        ws.add(wm);
      }
      root.put("workflowMap", ws);
    }
    List<Object> ms = new ArrayList<>();
    for (Measurement x : measurements) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("workload", x.workload());
      mm.put("variant", x.variant().id());
      mm.put("n", x.n());
      mm.put("run", x.run());
      mm.put("wallSeconds", finite(x.wallSeconds()));
      mm.put("peakRssBytes", x.peakRssBytes());
      mm.put("cpuSeconds", finite(x.cpuSeconds()));
      mm.put("othersCores", finite(x.othersCores()));
      mm.put("checksum", x.checksum().toString());
      ms.add(mm);
    }
    root.put("measurements", ms);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings and numbers always serialize", e);
    }
  }

  /** One side of a line as JSON: its medians, largest RSS and the others' load. */
  private static Map<String, Object> processJson(Big b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workload", b.workload());
    m.put("n", b.n());
    m.put("runs", b.runs());
    m.put("wallSeconds", finite(b.wallSeconds()));
    m.put("cpuSeconds", finite(b.cpuSeconds()));
    m.put("peakRssBytes", b.peakRssBytes());
    m.put("othersCores", finite(b.othersCores()));
    m.put("checksum", b.checksum().toString());
    return m;
  }

  private Map<String, String> stringChecksums() {
    Map<String, String> out = new LinkedHashMap<>();
    agreedChecksums().forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  private static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
  }

  static String micros(double us) {
    double a = Math.abs(us);
    String format = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, format, us);
  }

  static String times(double x) {
    return String.format(Locale.ROOT, Math.abs(x) >= 10 ? "%.1fx" : "%.2fx", x);
  }

  static String mib(long bytes) {
    return Long.toString(Math.round(bytes / (1024.0 * 1024.0)));
  }

  /** 100000 -> 100k, 1000000 -> 1M, 2500 -> 2.5k, 50 -> 50. */
  static String size(int n) {
    if (n >= 1_000_000 && n % 100_000 == 0) {
      return trim(n / 1e6) + "M";
    }
    if (n >= 1_000 && n % 100 == 0) {
      return trim(n / 1e3) + "k";
    }
    return Integer.toString(n);
  }

  private static String trim(double x) {
    String s = String.format(Locale.ROOT, "%.1f", x);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}

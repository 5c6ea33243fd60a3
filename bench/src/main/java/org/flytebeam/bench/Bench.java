package org.flytebeam.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.flytebeam.bench.variants.BenchFunction;
import org.flytebeam.bench.variants.JavaApiCalls;
import org.flytebeam.examples.Burn;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;

/**
 * The benchmark: maps the same function over the same inputs with every {@link Variant}, each run
 * as a whole process, at two sizes per {@link Workload}, {@code runs} times (variants interleaved
 * run by run, so the machine's noise spreads over all of them), checks that every checksum agrees,
 * then runs the big line (the flyte-beam CLI over {@link #BIG_N} JSON Lines items with {@code
 * --outputs-dir} in {@link #BIG_HEAP}, its shards checked the same way) and the container line (the
 * flyte-beam CLI mapping a raw container task over {@link #CONTAINER_SMALL_N} and {@link
 * #CONTAINER_N} elements, one process each, its outputs checked) and the workflow line (a workflow
 * of five nodes around a map of {@link #WORKFLOW_N} elements against the map alone, on the
 * DirectRunner and Spark {@code local[2]}), and writes the {@link Report} as Markdown and JSON.
 * {@code --only} runs some of the lines.
 *
 * <pre>{@code
 * ./bench/run [--runs 3] [--quick] [--only workflow]
 * }</pre>
 *
 * <p>Exit codes: 0 done (budget lines may still MISS: they are information); 1 a variant failed or
 * the checksums disagree; 2 invalid usage; 3 the build is missing.
 */
public final class Bench {
  private static final String INPUT = "x";
  private static final String OUTPUT = "o0";
  private static final int WARM_UP_N = 1_000;

  /** The big line's size: a map over this many JSON Lines items, outputs to sharded files. */
  static final int BIG_N = 10_000_000;

  static final int BIG_QUICK_N = 20_000;

  /** The big line's heap, which bounds the driver and its {@code local[2]} executors alike. */
  static final String BIG_HEAP = "-Xmx512m";

  /**
   * The container line's sizes, one process per element: the rate after start-up is what the larger
   * adds over the smaller.
   */
  static final int CONTAINER_N = 5_000;

  static final int CONTAINER_SMALL_N = 500;

  static final int CONTAINER_QUICK_N = 20;

  static final int CONTAINER_QUICK_SMALL_N = 5;

  static final String CONTAINER_WORKLOAD = "sh_double";

  /**
   * The container line's definition, relative to the repository's root: a raw container task
   * doubling {@code x} into {@code y}, the file the README runs from the command line.
   */
  static final String CONTAINER_DEFINITION = "runner/src/test/resources/containers/double.def.json";

  private static final String CONTAINER_OUTPUT = "y";

  /** The container twin's workload name: the same invocations through {@code xargs}. */
  static final String CONTAINER_TWIN_WORKLOAD = "sh_double_xargs";

  static final String QUICKSTART_WORKLOAD = "quickstart";
  static final String QUICKSTART_TWIN_WORKLOAD = "quickstart_plain_beam";
  static final String JAVA_API_WORKLOAD = "java_api";

  /** The workflow line's size: the number of elements its map maps. */
  static final int WORKFLOW_N = 100_000;

  static final int WORKFLOW_QUICK_N = 2_000;

  /**
   * The workflow line's definition, relative to the repository's root: five nodes, {@code range(n)
   * -> map square -> total -> format_abc -> to_upper}, the example the README runs.
   */
  static final String WORKFLOW_DEFINITION = "examples/definitions/sum-of-squares.wf.json";

  /** The workflow's whole process may cost at most this many times the map alone's. */
  static final double WORKFLOW_BUDGET = 1.3;

  /** The runners of the workflow line: the map alone and the workflow on each. */
  static final List<Variant> WORKFLOW_RUNNERS =
      List.of(Variant.FLYTE_BEAM_DIRECT, Variant.FLYTE_BEAM_SPARK);

  /** The workflow line's workload names: its map alone, and the whole workflow. */
  static final String WORKFLOW_MAP = "square";

  static final String WORKFLOW_WHOLE = "sum_of_squares";

  /** The workflow-map line's size: elements of the map over a launch plan of 3 task nodes. */
  static final int WORKFLOW_MAP_N = 10_000;

  static final int WORKFLOW_MAP_QUICK_N = 200;

  /** The map over the launch plan may cost at most this many times its three chained maps. */
  static final double WORKFLOW_MAP_BUDGET = 1.5;

  /**
   * The quick-start line's files, relative to the repository's root: the README's first command,
   * {@code ./flyte-beam run --definition ... --inputs ...}, mapping {@code say_hello} over 2 names.
   */
  static final String QUICKSTART_DEFINITION = "examples/definitions/say-hello.def.json";

  static final String QUICKSTART_INPUTS = "examples/definitions/say-hello.inputs.json";

  /** What the quick start must print: its outputs as plain JSON. */
  static final List<String> QUICKSTART_OUTPUT = List.of("hello earth!", "hello mars!");

  /** The quick start's twin: plain Beam's DirectRunner over as many elements as the quick start. */
  static final int QUICKSTART_N = 2;

  /** What the quick start's launcher must run as it does for users, whatever the caller set. */
  static final java.util.Set<String> LAUNCHER_ENV =
      java.util.Set.of(
          "FLYTE_BEAM_JAVA_OPTS",
          "FLYTE_BEAM_CDS",
          "FLYTE_BEAM_JIT",
          "FLYTE_BEAM_GC",
          "FLYTE_BEAM_CLASSPATH");

  /** The Java-API line's JVM: a main calling {@code FlyteBeam.run}. */
  static final String JAVA_API_MAIN = "org.flytebeam.bench.variants.JavaApiCalls";

  /** The Java-API line: calls per JVM, the first one counted, elements per call. */
  static final int JAVA_API_CALLS = 25;

  static final int JAVA_API_FIRST_COUNTED = 6;
  static final int JAVA_API_QUICK_CALLS = 4;
  static final int JAVA_API_QUICK_FIRST_COUNTED = 3;
  static final int JAVA_API_N = 2;

  /** The lines of the benchmark, which {@code --only} chooses from. */
  public enum Line {
    VARIANTS("variants"),
    BIG("big"),
    CONTAINER("container"),
    WORKFLOW("workflow"),
    MAP_OVER_LAUNCH_PLAN("workflow-map"),
    QUICKSTART("quickstart"),
    JAVA_API("java-api");

    private final String id;

    Line(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    static Line ofId(String id) {
      for (Line l : values()) {
        if (l.id.equals(id)) {
          return l;
        }
      }
      throw new IllegalArgumentException(
          "--only ["
              + id
              + "] is not a line: give one or more of "
              + java.util.Arrays.stream(values()).map(Line::id).toList()
              + ", separated by commas");
    }
  }

  /**
   * What to run.
   *
   * @param runs runs per variant and size; the median is reported
   * @param quick smoke sizes
   * @param root the repository's root (holding {@code runner/} and {@code bench/})
   * @param resultsDir where the Markdown and JSON go
   * @param timeout the limit of one process
   * @param settle before each process, how long to wait at most for the rest of the machine to
   *     quiet down (under half a core busy for a second); zero: do not wait
   * @param lines the lines to run (all by default)
   */
  public record Options(
      int runs,
      boolean quick,
      Path root,
      Path resultsDir,
      Duration timeout,
      Duration settle,
      java.util.Set<Line> lines) {
    public Options {
      if (runs < 1) {
        throw new IllegalArgumentException("--runs [" + runs + "] must be at least 1");
      }
      requireNonNull(root, "root");
      requireNonNull(resultsDir, "resultsDir");
      requireNonNull(timeout, "timeout");
      requireNonNull(settle, "settle");
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("--only needs at least one line");
      }
      lines = java.util.Set.copyOf(lines);
    }

    /** Every line. */
    public Options(
        int runs, boolean quick, Path root, Path resultsDir, Duration timeout, Duration settle) {
      this(runs, quick, root, resultsDir, timeout, settle, java.util.EnumSet.allOf(Line.class));
    }

    /** Whether {@code line} runs. */
    public boolean runs(Line line) {
      return lines.contains(line);
    }

    /** The smoke run the tests use: every variant at tiny sizes, once. */
    public static Options quick(Path root, Path resultsDir) {
      return new Options(1, true, root, resultsDir, Duration.ofMinutes(5), Duration.ZERO);
    }
  }

  /** A finished benchmark and where its report is. */
  public record Outcome(Report report, Path markdown, Path json) {}

  /** A variant failed, or the variants disagree: the numbers must not be trusted. */
  public static final class BenchFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BenchFailedException(String message) {
      super(message);
    }
  }

  private final Options options;
  private final PrintStream log;

  private Bench(Options options, PrintStream log) {
    this.options = options;
    this.log = log;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    try {
      Outcome outcome = run(options, System.out);
      System.out.println();
      System.out.println(outcome.report().markdown());
      for (Report.Budget b : outcome.report().budgets()) {
        System.out.println(
            b.verdict()
                + (options.quick() ? " (quick: meaningless)" : "")
                + "  "
                + b.line()
                + ": "
                + b.measured());
      }
      System.out.println();
      System.out.println("Wrote " + outcome.markdown() + " and " + outcome.json());
      System.exit(outcome.report().checksumsAgree() ? 0 : 1);
    } catch (BenchFailedException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    } catch (IllegalStateException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(3);
    } catch (IOException e) {
      System.err.println("error: " + e);
      System.exit(3);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(130);
    }
  }

  static final String USAGE =
      "usage: bench/run [--runs N] [--quick] [--settle SECONDS] [--only LINES] [--results DIR]"
          + " [--root DIR]\n"
          + "  --runs N       runs per variant and size, the median is reported (default 3; 1 with"
          + " --quick)\n"
          + "  --quick        smoke sizes: every variant and the correctness check, numbers"
          + " meaningless\n"
          + "  --settle S     before each process, wait up to S seconds for the rest of the machine"
          + " to\n"
          + "                 quiet down (default 10; 0 with --quick)\n"
          + "  --only LINES   run only these lines, comma-separated: variants (every way to map, at"
          + " two\n"
          + "                 sizes), big, container (against xargs -P <cores>), workflow (a 5-node"
          + " workflow\n"
          + "                 against its map alone),\n"
          + "                 workflow-map (a map over a launch plan of 3 task nodes against 3"
          + " chained maps),\n"
          + "                 quickstart (the README's quick start against plain Beam over 2"
          + " elements),\n"
          + "                 java-api (FlyteBeam.run for 2 elements in a warm JVM, median of"
          + " calls 6..25)\n"
          + "                 (default: all)\n"
          + "  --results DIR  where the Markdown and JSON go (default bench/results)\n"
          + "  --root DIR     the repository root (default .)";

  /** The options of {@code args}, or null for {@code --help}. */
  static Options parse(String[] args) {
    Integer runs = null;
    Integer settle = null;
    boolean quick = false;
    Path root = Path.of(".");
    Path results = null;
    java.util.Set<Line> lines = java.util.EnumSet.allOf(Line.class);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          return null;
        }
        case "--quick" -> quick = true;
        case "--runs" -> {
          String value = value(args, ++i, "--runs");
          try {
            runs = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--runs [" + value + "] must be a whole number");
          }
        }
        case "--settle" -> {
          String value = value(args, ++i, "--settle");
          try {
            settle = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--settle [" + value + "] must be whole seconds");
          }
          if (settle < 0) {
            throw new IllegalArgumentException("--settle [" + value + "] must not be negative");
          }
        }
        case "--only" -> {
          lines = java.util.EnumSet.noneOf(Line.class);
          for (String id : value(args, ++i, "--only").split(",", -1)) {
            lines.add(Line.ofId(id.strip()));
          }
        }
        case "--root" -> root = Path.of(value(args, ++i, "--root"));
        case "--results" -> results = Path.of(value(args, ++i, "--results"));
        default -> throw new IllegalArgumentException("unknown argument [" + args[i] + "]");
      }
    }
    root = root.toAbsolutePath().normalize();
    return new Options(
        runs != null ? runs : quick ? 1 : 3,
        quick,
        root,
        results != null ? results.toAbsolutePath() : root.resolve("bench/results"),
        quick ? Duration.ofMinutes(5) : Duration.ofMinutes(30),
        Duration.ofSeconds(settle != null ? settle : quick ? 0 : 10),
        lines);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  /** Runs the benchmark, logging progress to {@code log}. */
  public static Outcome run(Options options, PrintStream log)
      throws IOException, InterruptedException {
    return new Bench(options, log).run();
  }

  private Outcome run() throws IOException, InterruptedException {
    Layout layout = Layout.of(options.root(), options.quick());
    ProcessTimer timer = ProcessTimer.detect();
    List<Workload> workloads = options.quick() ? Workload.quick() : Workload.full();
    ZonedDateTime start = ZonedDateTime.now(ZoneOffset.UTC);
    String loadAtStart = loadAverage();
    Path targetDir = options.root().resolve("bench/target");
    Files.createDirectories(targetDir);
    Path work = Files.createTempDirectory(targetDir, "bench-work-");
    log.printf(
        "bench: %s, %d run(s), settle up to %ds, measured by %s, work folder %s%n",
        options.quick() ? "quick smoke sizes, JVMs " + Layout.QUICK_FLAGS : "full sizes",
        options.runs(),
        options.settle().toSeconds(),
        timer.method().description(),
        work);

    // Outside the timing: the definitions and the binary inputs, written once.
    for (Workload w : workloads) {
      DefinitionWriter.write(MapTask.of(w.function().newTask()).build(), definition(work, w));
      for (int n : options.runs(Line.VARIANTS) ? w.sizes() : List.<Integer>of()) {
        writeInputs(inputs(work, w, n), n);
      }
    }
    double burnMillis = burnMillisPerElement();
    log.printf(Locale.ROOT, "bench: burn_cpu takes %.2f ms of CPU per element here%n", burnMillis);

    List<Measurement> measurements = new ArrayList<>();
    if (!options.quick() && options.runs(Line.VARIANTS)) {
      warmUp(layout, timer, work, workloads.get(0));
    }
    List<Variant> order = new ArrayList<>(List.of(Variant.values()));
    int runs = options.runs(Line.VARIANTS) ? options.runs() : 0;
    int total = runs * workloads.size() * 2 * order.size();
    int done = 0;
    for (int run = 1; run <= runs; run++) {
      for (Workload w : workloads) {
        for (int n : w.sizes()) {
          for (Variant v : order) {
            Measurement m = measure(layout, timer, work, w, n, v, run);
            measurements.add(m);
            done++;
            log.printf(
                Locale.ROOT,
                "[%3d/%d] %-8s N=%-8d %-22s run %d: %7.2f s %7.2f CPU s %6s MiB, others %4.2f"
                    + " cores  %s%n",
                done,
                total,
                w.name(),
                n,
                v.id(),
                run,
                m.wallSeconds(),
                m.cpuSeconds(),
                Report.mib(m.peakRssBytes()),
                m.othersCores(),
                m.checksum());
            List<String> problems = Report.checksumProblems(workloads, measurements);
            if (!problems.isEmpty()) {
              throw new BenchFailedException(
                  "checksums disagree, the numbers cannot be trusted (work folder kept: "
                      + work
                      + "):\n  "
                      + String.join("\n  ", problems));
            }
          }
        }
      }
      // The next run starts with another variant, so none is always first or last.
      Collections.rotate(order, -1);
    }

    List<Measurement> big =
        options.runs(Line.BIG) ? measureBig(layout, timer, work, trivial(workloads)) : List.of();
    List<Measurement> container = new ArrayList<>();
    List<Measurement> containerTwin = new ArrayList<>();
    if (options.runs(Line.CONTAINER)) {
      measureContainer(layout, timer, work, container, containerTwin);
    }
    List<Measurement> workflow =
        options.runs(Line.WORKFLOW) ? measureWorkflow(layout, timer, work) : List.of();
    List<Measurement> workflowMap =
        options.runs(Line.MAP_OVER_LAUNCH_PLAN)
            ? WorkflowMapLine.measure(
                layout,
                work,
                options.quick() ? WORKFLOW_MAP_QUICK_N : WORKFLOW_MAP_N,
                options.runs(),
                (command, out, err, what, n) -> runTimed(timer, command, out, err, what, n),
                log)
            : List.of();

    List<Measurement> quickstart = new ArrayList<>();
    List<Measurement> quickstartTwin = new ArrayList<>();
    if (options.runs(Line.QUICKSTART)) {
      measureQuickstart(layout, timer, work, quickstart, quickstartTwin);
    }
    Optional<Report.JavaApi> javaApi =
        options.runs(Line.JAVA_API)
            ? Optional.of(measureJavaApi(layout, timer, work))
            : Optional.empty();

    Report.Meta meta =
        new Report.Meta(
            start.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
            machine(),
            options.runs(),
            options.quick(),
            timer.method().description(),
            burnMillis,
            loadAtStart + " / " + loadAverage());
    Report report =
        Report.of(
            meta,
            options.runs(Line.VARIANTS) ? workloads : List.of(),
            measurements,
            new Report.Lines(
                big,
                container,
                containerTwin,
                workflow,
                workflowMap,
                quickstart,
                quickstartTwin,
                javaApi));
    Files.createDirectories(options.resultsDir());
    String stem =
        start.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'"))
            + (options.quick() ? "-quick" : "");
    Path md = options.resultsDir().resolve(stem + ".md");
    Path json = options.resultsDir().resolve(stem + ".json");
    Files.writeString(md, report.markdown(), StandardCharsets.UTF_8);
    Files.writeString(json, report.json(), StandardCharsets.UTF_8);
    deleteTree(work);
    return new Outcome(report, md, json);
  }

  /** Every variant once, untimed: fails early if one is broken, and warms the page cache. */
  private void warmUp(Layout layout, ProcessTimer timer, Path work, Workload w)
      throws IOException, InterruptedException {
    Workload small = new Workload(w.label(), w.function(), WARM_UP_N, WARM_UP_N * 2);
    DefinitionWriter.write(MapTask.of(small.function().newTask()).build(), definition(work, small));
    writeInputs(inputs(work, small, WARM_UP_N), WARM_UP_N);
    List<Measurement> ms = new ArrayList<>();
    for (Variant v : Variant.values()) {
      ms.add(measure(layout, timer, work, small, WARM_UP_N, v, 0));
    }
    List<String> problems = Report.checksumProblems(List.of(small), ms);
    if (!problems.isEmpty()) {
      throw new BenchFailedException("warm-up: " + String.join("; ", problems));
    }
    log.printf("bench: warm-up done, every variant runs (%s N=%d)%n", w.name(), WARM_UP_N);
  }

  private Measurement measure(
      Layout layout, ProcessTimer timer, Path work, Workload w, int n, Variant v, int run)
      throws IOException, InterruptedException {
    String stem = w.name() + "-" + n + "-" + v.id() + "-run" + run;
    Path stdout = work.resolve(stem + ".out");
    Path stderr = work.resolve(stem + ".err");
    Path outputs = work.resolve(stem + ".outputs.pb");
    Variant.RunFiles files = new Variant.RunFiles(definition(work, w), inputs(work, w, n), outputs);
    ProcessTimer.Timed timed =
        runTimed(
            timer, v.command(layout, w, n, files), stdout, stderr, v.id() + " on " + w.name(), n);
    Checksum checksum;
    try {
      checksum =
          v.isFlyteBeam()
              ? Checksum.fromOutputs(outputs, OUTPUT)
              : Checksum.parse(Files.readString(stdout, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new BenchFailedException(
          v.id() + " on " + w.name() + " N=" + n + " left no checksum: " + e.getMessage());
    }
    Files.deleteIfExists(outputs);
    Files.deleteIfExists(stdout);
    Files.deleteIfExists(stderr);
    return Measurement.of(w.name(), v, n, run, timed, checksum);
  }

  private static Workload trivial(List<Workload> workloads) {
    return workloads.stream()
        .filter(w -> w.function() == BenchFunction.SQUARE)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no trivial workload to run big"));
  }

  /**
   * The big line, {@code runs} times: the flyte-beam CLI on Spark {@code local[2]} with {@link
   * #BIG_HEAP}, {@code w}'s function over a JSON Lines file of {@link #BIG_N} items, outputs to
   * {@code --outputs-dir}; each run's shards checked against the function's own checksum, then
   * deleted. The items file is written outside the timing and deleted at the end.
   */
  private List<Measurement> measureBig(Layout layout, ProcessTimer timer, Path work, Workload w)
      throws IOException, InterruptedException {
    int n = options.quick() ? BIG_QUICK_N : BIG_N;
    Path items = work.resolve("big-" + n + ".jsonl");
    Path inputs = work.resolve("big-" + n + ".inputs.json");
    writeJsonLines(items, n);
    Map<String, Object> reference =
        Map.of(INPUT, Map.of("uri", items.toAbsolutePath().toString(), "format", "jsonl"));
    Files.writeString(inputs, new ObjectMapper().writeValueAsString(reference));
    Checksum expected = expectedChecksum(w.function(), n);
    List<Measurement> out = new ArrayList<>();
    for (int run = 1; run <= options.runs(); run++) {
      String stem = "big-" + n + "-run" + run;
      Path stdout = work.resolve(stem + ".out");
      Path stderr = work.resolve(stem + ".err");
      Path outputsDir = work.resolve(stem + "-outputs");
      ProcessTimer.Timed timed =
          runTimed(
              timer,
              Variant.bigCommand(layout, BIG_HEAP, definition(work, w), inputs, outputsDir),
              stdout,
              stderr,
              "big " + w.name(),
              n);
      Checksum checksum;
      try {
        checksum = Checksum.fromShards(outputsDir.resolve("elements"), OUTPUT);
      } catch (IOException | IllegalArgumentException e) {
        throw new BenchFailedException(
            "big " + w.name() + " N=" + n + " left no valid shards: " + e.getMessage());
      }
      if (!checksum.equals(expected)) {
        throw new BenchFailedException(
            String.format(
                "checksums disagree, the numbers cannot be trusted (work folder kept: %s):%n"
                    + "  big %s N=%d run %d: the shards in %s hold [%s] but the function computes"
                    + " [%s]",
                work, w.name(), n, run, outputsDir, checksum, expected));
      }
      Measurement m = Measurement.of(w.name(), Variant.FLYTE_BEAM_SPARK, n, run, timed, checksum);
      out.add(m);
      log.printf(
          Locale.ROOT,
          "[big] %-8s N=%-8d %-22s run %d: %7.2f s %7.2f CPU s %6s MiB, others %4.2f cores  %s%n",
          w.name(),
          n,
          "flyte-beam-spark " + BIG_HEAP,
          run,
          m.wallSeconds(),
          m.cpuSeconds(),
          Report.mib(m.peakRssBytes()),
          m.othersCores(),
          checksum);
      deleteTree(outputsDir);
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
    Files.deleteIfExists(items);
    Files.deleteIfExists(inputs);
    return out;
  }

  /**
   * Runs one process of a line under the timer, after letting the machine settle; a non-zero exit
   * fails the benchmark with the end of the process's stderr.
   */
  private ProcessTimer.Timed runTimed(
      ProcessTimer timer, List<String> command, Path stdout, Path stderr, String what, int n)
      throws IOException, InterruptedException {
    return runTimed(timer, command, null, java.util.Set.of(), stdout, stderr, what, n);
  }

  /** As above, its stdin from {@code stdin} (null: none), without the variables {@code unset}. */
  private ProcessTimer.Timed runTimed(
      ProcessTimer timer,
      List<String> command,
      Path stdin,
      java.util.Set<String> unset,
      Path stdout,
      Path stderr,
      String what,
      int n)
      throws IOException, InterruptedException {
    if (!options.settle().isZero()) {
      ProcessTimer.settle(options.settle(), 0.5);
    }
    ProcessTimer.Timed timed = timer.run(command, stdin, unset, stdout, stderr, options.timeout());
    if (timed.exitCode() != 0) {
      throw new BenchFailedException(
          String.format(
              "%s N=%d failed (exit %d); its stderr (%s) ends:%n%s%ncommand: %s",
              what, n, timed.exitCode(), stderr, tail(stderr, 15), String.join(" ", command)));
    }
    return timed;
  }

  /**
   * The container line, {@code runs} times at each of its two sizes ({@link #CONTAINER_SMALL_N},
   * {@link #CONTAINER_N}): the flyte-beam CLI on the DirectRunner mapping a raw container task,
   * {@code sh -c 'echo $((x * 2)) > /var/outputs/y'}, over that many elements: one process per
   * element, at most one per core; and its twin in the same run, alternating which goes first: the
   * same {@code n} {@code sh -c} invocations through {@code xargs -P <cores>}, one process reading
   * the {@code n} inputs from its stdin. Each run's outputs are checked (every {@code y} twice its
   * {@code x}; every twin's file twice its name).
   */
  private void measureContainer(
      Layout layout,
      ProcessTimer timer,
      Path work,
      List<Measurement> out,
      List<Measurement> twinOut)
      throws IOException, InterruptedException {
    List<Integer> sizes =
        options.quick()
            ? List.of(CONTAINER_QUICK_SMALL_N, CONTAINER_QUICK_N)
            : List.of(CONTAINER_SMALL_N, CONTAINER_N);
    for (int n : sizes) {
      measureContainer(layout, timer, work, n, out, twinOut);
    }
  }

  /** The container line at one size, {@code runs} times, and its twin. */
  private void measureContainer(
      Layout layout,
      ProcessTimer timer,
      Path work,
      int n,
      List<Measurement> out,
      List<Measurement> twinOut)
      throws IOException, InterruptedException {
    Path definition = options.root().resolve(CONTAINER_DEFINITION);
    Path inputs = work.resolve("container-" + n + ".inputs.pb");
    writeInputs(inputs, n);
    Path twinInputs = work.resolve("container-" + n + ".xargs.txt");
    writeJsonLines(twinInputs, n);
    Checksum expected = new Checksum(n, (long) n * (n - 1), 0);
    for (int run = 1; run <= options.runs(); run++) {
      for (boolean twin : run % 2 == 1 ? List.of(false, true) : List.of(true, false)) {
        String stem = "container-" + n + (twin ? "-xargs" : "") + "-run" + run;
        Path stdout = work.resolve(stem + ".out");
        Path stderr = work.resolve(stem + ".err");
        Path outputs = work.resolve(stem + (twin ? ".outputs" : ".outputs.pb"));
        Checksum checksum;
        ProcessTimer.Timed timed;
        if (twin) {
          Files.createDirectories(outputs);
          timed =
              runTimed(
                  timer,
                  xargsCommand(ProcessTimer.cores(), outputs),
                  twinInputs,
                  java.util.Set.of(),
                  stdout,
                  stderr,
                  "container twin xargs",
                  n);
          checksum = xargsChecksum(outputs, n);
        } else {
          timed =
              runTimed(
                  timer,
                  Variant.containerCommand(layout, definition, inputs, outputs),
                  stdout,
                  stderr,
                  "container " + CONTAINER_WORKLOAD,
                  n);
          checksum = Checksum.ofRun(outputs, CONTAINER_OUTPUT, "container N=" + n);
        }
        if (!checksum.equals(expected)) {
          throw new BenchFailedException(
              String.format(
                  "container%s N=%d run %d: the outputs hold [%s] but twice each input is [%s]",
                  twin ? " twin (xargs)" : "", n, run, checksum, expected));
        }
        Measurement m =
            Measurement.of(
                twin ? CONTAINER_TWIN_WORKLOAD : CONTAINER_WORKLOAD,
                Variant.FLYTE_BEAM_DIRECT,
                n,
                run,
                timed,
                checksum);
        (twin ? twinOut : out).add(m);
        log.printf(
            Locale.ROOT,
            "[container] %-10s N=%-6d run %d: %7.2f s = %6.1f elements/s, %7.2f CPU s, %6s MiB,"
                + " others %4.2f cores  %s%n",
            twin ? "xargs -P " + ProcessTimer.cores() : "flyte-beam",
            n,
            run,
            m.wallSeconds(),
            n / m.wallSeconds(),
            m.cpuSeconds(),
            Report.mib(m.peakRssBytes()),
            m.othersCores(),
            checksum);
        if (twin) {
          deleteTree(outputs);
        } else {
          Files.deleteIfExists(outputs);
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      }
    }
    Files.deleteIfExists(inputs);
    Files.deleteIfExists(twinInputs);
  }

  /**
   * The container twin's command: {@code xargs} running, at most {@code cores} at a time, one
   * {@code sh -c 'echo $(($1 * 2)) > "$0/$1"' <dir> <x>} per line of its stdin; no shell around
   * {@code xargs}, and the inputs reach {@code sh} as arguments, not as script text.
   */
  static List<String> xargsCommand(int cores, Path outputsDir) {
    return List.of(
        "xargs",
        "-P",
        Integer.toString(cores),
        "-n",
        "1",
        "sh",
        "-c",
        "echo $(($1 * 2)) > \"$0/$1\"",
        outputsDir.toAbsolutePath().toString());
  }

  /** The twin's outputs: one file per input {@code 0..n-1}, each holding twice its name. */
  static Checksum xargsChecksum(Path outputsDir, int n) throws IOException {
    long sum = 0;
    long count = 0;
    for (int i = 0; i < n; i++) {
      Path file = outputsDir.resolve(Integer.toString(i));
      if (!Files.isRegularFile(file)) {
        continue;
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      long y;
      try {
        y = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new BenchFailedException(
            "container twin (xargs): [" + file + "] holds [" + text + "], not a number");
      }
      if (y != 2L * i) {
        throw new BenchFailedException(
            "container twin (xargs): [" + file + "] holds " + y + " but must hold " + 2L * i);
      }
      sum += y;
      count++;
    }
    return new Checksum(count, sum, n - count);
  }

  /**
   * The quick-start line, {@code runs} times each, alternating which goes first: the README's first
   * command through the {@code ./flyte-beam} launcher as users run it (its environment's {@link
   * #LAUNCHER_ENV} unset), after one untimed warm-up run that lets the launcher write its AppCDS
   * archive; and plain Beam's DirectRunner over {@link #QUICKSTART_N} elements ({@link
   * Variant#BEAM_DIRECT}, the bench's class path). The quick start's printed outputs and plain
   * Beam's checksum are checked every run.
   */
  private void measureQuickstart(
      Layout layout,
      ProcessTimer timer,
      Path work,
      List<Measurement> out,
      List<Measurement> twinOut)
      throws IOException, InterruptedException {
    List<String> quickstart =
        List.of(
            options.root().resolve("flyte-beam").toString(),
            "run",
            "--definition",
            options.root().resolve(QUICKSTART_DEFINITION).toString(),
            "--inputs",
            options.root().resolve(QUICKSTART_INPUTS).toString());
    Workload square = new Workload("quickstart twin", BenchFunction.SQUARE, 1, QUICKSTART_N);
    List<String> plainBeam =
        Variant.BEAM_DIRECT.command(
            layout,
            square,
            QUICKSTART_N,
            new Variant.RunFiles(
                work.resolve("unused"), work.resolve("unused"), work.resolve("unused")));
    Checksum expectedTwin = expectedChecksum(BenchFunction.SQUARE, QUICKSTART_N);
    // The warm-up: the launcher's first run with this class path writes its archive at exit.
    Path warmOut = work.resolve("quickstart-warm-up.out");
    Path warmErr = work.resolve("quickstart-warm-up.err");
    timer.run(quickstart, null, LAUNCHER_ENV, warmOut, warmErr, options.timeout());
    quickstartChecksum(warmOut, warmErr);
    log.printf("bench: quick start warm-up done (the launcher's archive written)%n");
    for (int run = 1; run <= options.runs(); run++) {
      for (boolean twin : run % 2 == 1 ? List.of(false, true) : List.of(true, false)) {
        String stem = "quickstart" + (twin ? "-plain-beam" : "") + "-run" + run;
        Path stdout = work.resolve(stem + ".out");
        Path stderr = work.resolve(stem + ".err");
        ProcessTimer.Timed timed =
            runTimed(
                timer,
                twin ? plainBeam : quickstart,
                null,
                twin ? java.util.Set.of() : LAUNCHER_ENV,
                stdout,
                stderr,
                twin ? "quick start twin (plain Beam)" : "quick start (./flyte-beam)",
                QUICKSTART_N);
        Checksum checksum;
        if (twin) {
          try {
            checksum = Checksum.parse(Files.readString(stdout, StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            throw new BenchFailedException("quick start twin (plain Beam): " + e.getMessage());
          }
          if (!checksum.equals(expectedTwin)) {
            throw new BenchFailedException(
                "quick start twin (plain Beam): computed ["
                    + checksum
                    + "] but the function computes ["
                    + expectedTwin
                    + "]");
          }
        } else {
          checksum = quickstartChecksum(stdout, stderr);
        }
        Measurement m =
            Measurement.of(
                twin ? QUICKSTART_TWIN_WORKLOAD : QUICKSTART_WORKLOAD,
                twin ? Variant.BEAM_DIRECT : Variant.FLYTE_BEAM_DIRECT,
                QUICKSTART_N,
                run,
                timed,
                checksum);
        (twin ? twinOut : out).add(m);
        log.printf(
            Locale.ROOT,
            "[quickstart] %-20s N=%d run %d: %7.2f s %7.2f CPU s %6s MiB, others %4.2f cores%n",
            twin ? "plain Beam direct" : "./flyte-beam",
            QUICKSTART_N,
            run,
            m.wallSeconds(),
            m.cpuSeconds(),
            Report.mib(m.peakRssBytes()),
            m.othersCores());
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      }
    }
    Files.deleteIfExists(warmOut);
    Files.deleteIfExists(warmErr);
  }

  /**
   * The quick start's printed outputs, {@code {"o0": ["hello earth!", "hello mars!"]}}, as the
   * README shows them; anything else fails the bench.
   */
  static Checksum quickstartChecksum(Path stdout, Path stderr) throws IOException {
    String text = Files.readString(stdout, StandardCharsets.UTF_8);
    List<String> got = new ArrayList<>();
    try {
      com.fasterxml.jackson.databind.JsonNode o0 = new ObjectMapper().readTree(text).path("o0");
      for (com.fasterxml.jackson.databind.JsonNode x : o0) {
        got.add(x.asText());
      }
    } catch (IOException e) {
      got = List.of();
    }
    if (!got.equals(QUICKSTART_OUTPUT)) {
      throw new BenchFailedException(
          String.format(
              "the quick start printed [%s] but must print o0 = %s; its stderr (%s) ends:%n%s",
              text.strip(), QUICKSTART_OUTPUT, stderr, tail(stderr, 15)));
    }
    return new Checksum(got.size(), 0, 0);
  }

  /**
   * The Java-API line, {@code runs} JVMs: {@link #JAVA_API_MAIN} calling {@code FlyteBeam.run}
   * {@link #JAVA_API_CALLS} times for {@link #JAVA_API_N} elements and printing the median of calls
   * {@link #JAVA_API_FIRST_COUNTED} onwards, each JVM timed as a whole process too. The main checks
   * every call's outputs (a wrong one exits non-zero, which fails the bench).
   */
  private Report.JavaApi measureJavaApi(Layout layout, ProcessTimer timer, Path work)
      throws IOException, InterruptedException {
    int calls = options.quick() ? JAVA_API_QUICK_CALLS : JAVA_API_CALLS;
    int first = options.quick() ? JAVA_API_QUICK_FIRST_COUNTED : JAVA_API_FIRST_COUNTED;
    List<String> command = new ArrayList<>();
    command.add(layout.java().toString());
    command.addAll(layout.jvmFlags());
    command.addAll(
        List.of(
            "-cp",
            layout.variantClasspath(),
            JAVA_API_MAIN,
            Integer.toString(calls),
            Integer.toString(first),
            Integer.toString(JAVA_API_N)));
    List<Double> medians = new ArrayList<>();
    List<Measurement> processes = new ArrayList<>();
    for (int run = 1; run <= options.runs(); run++) {
      Path stdout = work.resolve("java-api-run" + run + ".out");
      Path stderr = work.resolve("java-api-run" + run + ".err");
      ProcessTimer.Timed timed =
          runTimed(timer, command, stdout, stderr, "java-api " + JAVA_API_MAIN, JAVA_API_N);
      double median = javaApiMedian(Files.readString(stdout, StandardCharsets.UTF_8));
      medians.add(median);
      Checksum checksum = new Checksum(calls, 0, 0);
      processes.add(
          Measurement.of(
              JAVA_API_WORKLOAD, Variant.FLYTE_BEAM_DIRECT, JAVA_API_N, run, timed, checksum));
      log.printf(
          Locale.ROOT,
          "[java-api] N=%d run %d: median of calls %d..%d %8.1f ms; JVM %7.2f s %7.2f CPU s %6s"
              + " MiB, others %4.2f cores%n",
          JAVA_API_N,
          run,
          first,
          calls,
          median,
          timed.wallSeconds(),
          timed.cpuSeconds(),
          Report.mib(timed.peakRssBytes()),
          timed.othersCores());
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
    Report.Big process =
        new Report.Big(
            JAVA_API_WORKLOAD,
            JAVA_API_N,
            processes.size(),
            Report.median(processes, Measurement::wallSeconds),
            Report.median(processes, Measurement::cpuSeconds),
            processes.stream().mapToLong(Measurement::peakRssBytes).max().orElse(0),
            Report.median(
                processes.stream().filter(m -> !Double.isNaN(m.othersCores())).toList(),
                Measurement::othersCores),
            new Checksum(calls, 0, 0));
    return new Report.JavaApi(JAVA_API_N, calls, first, medians, process);
  }

  /** The figure the Java-API main prints: {@code median_ms=<ms>}. */
  static double javaApiMedian(String stdout) {
    for (String line : stdout.split("\n")) {
      if (line.startsWith(JavaApiCalls.MEDIAN_PREFIX)) {
        try {
          return Double.parseDouble(line.substring(JavaApiCalls.MEDIAN_PREFIX.length()).strip());
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new BenchFailedException(
        "java-api: its JVM printed no [" + JavaApiCalls.MEDIAN_PREFIX + "<ms>] line");
  }

  /**
   * The workflow line, {@code runs} times on each of {@link #WORKFLOW_RUNNERS}: the flyte-beam CLI
   * running {@link #WORKFLOW_DEFINITION} ({@code range(n) -> map square -> total -> format_abc ->
   * to_upper}, five nodes, one process) at {@code n = }{@link #WORKFLOW_N}, and the map of {@code
   * square} alone over the same {@code n} ints, each a whole process, alternating which goes first.
   * Every run's outputs are checked: the map's list against the function's checksum, the workflow's
   * total against the same sum and its report against the total.
   */
  private List<Measurement> measureWorkflow(Layout layout, ProcessTimer timer, Path work)
      throws IOException, InterruptedException {
    int n = options.quick() ? WORKFLOW_QUICK_N : WORKFLOW_N;
    Path workflowDefinition = options.root().resolve(WORKFLOW_DEFINITION);
    Path mapDefinition = work.resolve("workflow-map.def.pb");
    DefinitionWriter.write(MapTask.of(BenchFunction.SQUARE.newTask()).build(), mapDefinition);
    Path mapInputs = work.resolve("workflow-map-" + n + ".inputs.pb");
    writeInputs(mapInputs, n);
    Path workflowInputs = work.resolve("workflow-" + n + ".inputs.json");
    Files.writeString(workflowInputs, "{\"n\": " + n + "}");
    Checksum expected = expectedChecksum(BenchFunction.SQUARE, n);
    List<Measurement> out = new ArrayList<>();
    for (int run = 1; run <= options.runs(); run++) {
      for (Variant runner : WORKFLOW_RUNNERS) {
        List<String> order =
            run % 2 == 1
                ? List.of(WORKFLOW_MAP, WORKFLOW_WHOLE)
                : List.of(WORKFLOW_WHOLE, WORKFLOW_MAP);
        for (String what : order) {
          boolean whole = what.equals(WORKFLOW_WHOLE);
          String stem = "workflow-" + what + "-" + runner.id() + "-run" + run;
          Path stdout = work.resolve(stem + ".out");
          Path stderr = work.resolve(stem + ".err");
          Path outputs = work.resolve(stem + ".outputs.pb");
          ProcessTimer.Timed timed =
              runTimed(
                  timer,
                  runner.runCommand(
                      layout,
                      whole ? workflowDefinition : mapDefinition,
                      whole ? workflowInputs : mapInputs,
                      outputs),
                  stdout,
                  stderr,
                  "workflow line " + what + " on " + runner.id(),
                  n);
          Checksum checksum =
              whole ? workflowChecksum(outputs, n, expected) : mapChecksum(outputs, n, expected);
          Measurement m =
              new Measurement(
                  what,
                  runner,
                  n,
                  run,
                  timed.wallSeconds(),
                  timed.peakRssBytes(),
                  timed.cpuSeconds(),
                  timed.othersCores(),
                  checksum);
          out.add(m);
          log.printf(
              Locale.ROOT,
              "[workflow] %-15s N=%-7d %-18s run %d: %7.2f s %7.2f CPU s %6s MiB, others %4.2f"
                  + " cores  %s%n",
              whole ? "5-node workflow" : "map alone",
              n,
              runner.id(),
              run,
              m.wallSeconds(),
              m.cpuSeconds(),
              Report.mib(m.peakRssBytes()),
              m.othersCores(),
              checksum);
          Files.deleteIfExists(outputs);
          Files.deleteIfExists(stdout);
          Files.deleteIfExists(stderr);
        }
      }
    }
    return out;
  }

  private static Checksum mapChecksum(Path outputs, int n, Checksum expected) {
    Checksum checksum = Checksum.ofRun(outputs, OUTPUT, "workflow line: the map alone N=" + n);
    if (!checksum.equals(expected)) {
      throw new BenchFailedException(
          String.format(
              "workflow line: the map alone's outputs hold [%s] but the function computes [%s]",
              checksum, expected));
    }
    return checksum;
  }

  /**
   * The workflow's outputs: {@code total}, the sum of the squares, must be the function's own sum;
   * {@code report} the total formatted and upper-cased, as its last two nodes make it.
   */
  static Checksum workflowChecksum(Path outputs, int n, Checksum expected) {
    LiteralMap map = Checksum.readOutputs(outputs, "workflow line: the workflow N=" + n);
    Literal total = map.getLiteralsMap().get("total");
    Literal report = map.getLiteralsMap().get("report");
    String expectedReport = (expected.sum() + " - 0.5 - sum of squares").toUpperCase(Locale.ROOT);
    if (total == null
        || report == null
        || total.getScalar().getPrimitive().getInteger() != expected.sum()
        || !report.getScalar().getPrimitive().getStringValue().equals(expectedReport)) {
      throw new BenchFailedException(
          String.format(
              "workflow line: the workflow's outputs are [%s] but its total must be [%d] and its"
                  + " report [%s]",
              map.toString().replace('\n', ' '), expected.sum(), expectedReport));
    }
    return new Checksum(n, total.getScalar().getPrimitive().getInteger(), 0);
  }

  /** {@code 0} to {@code n-1}, one per line: the big line's items. */
  static void writeJsonLines(Path file, int n) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        out.write(Integer.toString(i));
        out.write('\n');
      }
    }
  }

  /** What every variant must compute for {@code f} over {@code 0} to {@code n-1}. */
  static Checksum expectedChecksum(BenchFunction f, int n) {
    long sum = 0;
    try {
      for (long i = 0; i < n; i++) {
        sum += f.apply(i);
      }
    } catch (Exception e) {
      throw new IllegalStateException(f.taskName() + " failed in the harness: " + e, e);
    }
    return new Checksum(n, sum, 0);
  }

  private static Path definition(Path work, Workload w) {
    return work.resolve(w.name() + ".def.pb");
  }

  private static Path inputs(Path work, Workload w, int n) {
    return work.resolve(w.name() + "-" + n + ".inputs.pb");
  }

  /** {@code {x: [0, 1, ..., n-1]}} as a binary LiteralMap: the inputs every variant maps. */
  static void writeInputs(Path file, int n) throws IOException {
    LiteralCollection.Builder list = LiteralCollection.newBuilder();
    for (long i = 0; i < n; i++) {
      list.addLiterals(
          Literal.newBuilder()
              .setScalar(Scalar.newBuilder().setPrimitive(Primitive.newBuilder().setInteger(i))));
    }
    LiteralMap map =
        LiteralMap.newBuilder()
            .putLiterals(INPUT, Literal.newBuilder().setCollection(list).build())
            .build();
    Files.write(file, map.toByteArray());
  }

  /** burn_cpu's CPU time per element on this machine, one thread, after a warm-up. */
  static double burnMillisPerElement() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int i = 0; i < 100; i++) {
      sink += Burn.burn(i);
    }
    int count = 300;
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < count; i++) {
      sink += Burn.burn(i);
    }
    double millis = (threads.getCurrentThreadCpuTime() - start) / 1e6 / count;
    // Keeps the loop's results alive, so the JIT cannot drop it.
    return sink == 42 ? millis + 1e-12 : millis;
  }

  private static String machine() {
    String cpu = "unknown CPU";
    long memKb = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memKb = Long.parseLong(line.substring(9).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the description stays shorter.
    }
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.0f GiB RAM, %s %s, Java %s (%s)",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memKb / 1024.0 / 1024.0,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

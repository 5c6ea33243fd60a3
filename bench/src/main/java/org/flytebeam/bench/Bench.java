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
import java.util.stream.Stream;
import org.flytebeam.bench.variants.BenchFunction;
import org.flytebeam.examples.Burn;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;

/**
 * The benchmark: maps the same function over the same inputs with every {@link Variant}, each run
 * as a whole process, at two sizes per {@link Workload}, {@code runs} times (variants interleaved
 * run by run, so the machine's noise spreads over all of them), checks that every checksum agrees,
 * then runs the big line (the flyte-beam CLI over {@link #BIG_N} JSON Lines items with {@code
 * --outputs-dir} in {@link #BIG_HEAP}, its shards checked the same way) and the container line (the
 * flyte-beam CLI mapping a raw container task over {@link #CONTAINER_N} elements, one process each,
 * its outputs checked), and writes the {@link Report} as Markdown and JSON.
 *
 * <pre>{@code
 * ./bench/run [--runs 3] [--quick]
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

  /** The container line's size: one process per element. */
  static final int CONTAINER_N = 500;

  static final int CONTAINER_QUICK_N = 20;

  static final String CONTAINER_WORKLOAD = "sh_double";

  /**
   * The container line's definition, relative to the repository's root: a raw container task
   * doubling {@code x} into {@code y}, the file the README runs from the command line.
   */
  static final String CONTAINER_DEFINITION = "runner/src/test/resources/containers/double.def.json";

  private static final String CONTAINER_OUTPUT = "y";

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
   */
  public record Options(
      int runs, boolean quick, Path root, Path resultsDir, Duration timeout, Duration settle) {
    public Options {
      if (runs < 1) {
        throw new IllegalArgumentException("--runs [" + runs + "] must be at least 1");
      }
      requireNonNull(root, "root");
      requireNonNull(resultsDir, "resultsDir");
      requireNonNull(timeout, "timeout");
      requireNonNull(settle, "settle");
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
      "usage: bench/run [--runs N] [--quick] [--settle SECONDS] [--results DIR] [--root DIR]\n"
          + "  --runs N       runs per variant and size, the median is reported (default 3; 1 with"
          + " --quick)\n"
          + "  --quick        smoke sizes: every variant and the correctness check, numbers"
          + " meaningless\n"
          + "  --settle S     before each process, wait up to S seconds for the rest of the machine"
          + " to\n"
          + "                 quiet down (default 10; 0 with --quick)\n"
          + "  --results DIR  where the Markdown and JSON go (default bench/results)\n"
          + "  --root DIR     the repository root (default .)";

  /** The options of {@code args}, or null for {@code --help}. */
  static Options parse(String[] args) {
    Integer runs = null;
    Integer settle = null;
    boolean quick = false;
    Path root = Path.of(".");
    Path results = null;
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
        Duration.ofSeconds(settle != null ? settle : quick ? 0 : 10));
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
      for (int n : w.sizes()) {
        writeInputs(inputs(work, w, n), n);
      }
    }
    double burnMillis = burnMillisPerElement();
    log.printf(Locale.ROOT, "bench: burn_cpu takes %.2f ms of CPU per element here%n", burnMillis);

    List<Measurement> measurements = new ArrayList<>();
    if (!options.quick()) {
      warmUp(layout, timer, work, workloads.get(0));
    }
    List<Variant> order = new ArrayList<>(List.of(Variant.values()));
    int total = options.runs() * workloads.size() * 2 * order.size();
    int done = 0;
    for (int run = 1; run <= options.runs(); run++) {
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

    List<Measurement> big = measureBig(layout, timer, work, trivial(workloads));
    List<Measurement> container = measureContainer(layout, timer, work);

    Report.Meta meta =
        new Report.Meta(
            start.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
            machine(),
            options.runs(),
            options.quick(),
            timer.method().description(),
            burnMillis,
            loadAtStart + " / " + loadAverage());
    Report report = Report.of(meta, workloads, measurements, big, container);
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
    if (!options.settle().isZero()) {
      ProcessTimer.settle(options.settle(), 0.5);
    }
    ProcessTimer.Timed timed = timer.run(command, stdout, stderr, options.timeout());
    if (timed.exitCode() != 0) {
      throw new BenchFailedException(
          String.format(
              "%s N=%d failed (exit %d); its stderr (%s) ends:%n%s%ncommand: %s",
              what, n, timed.exitCode(), stderr, tail(stderr, 15), String.join(" ", command)));
    }
    return timed;
  }

  /**
   * The container line, {@code runs} times: the flyte-beam CLI on the DirectRunner mapping a raw
   * container task, {@code sh -c 'echo $((x * 2)) > /var/outputs/y'}, over {@link #CONTAINER_N}
   * elements: one process per element, at most one per core. Each run's outputs are checked (every
   * {@code y} twice its {@code x}).
   */
  private List<Measurement> measureContainer(Layout layout, ProcessTimer timer, Path work)
      throws IOException, InterruptedException {
    int n = options.quick() ? CONTAINER_QUICK_N : CONTAINER_N;
    Path definition = options.root().resolve(CONTAINER_DEFINITION);
    Path inputs = work.resolve("container-" + n + ".inputs.pb");
    writeInputs(inputs, n);
    Checksum expected = new Checksum(n, (long) n * (n - 1), 0);
    List<Measurement> out = new ArrayList<>();
    for (int run = 1; run <= options.runs(); run++) {
      String stem = "container-" + n + "-run" + run;
      Path stdout = work.resolve(stem + ".out");
      Path stderr = work.resolve(stem + ".err");
      Path outputs = work.resolve(stem + ".outputs.pb");
      ProcessTimer.Timed timed =
          runTimed(
              timer,
              Variant.containerCommand(layout, definition, inputs, outputs),
              stdout,
              stderr,
              "container " + CONTAINER_WORKLOAD,
              n);
      Checksum checksum;
      try {
        checksum = Checksum.fromOutputs(outputs, CONTAINER_OUTPUT);
      } catch (IOException | IllegalArgumentException e) {
        throw new BenchFailedException(
            "container N=" + n + " left no valid outputs: " + e.getMessage());
      }
      if (!checksum.equals(expected)) {
        throw new BenchFailedException(
            String.format(
                "container N=%d run %d: the outputs hold [%s] but twice each input is [%s]",
                n, run, checksum, expected));
      }
      Measurement m =
          Measurement.of(CONTAINER_WORKLOAD, Variant.FLYTE_BEAM_DIRECT, n, run, timed, checksum);
      out.add(m);
      log.printf(
          Locale.ROOT,
          "[container] N=%-6d run %d: %7.2f s = %6.1f elements/s, %7.2f CPU s, %6s MiB, others"
              + " %4.2f cores  %s%n",
          n,
          run,
          m.wallSeconds(),
          n / m.wallSeconds(),
          m.cpuSeconds(),
          Report.mib(m.peakRssBytes()),
          m.othersCores(),
          checksum);
      Files.deleteIfExists(outputs);
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
    Files.deleteIfExists(inputs);
    return out;
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

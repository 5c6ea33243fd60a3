package org.flytebeam.bench;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flytebeam.bench.variants.PlainBeam;
import org.flytebeam.bench.variants.RawStream;
import org.flytebeam.bench.variants.SparkRdd;

/** One way to map the function: the flyte-beam CLI, or what a user would write instead. */
public enum Variant {
  FLYTE_BEAM_DIRECT("flyte-beam-direct", "flyte-beam CLI, DirectRunner"),
  FLYTE_BEAM_SPARK("flyte-beam-spark", "flyte-beam CLI, SparkRunner local[2]"),
  BEAM_DIRECT("beam-direct", "plain Beam MapElements+exceptionsVia, DirectRunner defaults"),
  BEAM_DIRECT_NOENFORCE(
      "beam-direct-noenforce", "plain Beam, DirectRunner, enforceImmutability/Encodability off"),
  BEAM_SPARK("beam-spark", "plain Beam, SparkRunner local[2]"),
  SPARK_RDD("spark-rdd", "Spark RDD parallelize/map/collect, local[2]"),
  RAW_STREAM("raw-stream", "raw Java parallel stream");

  private final String id;
  private final String description;

  Variant(String id, String description) {
    this.id = id;
    this.description = description;
  }

  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** True for the flyte-beam CLI, whose checksum the harness reads from the outputs file. */
  public boolean isFlyteBeam() {
    return this == FLYTE_BEAM_DIRECT || this == FLYTE_BEAM_SPARK;
  }

  /** Plain Beam on the same runner, which a flyte-beam variant is compared with. */
  public Optional<Variant> plainBeamPeer() {
    return switch (this) {
      case FLYTE_BEAM_DIRECT -> Optional.of(BEAM_DIRECT);
      case FLYTE_BEAM_SPARK -> Optional.of(BEAM_SPARK);
      default -> Optional.empty();
    };
  }

  public static Variant ofId(String id) {
    for (Variant v : values()) {
      if (v.id.equals(id)) {
        return v;
      }
    }
    throw new IllegalArgumentException("variant [" + id + "] is unknown");
  }

  /**
   * The whole process's command line.
   *
   * @param files the definition, inputs and outputs files (used by the flyte-beam variants only)
   */
  List<String> command(Layout layout, Workload workload, int n, RunFiles files) {
    if (isFlyteBeam()) {
      List<String> run =
          new ArrayList<>(
              List.of(
                  "--definition",
                  files.definition().toString(),
                  "--inputs",
                  files.inputs().toString(),
                  "--outputs",
                  files.outputs().toString()));
      if (this == FLYTE_BEAM_SPARK) {
        run.addAll(List.of("--runner", "SparkRunner", "--spark-master", "local[2]"));
      }
      return flyteBeamRun(layout, List.of(), run);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(layout.java().toString());
    cmd.addAll(layout.jvmFlags());
    cmd.add("-cp");
    cmd.add(layout.variantClasspath());
    String name = workload.function().taskName();
    String size = Integer.toString(n);
    switch (this) {
      case BEAM_DIRECT -> cmd.addAll(List.of(PlainBeam.class.getName(), "direct", name, size));
      case BEAM_DIRECT_NOENFORCE ->
          cmd.addAll(List.of(PlainBeam.class.getName(), "direct-noenforce", name, size));
      case BEAM_SPARK -> cmd.addAll(List.of(PlainBeam.class.getName(), "spark", name, size));
      case SPARK_RDD -> cmd.addAll(List.of(SparkRdd.class.getName(), name, size));
      case RAW_STREAM -> cmd.addAll(List.of(RawStream.class.getName(), name, size));
      default -> throw new AssertionError(this);
    }
    return cmd;
  }

  /**
   * The big line's command: the flyte-beam CLI on the SparkRunner {@code local[2]} with {@code
   * heap} (such as {@code -Xmx512m}), the workers writing sharded outputs to {@code outputsDir}, no
   * progress. Unlike the other flyte-beam lines, a plain {@code java} with the JVM's defaults, as
   * this line has always been measured: it is the reference for "no slowdown" between versions of
   * the engine, and a run of this length is one for the launcher's full JIT ({@code
   * FLYTE_BEAM_JIT=full}; its C1-only default is for runs of seconds, see docs/performance.md).
   */
  static List<String> bigCommand(
      Layout layout, String heap, Path definition, Path inputs, Path outputsDir) {
    return plainJavaRun(
        layout,
        List.of(heap),
        List.of(
            "--definition",
            definition.toString(),
            "--inputs",
            inputs.toString(),
            "--outputs-dir",
            outputsDir.toString(),
            "--runner",
            "SparkRunner",
            "--spark-master",
            "local[2]",
            "--quiet"));
  }

  /** The container line's command: the flyte-beam launcher on the DirectRunner, no progress. */
  static List<String> containerCommand(Layout layout, Path definition, Path inputs, Path outputs) {
    return flyteBeamRun(layout, List.of(), runArgs(definition, inputs, outputs));
  }

  /** The files of a bench run and no progress: what every {@code flyte-beam run} here is given. */
  private static List<String> runArgs(Path definition, Path inputs, Path outputs) {
    return List.of(
        "--definition",
        definition.toString(),
        "--inputs",
        inputs.toString(),
        "--outputs",
        outputs.toString(),
        "--quiet");
  }

  /**
   * The workflow line's command: the flyte-beam CLI running {@code definition} (a map or a
   * workflow) on this variant's runner ({@link #FLYTE_BEAM_DIRECT} or {@link #FLYTE_BEAM_SPARK},
   * {@code local[2]}) through the launcher, outputs to {@code outputs}, no progress: the map alone
   * and the workflow run with the same command but for their files.
   */
  List<String> runCommand(Layout layout, Path definition, Path inputs, Path outputs) {
    if (!isFlyteBeam()) {
      throw new IllegalArgumentException(id + " is not a flyte-beam variant");
    }
    List<String> run = new ArrayList<>(runArgs(definition, inputs, outputs));
    if (this == FLYTE_BEAM_SPARK) {
      run.addAll(List.of("--runner", "SparkRunner", "--spark-master", "local[2]"));
    }
    return flyteBeamRun(layout, List.of(), run);
  }

  /**
   * {@code flyte-beam run} through the {@code ./flyte-beam} launcher, as users run it (its JIT
   * setting and class-data archive included), the example tasks' jar on its class path ({@code
   * FLYTE_BEAM_CLASSPATH}), {@code jvmFlags} and the smoke run's flags in {@code
   * FLYTE_BEAM_JAVA_OPTS}, then the run's {@code args}. The caller's own launcher settings are
   * unset ({@code env -u}, no shell), so they do not change what is measured.
   */
  private static List<String> flyteBeamRun(
      Layout layout, List<String> jvmFlags, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("env"));
    for (String name : new java.util.TreeSet<>(Bench.LAUNCHER_ENV)) {
      cmd.addAll(List.of("-u", name));
    }
    cmd.add("FLYTE_BEAM_CLASSPATH=" + layout.examplesJar());
    List<String> javaOpts = new ArrayList<>(layout.smokeFlags());
    javaOpts.addAll(jvmFlags);
    if (!javaOpts.isEmpty()) {
      cmd.add("FLYTE_BEAM_JAVA_OPTS=" + String.join(" ", javaOpts));
    }
    cmd.add(layout.launcher().toString());
    cmd.add("run");
    cmd.addAll(args);
    return cmd;
  }

  /**
   * {@code flyte-beam run} from the shaded jar with a plain {@code java}: the example tasks' jar on
   * the class path, the variants' JVM flags, then {@code jvmFlags}, then the run's {@code args}.
   */
  private static List<String> plainJavaRun(
      Layout layout, List<String> jvmFlags, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(layout.java().toString());
    cmd.addAll(layout.jvmFlags());
    cmd.addAll(jvmFlags);
    cmd.addAll(
        List.of(
            "-cp",
            layout.flyteBeamJar() + File.pathSeparator + layout.examplesJar(),
            "org.flytebeam.runner.Main",
            "run"));
    cmd.addAll(args);
    return cmd;
  }

  /** A flyte-beam run's files: written once per workload and size, outside the timing. */
  record RunFiles(Path definition, Path inputs, Path outputs) {}
}

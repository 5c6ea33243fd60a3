package org.flytebeam.bench;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flytebeam.runner.FlyteBeam;

/**
 * Where the variants' programs are: the JVM and its flags for the plain variants (the flags Spark
 * needs on Java 17, otherwise the JVM's defaults), the {@code ./flyte-beam} launcher that runs the
 * flyte-beam variants as users run them (with its own JVM settings), the shaded flyte-beam jar, the
 * example tasks' jar it runs (not in the shaded jar, as for a user's own tasks), the classpath of
 * the plain variants, and the flags the smoke run adds to every JVM.
 */
record Layout(
    Path java,
    List<String> jvmFlags,
    Path launcher,
    Path flyteBeamJar,
    Path examplesJar,
    String variantClasspath,
    List<String> smokeFlags) {
  Layout {
    requireNonNull(java, "java");
    jvmFlags = List.copyOf(jvmFlags);
    requireNonNull(launcher, "launcher");
    smokeFlags = List.copyOf(smokeFlags);
    requireNonNull(flyteBeamJar, "flyteBeamJar");
    requireNonNull(examplesJar, "examplesJar");
    requireNonNull(variantClasspath, "variantClasspath");
  }

  /** The smoke run's extra JVM flags, the same for every variant. */
  static final List<String> QUICK_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /**
   * The built tree under {@code root}: {@code runner/target/flyte-beam.jar}, {@code
   * examples/target/flyte-beam-examples.jar}, {@code bench/target/classes} and {@code
   * bench/target/classpath.txt}.
   */
  static Layout of(Path root, boolean quick) throws IOException {
    Path launcher = root.resolve("flyte-beam");
    Path jar = root.resolve("runner/target/flyte-beam.jar");
    Path examples = root.resolve("examples/target/flyte-beam-examples.jar");
    Path classes = root.resolve("bench/target/classes");
    Path classpathFile = root.resolve("bench/target/classpath.txt");
    for (Path p : List.of(launcher, jar, examples, classes, classpathFile)) {
      if (!Files.exists(p)) {
        throw new IllegalStateException(
            "[" + p + "] does not exist: build first (./bench/run builds what is missing)");
      }
    }
    String classpath = classes + File.pathSeparator + Files.readString(classpathFile).strip();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // Every variant gets the flags Spark needs on Java 17, and otherwise the JVM's defaults. The
    // smoke run, whose numbers mean nothing, trades peak speed for start-up (C1 only, serial GC):
    // it is JVM start-up that dominates its processes.
    List<String> flags = new ArrayList<>(Arrays.asList(FlyteBeam.SPARK_JAVA17_FLAGS.split(" ")));
    if (quick) {
      flags.addAll(QUICK_FLAGS);
    }
    return new Layout(
        java, flags, launcher, jar, examples, classpath, quick ? QUICK_FLAGS : List.of());
  }
}

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
 * Where the variants' programs are: the JVM, its flags (the same for every variant), the shaded
 * flyte-beam jar, the example tasks' jar it runs (not in the shaded jar, as for a user's own
 * tasks), and the classpath of the plain variants.
 */
record Layout(
    Path java,
    List<String> jvmFlags,
    Path flyteBeamJar,
    Path examplesJar,
    String variantClasspath) {
  Layout {
    requireNonNull(java, "java");
    jvmFlags = List.copyOf(jvmFlags);
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
    Path jar = root.resolve("runner/target/flyte-beam.jar");
    Path examples = root.resolve("examples/target/flyte-beam-examples.jar");
    Path classes = root.resolve("bench/target/classes");
    Path classpathFile = root.resolve("bench/target/classpath.txt");
    for (Path p : List.of(jar, examples, classes, classpathFile)) {
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
    return new Layout(java, flags, jar, examples, classpath);
  }
}

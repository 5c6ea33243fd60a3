package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.flytebeam.runner.testing.ChildProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start in a JVM of its own, as the launcher runs it, with the JVM's class loading
 * logged: on the DirectRunner no class of Spark, Scala or Hadoop loads, and the outputs are right;
 * on Spark {@code local[1]} (the control) Spark's classes do load.
 */
class DirectClassesIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final List<String> NOT_ON_THE_DIRECT_PATH =
      List.of("org.apache.spark.", "scala.", "org.apache.hadoop.");

  private final Path root = Path.of(System.getProperty("flytebeam.it.root"));
  private final Path localJar = Path.of(System.getProperty("flytebeam.it.localJar"));
  private final Path examplesJar = Path.of(System.getProperty("flytebeam.it.examplesJar"));

  @TempDir Path work;

  @AfterEach
  void stop() {
    ChildProcesses.stopAll();
  }

  private record Run(int exit, String output, List<String> classes) {}

  private Run quickStart(String... extra) throws IOException {
    Path classLog = work.resolve("classes.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(FlyteBeam.SPARK_JAVA17_FLAGS.split(" ")));
    command.add("-Xlog:class+load=info:file=" + classLog);
    command.addAll(
        List.of(
            "-cp",
            localJar + ":" + examplesJar,
            "org.flytebeam.runner.Main",
            "run",
            "--definition",
            root.resolve("examples/definitions/say-hello.def.json").toString(),
            "--inputs",
            root.resolve("examples/definitions/say-hello.inputs.json").toString()));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    // No Hadoop configuration in sight, as on a machine without Hadoop.
    builder.environment().remove("HADOOP_CONF_DIR");
    builder.environment().remove("YARN_CONF_DIR");
    ChildProcesses.Child child = ChildProcesses.start(builder, work.resolve("run.log"));
    int exit = child.waitFor(TIMEOUT);
    List<String> classes = new ArrayList<>();
    for (String line : Files.readAllLines(classLog, StandardCharsets.UTF_8)) {
      // [0.012s][info][class,load] java.lang.Object source: shared objects file
      int tag = line.indexOf("[class,load] ");
      if (tag >= 0) {
        String rest = line.substring(tag + "[class,load] ".length());
        int space = rest.indexOf(' ');
        classes.add(space >= 0 ? rest.substring(0, space) : rest);
      }
    }
    return new Run(exit, child.output(), classes);
  }

  private static List<String> offPath(List<String> classes) {
    return classes.stream()
        .filter(c -> NOT_ON_THE_DIRECT_PATH.stream().anyMatch(c::startsWith))
        .toList();
  }

  @Test
  void shouldLoadNoSparkScalaOrHadoopClassOnTheDirectRunner() throws IOException {
    Run run = quickStart();

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("\"o0\"")
        .contains("\"hello earth!\", \"hello mars!\"")
        .contains("map succeeded: 2 of 2 elements succeeded");
    assertThat(run.classes()).contains("org.apache.beam.runners.direct.DirectRunner");
    assertThat(offPath(run.classes())).isEmpty();
  }

  @Test
  void shouldLoadSparkOnTheSparkRunner() throws IOException {
    Run run = quickStart("--runner", "SparkRunner", "--spark-master", "local[1]");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("\"hello earth!\", \"hello mars!\"");
    assertThat(run.classes()).anyMatch(c -> c.startsWith("org.apache.spark."));
    assertThat(run.classes()).anyMatch(c -> c.startsWith("scala."));
  }
}

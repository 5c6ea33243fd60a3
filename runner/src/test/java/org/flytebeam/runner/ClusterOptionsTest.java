package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flytebeam.examples.SayHello;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TaskJars;
import org.flytebeam.spec.MapTask;
import org.flytebeam.task.JavaTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What running on a cluster adds to {@code run}: --jars, spark-submit's master, remote paths. */
class ClusterOptionsTest {
  @TempDir Path dir;

  @AfterEach
  void clearSubmittedMaster() {
    System.clearProperty(SparkContexts.MASTER_PROPERTY);
  }

  private Path cubeDefinition(Path jar) throws IOException {
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, JavaTask.class.getClassLoader())) {
      for (JavaTask<?, ?> task : ServiceLoader.load(JavaTask.class, loader)) {
        if (!task.name().equals("it_cube")) {
          continue; // the test class path's own tasks
        }
        Path file = dir.resolve("cube.def.json");
        DefinitionWriter.write(MapTask.of(task).build(), file);
        return file;
      }
    }
    throw new AssertionError("no task in " + jar);
  }

  @Test
  void shouldResolveAUserTaskFromItsJarOnlyWhenGivenWithJars() throws IOException {
    // given: a task jar on no class path
    Path jar = TaskJars.build(dir, "user.jar", TaskJars.CUBE);
    Path def = cubeDefinition(jar);
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [0, 1, 2, 3]}");
    ClassLoader before = Thread.currentThread().getContextClassLoader();

    // when
    Cli without = Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString());
    Cli with =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--jars",
            jar.toString());

    // then
    assertThat(without.exitCode()).as(without.out() + without.err()).isEqualTo(ExitCode.INVALID);
    assertThat(without.err())
        .startsWith("error: ")
        .contains("no Java task named [it_cube]", "--jars");
    assertThat(with.exitCode()).as(with.err()).isEqualTo(ExitCode.SUCCESS);
    assertThat(with.out().replaceAll("\\s+", "")).isEqualTo("{\"o0\":[0,1,8,27]}");
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
  }

  @Test
  void shouldExitTwoNamingAMissingJar() throws IOException {
    Path def = dir.resolve("hello.def.json");
    DefinitionWriter.write(MapTask.of(new SayHello()).build(), def);
    Path inputs = Cli.write(dir, "in.json", "{\"name\": [\"a\"]}");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--jars",
            dir.resolve("missing.jar").toString());

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err())
        .startsWith("error: --jars file [")
        .contains("missing.jar", "does not exist");
    assertThat(cli.err().lines().count()).isEqualTo(1);
  }

  @Test
  void shouldReadAndWriteFileSystemUris() throws IOException {
    Path def = dir.resolve("hello.def.json");
    DefinitionWriter.write(MapTask.of(new SayHello()).build(), def);
    Path inputs = Cli.write(dir, "in.json", "{\"name\": [\"earth\"]}");
    Path outputs = dir.resolve("new/folder/out.json");
    Path workDir = dir.resolve("work");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toUri().toString(),
            "--inputs",
            inputs.toUri().toString(),
            "--outputs",
            outputs.toUri().toString(),
            "--work-dir",
            workDir.toUri().toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.SUCCESS);
    assertThat(Files.readString(outputs)).contains("hello earth!");
    try (var runs = Files.list(workDir)) {
      assertThat(runs.toList())
          .singleElement()
          .satisfies(run -> assertThat(run.resolve("verdict.bin")).isRegularFile());
    }
  }

  @Test
  void shouldOpenHdfsPathsThroughBeamsHadoopFileSystem() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String namenode = "hdfs://127.0.0.1:" + closedPort;
    String config =
        "--hdfsConfiguration=[{\"fs.defaultFS\": \""
            + namenode
            + "\","
            + " \"ipc.client.connect.max.retries\": \"0\","
            + " \"ipc.client.connect.max.retries.on.timeouts\": \"0\"}]";

    Cli unconfigured =
        Cli.run("run", "--definition", namenode + "/m.def.json", "--inputs", "in.json");
    Cli configured =
        Cli.run(
            "run", "--definition", namenode + "/m.def.json", "--inputs", "in.json", "--", config);

    // Without a Hadoop configuration Beam has no hdfs file system; with one it tries the namenode.
    assertThat(unconfigured.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(unconfigured.err()).contains("cannot open", "HADOOP_CONF_DIR");
    assertThat(configured.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(configured.err())
        .startsWith("error: --definition file [" + namenode + "/m.def.json] cannot be read")
        .contains("Connection refused");
    assertThat(configured.err().lines().count()).isEqualTo(1);
  }

  @Test
  void shouldRefuseASparkMasterOtherThanSparkSubmits() throws IOException {
    System.setProperty(SparkContexts.MASTER_PROPERTY, "spark://127.0.0.1:7077");

    Cli cli =
        Cli.run(
            "run", "--definition", "d.json", "--inputs", "i.json", "--spark-master", "local[2]");

    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err())
        .isEqualTo(
            "error: --spark-master [local[2]] differs from spark-submit's --master"
                + " [spark://127.0.0.1:7077]: give the master once, to spark-submit\n");
  }

  @Test
  void shouldRunOnSparkSubmitsMasterByDefault() {
    System.setProperty(SparkContexts.MASTER_PROPERTY, "spark://127.0.0.1:7077");
    RunCommand submitted = new RunCommand();
    new CommandLine(submitted).parseArgs("--definition", "d.json", "--inputs", "i.json");
    System.clearProperty(SparkContexts.MASTER_PROPERTY);
    RunCommand plain = new RunCommand();
    new CommandLine(plain).parseArgs("--definition", "d.json", "--inputs", "i.json");

    System.setProperty(SparkContexts.MASTER_PROPERTY, "spark://127.0.0.1:7077");
    RunOptions underSubmit = submitted.runOptions();
    System.clearProperty(SparkContexts.MASTER_PROPERTY);
    RunOptions alone = plain.runOptions();

    assertThat(underSubmit.runner()).isEqualTo(RunnerKind.SparkRunner);
    assertThat(underSubmit.sparkMaster()).isEqualTo("spark://127.0.0.1:7077");
    assertThat(alone.runner()).isEqualTo(RunnerKind.DirectRunner);
    assertThat(alone.sparkMaster()).isEqualTo("local[*]");
  }

  @Test
  void shouldAppendOnlyTheMissingJava17FlagsToExecutorOptions() {
    String user = "-XX:+UseG1GC --add-opens=java.base/java.lang=ALL-UNNAMED";

    String merged = SparkContexts.withJava17Flags(user);

    assertThat(merged).startsWith(user + " ");
    for (String flag : FlyteBeam.SPARK_JAVA17_FLAGS.split(" ")) {
      assertThat(merged.split(" ")).as(flag).containsOnlyOnce(flag);
    }
    assertThat(SparkContexts.withJava17Flags("")).isEqualTo(FlyteBeam.SPARK_JAVA17_FLAGS);
  }

  @Test
  void shouldStageOnlyTheUserJarsForALocalMaster() throws IOException {
    SparkPipelineOptions options = PipelineOptionsFactory.as(SparkPipelineOptions.class);
    options.setSparkMaster("local[2]");
    Path jar = Files.writeString(dir.resolve("tasks.jar"), "");

    List<String> staged = SparkContexts.jarsToStage(options, List.of(jar));

    assertThat(staged).containsExactly(jar.toString());
  }

  @Test
  void shouldRunAFewLanesPerWorkerThreadWhereTheThreadsAreKnown() {
    int perThread = FlyteBeam.LANES_PER_WORKER_THREAD;
    int cores = Runtime.getRuntime().availableProcessors();
    RunOptions spark = RunOptions.defaults().withRunner(RunnerKind.SparkRunner);

    assertThat(FlyteBeam.maxLanes(RunOptions.defaults())).isEqualTo(perThread * Math.max(2, cores));
    assertThat(FlyteBeam.maxLanes(spark.withSparkMaster("local[2]"))).isEqualTo(2 * perThread);
    assertThat(FlyteBeam.maxLanes(spark.withSparkMaster("local[3,2]"))).isEqualTo(3 * perThread);
    assertThat(FlyteBeam.maxLanes(spark.withSparkMaster("local[*]"))).isEqualTo(cores * perThread);
    assertThat(FlyteBeam.maxLanes(spark.withSparkMaster("local"))).isEqualTo(perThread);
    // a cluster's threads are not known before it runs: a lane per range
    assertThat(FlyteBeam.maxLanes(spark.withSparkMaster("spark://127.0.0.1:7077")))
        .isEqualTo(Integer.MAX_VALUE);
  }
}

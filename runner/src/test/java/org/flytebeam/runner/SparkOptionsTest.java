package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.flytebeam.examples.SayHello;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Spark as users run it: a master implies the SparkRunner, contradicting Beam options are refused,
 * masters are checked before the run, {@code --conf} reaches the context, the UI is named.
 */
class SparkOptionsTest {
  @TempDir Path dir;

  @AfterEach
  void clearSparkSubmit() {
    System.clearProperty(SparkContexts.MASTER_PROPERTY);
  }

  private static RunOptions options(String... args) {
    RunCommand command = new RunCommand();
    String[] all = new String[args.length + 4];
    all[0] = "--definition";
    all[1] = "d.json";
    all[2] = "--inputs";
    all[3] = "i.json";
    System.arraycopy(args, 0, all, 4, args.length);
    new CommandLine(command).parseArgs(all);
    return command.runOptions();
  }

  private static Cli refused(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "run";
    all[1] = "--definition";
    all[2] = "d.json";
    all[3] = "--inputs";
    all[4] = "i.json";
    System.arraycopy(args, 0, all, 5, args.length);
    Cli cli = Cli.run(all);
    assertThat(cli.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err().lines().count()).as(cli.err()).isEqualTo(1);
    return cli;
  }

  @Test
  void shouldRunOnSparkWhenAMasterIsGivenWithoutARunner() {
    assertThat(options("--spark-master", "spark://10.0.0.1:7077").runner())
        .isEqualTo(RunnerKind.SparkRunner);
    assertThat(options("--", "--sparkMaster=local[2]").runner()).isEqualTo(RunnerKind.SparkRunner);
    assertThat(options("--", "--sparkMaster=local[2]").sparkMaster()).isEqualTo("local[2]");
    assertThat(options().runner()).isEqualTo(RunnerKind.DirectRunner);
  }

  @Test
  void shouldAcceptBeamsSpellingsOfTheRunnerInAnyCase() {
    for (String spark : List.of("spark", "SPARK", "SparkRunner", "sparkrunner")) {
      assertThat(options("--runner", spark).runner()).as(spark).isEqualTo(RunnerKind.SparkRunner);
    }
    for (String direct : List.of("direct", "Direct", "DirectRunner", "directrunner")) {
      assertThat(options("--runner", direct).runner())
          .as(direct)
          .isEqualTo(RunnerKind.DirectRunner);
    }
    assertThat(options("--", "--runner=SparkRunner").runner()).isEqualTo(RunnerKind.SparkRunner);
    // Taken by flyte-beam, not passed on to Beam a second time.
    assertThat(options("--", "--runner=SparkRunner", "--sparkMaster=local[2]").beamArgs())
        .isEmpty();
    assertThat(refused("--runner", "flink").err())
        .contains("runner [flink]")
        .contains("DirectRunner (or direct) or SparkRunner (or spark)");
  }

  @Test
  void shouldRefuseBeamOptionsThatContradictTheCommands() {
    assertThat(refused("--runner", "DirectRunner", "--", "--runner=SparkRunner").err())
        .contains("Beam option [--runner=SparkRunner] contradicts --runner [DirectRunner]");
    assertThat(refused("--spark-master", "local[2]", "--", "--sparkMaster=local[4]").err())
        .contains("Beam option [--sparkMaster=local[4]] contradicts --spark-master [local[2]]");
    assertThat(refused("--", "--runner=DirectRunner", "--sparkMaster=local[2]").err())
        .contains("is for the SparkRunner, but the runner is the DirectRunner");
    assertThat(refused("--runner", "direct", "--spark-master", "spark://h:7077").err())
        .contains("--spark-master [spark://h:7077] is for the SparkRunner");
    assertThat(refused("--", "--filesToStage=my.jar").err()).contains("give your jars with --jars");
  }

  @Test
  void shouldCheckTheMasterBeforeTheRun() {
    for (String good :
        List.of(
            "local",
            "local[1]",
            "local[16]",
            "local[*]",
            "local[2,3]",
            "spark://h:7077",
            "spark://h1:7077,h2:7077")) {
      assertThat(options("--spark-master", good).sparkMaster()).isEqualTo(good);
    }
    assertThat(refused("--spark-master", "local[0]").err())
        .contains("--spark-master [local[0]] is not a Spark master URL");
    assertThat(refused("--spark-master", "spark://h").err()).contains("give spark://HOST:PORT");
    assertThat(refused("--spark-master", "yarn").err())
        .contains("--spark-master [yarn] needs spark-submit")
        .contains("spark-submit --master yarn --class org.flytebeam.runner.Main");
    assertThat(refused("--spark-master", "k8s://https://api:6443").err())
        .contains("needs spark-submit");
  }

  @Test
  void shouldAcceptYarnAndKubernetesUnderSparkSubmit() {
    System.setProperty(SparkContexts.MASTER_PROPERTY, "yarn");

    RunOptions options = options("--spark-master", "yarn");

    assertThat(options.runner()).isEqualTo(RunnerKind.SparkRunner);
    assertThat(options.sparkMaster()).isEqualTo("yarn");
  }

  @Test
  void shouldTakeSparkSettingsWithConfAndRefuseOthers() {
    RunOptions options =
        options(
            "--spark-master", "local[2]",
            "--conf", "spark.executor.memory=4g",
            "--conf", "spark.sql.shuffle.partitions=8");

    assertThat(options.sparkConf())
        .containsEntry("spark.executor.memory", "4g")
        .containsEntry("spark.sql.shuffle.partitions", "8");
    assertThat(refused("--runner", "spark", "--conf", "executor.memory=4g").err())
        .contains("--conf [executor.memory=4g] is not a Spark setting");
    assertThat(refused("--conf", "spark.executor.memory=4g").err())
        .contains("but the runner is the DirectRunner");
  }

  @Test
  void shouldStartSparkWithTheSettingsAndNameItsUi() throws IOException {
    Path def = dir.resolve("hello.def.json");
    DefinitionWriter.write(MapTask.of(new SayHello()).build(), def);
    Path inputs = Cli.write(dir, "in.json", "{\"name\": [\"earth\", \"mars\"]}");
    Path summary = dir.resolve("summary.json");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--spark-master",
            "local[1]",
            "--conf",
            "spark.ui.enabled=true",
            "--conf",
            "spark.ui.port=" + port,
            "--conf",
            "spark.port.maxRetries=0",
            "--summary",
            summary.toString(),
            "--quiet");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out().replaceAll("\\s+", ""))
        .isEqualTo("{\"o0\":[\"helloearth!\",\"hellomars!\"]}");
    assertThat(cli.err())
        .containsPattern("spark: application \\S+ on local\\[1\\], UI at http://\\S+:" + port);
    assertThat(new ObjectMapper().readTree(summary.toFile()).at("/run/runner").asText())
        .isEqualTo("SparkRunner");
  }
}

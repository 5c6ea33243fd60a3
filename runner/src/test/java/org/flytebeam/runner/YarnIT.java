package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.flytebeam.examples.Square;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.ChildProcesses;
import org.flytebeam.runner.testing.ChildProcesses.Child;
import org.flytebeam.runner.testing.HdfsClient;
import org.flytebeam.runner.testing.MiniHadoop;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * flyte-beam on a real YARN (a ResourceManager and a NodeManager, with the HDFS of {@link
 * MiniHadoop}, on 127.0.0.1), submitted as a Spark user submits: {@code SparkSubmit --master yarn}
 * from the class path of a Spark distribution with its YARN support (module {@code spark-dist}),
 * the cluster jar, the user's task jar with spark-submit's {@code --jars}, in client and cluster
 * deploy mode. No Java 17 flag is passed to YARN's JVMs: Spark adds them to the application master,
 * the driver and the executors itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class YarnIT {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
  private static final int BIG = 100_000;
  private static final int CONTAINER_ELEMENTS = 200;

  private final Path clusterJar = Path.of(System.getProperty("flytebeam.it.clusterJar"));
  private final Path launcher = Path.of(System.getProperty("flytebeam.it.launcher"));
  private final Path examplesJar = Path.of(System.getProperty("flytebeam.it.examplesJar"));
  private final Path sparkClasspath = Path.of(System.getProperty("flytebeam.it.sparkClasspath"));

  private Path dir;
  private Path sparkHome;
  private MiniHadoop hadoop;
  private HdfsClient hdfs;
  private String root;
  private long startNanos;

  @BeforeAll
  void startYarn() throws IOException {
    startNanos = System.nanoTime();
    assertThat(clusterJar).as("built by package").isRegularFile();
    dir = Files.createTempDirectory("flyte-beam-yarn-it-");
    // A Spark distribution as the cluster's machines have it: SPARK_HOME/jars.
    sparkHome = Files.createDirectories(dir.resolve("spark-home"));
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    for (String jar : Files.readString(sparkClasspath).trim().split(":")) {
      Path link = jars.resolve(Path.of(jar).getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, Path.of(jar).toAbsolutePath());
      }
    }
    assertThat(jars)
        .isDirectoryContaining(p -> p.getFileName().toString().startsWith("spark-yarn"));
    hadoop = MiniHadoop.start(dir, true);
    root = hadoop.hdfs();
    hdfs = HdfsClient.open(root);
  }

  @AfterAll
  void stopYarn() throws IOException {
    try {
      if (hdfs != null) {
        hdfs.close();
      }
    } finally {
      if (hadoop != null) {
        hadoop.close();
      }
      ChildProcesses.stopAll();
      System.out.printf(
          "YarnIT: %.1f s including YARN and HDFS start and stop%n",
          (System.nanoTime() - startNanos) / 1e9);
      FlyteBeam.deleteLocalFolder(dir.toString());
    }
  }

  @Test
  @Order(0)
  void shouldSendTheLauncherWithMasterYarnToSparkSubmit() {
    // given: a configured YARN, but the launcher's own JVM (no spark-submit, no spark-yarn)
    ProcessBuilder builder =
        new ProcessBuilder(
            "bash",
            launcher.toString(),
            "run",
            "--definition",
            "map.def.json",
            "--inputs",
            "inputs.json",
            "--runner",
            "spark",
            "--spark-master",
            "yarn");
    builder.environment().putAll(hadoop.environment());

    Child run = ChildProcesses.start(builder, dir.resolve("launcher-yarn.log"));

    // then: one line naming the command to use, exit 2, before anything runs
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isEqualTo(2);
    assertThat(run.output().strip())
        .startsWith("error: --spark-master [yarn] needs spark-submit")
        .contains("spark-submit --master yarn")
        .doesNotContain("\n");
  }

  @Test
  @Order(1)
  void shouldMapAHundredThousandElementsInClientMode() throws IOException {
    // given: definition and inputs on the submitting machine, the run folder on hdfs
    Path definition = definition(MapTask.of(new Square()).build(), "square.def.json");
    Path inputs = inputs("square.inputs.json", BIG);
    Path outputs = dir.resolve("client/outputs.json");
    Files.createDirectories(outputs.getParent());

    // when
    Child run =
        submit(
            "client",
            "client",
            "run",
            "--definition",
            definition.toString(),
            "--inputs",
            inputs.toString(),
            "--outputs",
            outputs.toString(),
            "--work-dir",
            root + "/client/work");

    // then: every output; the elements ran in YARN containers
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    assertThat(Inputs.longs(Inputs.fromJson(Files.readString(outputs)), "o0"))
        .isEqualTo(squares(BIG));
    assertThat(run.output()).contains("map succeeded: " + BIG + " of " + BIG);
    assertThat(yarnApplications()).as("applications YARN ran").isNotEmpty();
  }

  @Test
  @Order(2)
  void shouldMapAHundredThousandElementsInClusterModeWithEveryPathOnHdfs() throws IOException {
    // given: the driver runs in YARN, so everything it reads and writes is on hdfs
    String base = root + "/cluster";
    String definition =
        hdfs.put(base + "/square.def.json", definitionBytes(MapTask.of(new Square()).build()));
    hdfs.put(
        base + "/x.jsonl",
        LongStream.range(0, BIG).mapToObj(x -> x + "\n").collect(Collectors.joining()));
    String inputs =
        hdfs.put(
            base + "/inputs.json",
            "{\"x\": {\"uri\": \"" + base + "/x.jsonl\", \"format\": \"jsonl\"}}");
    List<String> before = yarnApplications();

    // when
    Child run =
        submit(
            "cluster",
            "cluster",
            "run",
            "--definition",
            definition,
            "--inputs",
            inputs,
            "--outputs",
            base + "/outputs.json",
            "--outputs-dir",
            base + "/out",
            "--work-dir",
            base + "/work");

    // then: spark-submit waited for the application, which succeeded; every output on hdfs
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    assertThat(run.output()).contains("final status: SUCCEEDED");
    List<Long> values = new ArrayList<>();
    for (String name : shardNames(base + "/out/elements")) {
      for (String line : hdfs.string(base + "/out/elements/" + name).lines().toList()) {
        assertThat(line)
            .isEqualTo(
                "{\"index\":"
                    + values.size()
                    + ",\"outputs\":{\"o0\":"
                    + (long) values.size() * values.size()
                    + "}}");
        values.add((long) values.size() * values.size());
      }
    }
    assertThat(values).hasSize(BIG);
    assertThat(hdfs.string(base + "/outputs.json")).contains(base + "/out/elements/");
    List<String> apps = yarnApplications();
    apps.removeAll(before);
    assertThat(apps).as("the application of the cluster-mode run").hasSize(1);
  }

  @Test
  @Order(3)
  void shouldRunAContainerMapOnYarnInClusterMode() throws IOException {
    // given: a map of a local process task (sh), as Flyte's raw containers run
    String base = root + "/container";
    MapTaskSpec spec =
        MapTask.of(
                Containers.rawContainer(
                    "it_sh_square",
                    Containers.vars("x", LiteralTypes.of(Long.class)),
                    Containers.vars("o0", LiteralTypes.of(Long.class)),
                    "cd /var/outputs; echo $(({{.inputs.x}} * {{.inputs.x}} + 1)) > o0"))
            .build();
    String definition = hdfs.put(base + "/sh.def.json", definitionBytes(spec));
    String xs =
        LongStream.range(0, CONTAINER_ELEMENTS)
            .mapToObj(Long::toString)
            .collect(Collectors.joining(","));
    String inputs = hdfs.put(base + "/inputs.json", "{\"x\": [" + xs + "]}");

    // when
    Child run =
        submit(
            "container",
            "cluster",
            "run",
            "--definition",
            definition,
            "--inputs",
            inputs,
            "--outputs",
            base + "/outputs.json",
            "--work-dir",
            base + "/work");

    // then
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    assertThat(Inputs.longs(Inputs.fromJson(hdfs.string(base + "/outputs.json")), "o0"))
        .isEqualTo(LongStream.range(0, CONTAINER_ELEMENTS).map(x -> x * x + 1).boxed().toList());
  }

  /**
   * {@code SparkSubmit --master yarn --deploy-mode MODE} with the cluster jar, the example tasks
   * with spark-submit's {@code --jars}, and the settings a small YARN needs; the Spark jars are the
   * ones installed on the cluster's machines ({@code spark.yarn.jars=local:...}).
   */
  private Child submit(String name, String mode, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(List.of(FlyteBeam.SPARK_JAVA17_FLAGS.split(" ")));
    command.addAll(
        List.of(
            // As the spark-submit script builds it: the Hadoop configuration folder first, so that
            // Spark's YARN client reads yarn-site.xml.
            "-cp",
            hadoop.confDir() + ":" + sparkHome.resolve("jars") + "/*",
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "yarn",
            "--deploy-mode",
            mode,
            "--num-executors",
            "2",
            "--executor-cores",
            "1",
            "--executor-memory",
            "512m",
            "--driver-memory",
            "512m",
            "--conf",
            "spark.yarn.am.memory=512m",
            "--conf",
            "spark.yarn.jars=local:" + sparkHome.resolve("jars") + "/*",
            "--conf",
            "spark.ui.enabled=false",
            "--jars",
            examplesJar.toString(),
            "--class",
            "org.flytebeam.runner.Main",
            clusterJar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(hadoop.environment());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return ChildProcesses.start(builder, dir.resolve(name + ".log"));
  }

  /** The applications whose containers the NodeManager ran so far (its log folders). */
  private List<String> yarnApplications() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("mini-hadoop-yarn"))) {
      return new ArrayList<>(
          files
              .filter(Files::isDirectory)
              .map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("application_"))
              .distinct()
              .toList());
    }
  }

  private List<String> shardNames(String folder) throws IOException {
    List<String> names = new ArrayList<>();
    for (var status : hdfs.list(folder)) {
      names.add(status.getPath().getName());
    }
    names.sort(null);
    assertThat(names).isNotEmpty().allMatch(n -> n.matches("part-\\d{12}-\\d{12}\\.jsonl"));
    return names;
  }

  private Path definition(MapTaskSpec spec, String name) {
    Path file = dir.resolve(name);
    DefinitionWriter.write(spec, file);
    return file;
  }

  private byte[] definitionBytes(MapTaskSpec spec) throws IOException {
    Path file = Files.createTempFile(dir, "def-", ".json");
    DefinitionWriter.write(spec, file);
    return Files.readAllBytes(file);
  }

  private Path inputs(String name, int size) throws IOException {
    String xs = LongStream.range(0, size).mapToObj(Long::toString).collect(Collectors.joining(","));
    return Files.writeString(dir.resolve(name), "{\"x\": [" + xs + "]}");
  }

  private static List<Long> squares(int size) {
    return LongStream.range(0, size).map(x -> x * x).boxed().toList();
  }
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlan;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlanSpec;
import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.admin.WorkflowOuterClass.WorkflowSpec;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.Parameter;
import flyteidl.core.Interface.ParameterMap;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.apache.beam.sdk.util.SerializableUtils;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.examples.JvmPid;
import org.flytebeam.examples.Square;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.RangeResults;
import org.flytebeam.graph.Promises;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.ChildProcesses;
import org.flytebeam.runner.testing.ChildProcesses.Child;
import org.flytebeam.runner.testing.MiniHadoop;
import org.flytebeam.runner.testing.SparkStandalone;
import org.flytebeam.runner.testing.TaskJars;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.task.JavaTask;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * flyte-beam on a real Spark standalone cluster (a Master and two one-core Workers on 127.0.0.1,
 * started from the Maven-resolved jars of a Spark distribution), through the built jars and real
 * processes, as a user runs them: the launcher with {@code --spark-master spark://...}, a run that
 * loses an executor mid-way, and {@code SparkSubmit} with the cluster jar and a user task jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class SparkClusterIT {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
  private static final Pattern RANGE_FILE = Pattern.compile("range-(\\d{12})-(\\d{12})\\.bin");

  private final Path localJar = Path.of(System.getProperty("flytebeam.it.localJar"));
  private final Path clusterJar = Path.of(System.getProperty("flytebeam.it.clusterJar"));
  private final Path launcher = Path.of(System.getProperty("flytebeam.it.launcher"));
  private final Path examplesJar = Path.of(System.getProperty("flytebeam.it.examplesJar"));
  private final Path sparkClasspath = Path.of(System.getProperty("flytebeam.it.sparkClasspath"));

  private Path dir;
  private Path userJar;
  private SparkStandalone cluster;
  private Child reference;
  private Path slowDefinition;
  private Path slowInputs;
  private Path referenceOutputs;
  private long startNanos;

  /** Elements of the kill run: each a process (sh, then sleep 20 ms). */
  private static final int KILL_RUN_SIZE = 2_000;

  @BeforeAll
  void startCluster() throws IOException {
    startNanos = System.nanoTime();
    assertThat(localJar).as("built by package").isRegularFile();
    assertThat(clusterJar).as("built by package").isRegularFile();
    assertThat(sparkClasspath).as("written by module spark-dist").isRegularFile();
    dir = Files.createTempDirectory("flyte-beam-it-");
    userJar = TaskJars.build(dir, "user-tasks.jar", TaskJars.CUBE);

    // The single-machine result of the kill run, on the DirectRunner, while the cluster starts.
    slowDefinition =
        definition(
            MapTask.of(
                    Containers.rawContainer(
                        "it_sh_square",
                        Containers.vars("x", LiteralTypes.of(Long.class)),
                        Containers.vars("o0", LiteralTypes.of(Long.class)),
                        "cd /var/outputs; sleep 0.02; echo $(({{.inputs.x}} * {{.inputs.x}} + 1)) > o0"))
                .build(),
            "sh-square.def.json");
    slowInputs = inputs("slow-square.inputs.json", KILL_RUN_SIZE);
    referenceOutputs = dir.resolve("reference/outputs.json");
    reference =
        launch(
            "reference",
            "run",
            "--definition",
            slowDefinition.toString(),
            "--inputs",
            slowInputs.toString(),
            "--outputs",
            referenceOutputs.toString());

    List<Path> sparkJars =
        Stream.of(Files.readString(sparkClasspath).trim().split(":")).map(Path::of).toList();
    cluster = SparkStandalone.start(dir, sparkJars, java17Flags(), 2, "2g", Map.of());
  }

  @AfterAll
  void stopCluster() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      ChildProcesses.stopAll();
      System.out.printf(
          "SparkClusterIT: %.1f s including cluster start and stop%n",
          (System.nanoTime() - startNanos) / 1e9);
    }
    deleteTree(dir);
  }

  @Test
  @Order(0)
  void shouldLeaveSparkScalaAndHadoopOutOfTheClusterJarButKeepBeam() throws IOException {
    try (ZipFile jar = new ZipFile(clusterJar.toFile())) {
      List<String> names = jar.stream().map(e -> e.getName()).toList();

      assertThat(names)
          .noneMatch(n -> n.startsWith("org/apache/spark/"))
          .noneMatch(n -> n.startsWith("scala/"))
          .noneMatch(n -> n.startsWith("org/apache/hadoop/"))
          .noneMatch(n -> n.startsWith("io/netty/"))
          // Relocated, as a Spark distribution's older copies come first on its class path.
          .noneMatch(n -> n.startsWith("com/google/common/"))
          .noneMatch(n -> n.startsWith("com/google/protobuf/"))
          .contains(
              "org/flytebeam/runner/Main.class",
              "org/apache/beam/runners/spark/SparkRunner.class",
              "org/apache/beam/sdk/io/hdfs/HadoopFileSystemRegistrar.class")
          // The example tasks are not part of the product: they come with --jars, as a user's.
          .noneMatch(n -> n.startsWith("org/flytebeam/examples/"));
      String fileSystems =
          new String(
              jar.getInputStream(
                      jar.getEntry("META-INF/services/org.apache.beam.sdk.io.FileSystemRegistrar"))
                  .readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(fileSystems).contains("LocalFileSystemRegistrar", "HadoopFileSystemRegistrar");
    }
    assertThat(Files.size(clusterJar)).isLessThan(Files.size(localJar) / 2);
    try (ZipFile jar = new ZipFile(localJar.toFile())) {
      assertThat(jar.stream().map(e -> e.getName()))
          .contains("org/flytebeam/runner/Main.class")
          .noneMatch(n -> n.startsWith("org/flytebeam/examples/"));
    }
  }

  @Test
  @Order(1)
  void shouldRunTenThousandElementsOnTheClusterThroughTheLauncher() throws IOException {
    int size = 10_000;
    Path definition = definition(MapTask.of(new Square()).build(), "square.def.json");
    Path outputs = dir.resolve("square/outputs.json");
    Path workDir = dir.resolve("square/work");

    Child run =
        launch(
            "square",
            "run",
            "--definition",
            definition.toString(),
            "--inputs",
            inputs("square.inputs.json", size).toString(),
            "--outputs",
            outputs.toString(),
            "--work-dir",
            workDir.toString(),
            "--jars",
            examplesJar.toString(),
            "--runner",
            "SparkRunner",
            "--spark-master",
            cluster.masterUrl());

    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    assertThat(values(outputs))
        .isEqualTo(LongStream.range(0, size).map(x -> x * x).boxed().toList());
    assertEveryElementCountedOnce(workDir, size);
    // The elements ran on the cluster's executors, not in the driver.
    assertThat(appFolders(0).size() + appFolders(1).size()).isGreaterThanOrEqualTo(1);
  }

  /** The example workflows, which the README runs. */
  private static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/definitions").normalize();

  @Test
  @Order(2)
  void shouldRunAWorkflowOfAMapThenItsReducerOnTheClusterThroughTheLauncher() throws IOException {
    // given: the example workflow square_then_total: n0 maps square over xs, n1 totals n0's list
    int size = 5_000;
    Path definition = EXAMPLES.resolve("square-then-total.wf.json");
    Path inputs = inputs("workflow.inputs.json", "xs", size);
    Path outputs = dir.resolve("workflow/outputs.json");
    Path workDir = dir.resolve("workflow/work");
    Set<String> appsBefore = applications();

    // when
    Child run =
        launch(
            "workflow",
            "run",
            "--definition",
            definition.toString(),
            "--workflow",
            "org.flytebeam.examples.square_then_total",
            "--inputs",
            inputs.toString(),
            "--outputs",
            outputs.toString(),
            "--work-dir",
            workDir.toString(),
            // The example tasks are not in the product: the executors get them as a user's jar.
            "--jars",
            examplesJar.toString(),
            "--spark-master",
            cluster.masterUrl());

    // then: every output, the map's list element by element and the reducer's total
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    LiteralMap out = outputs(outputs);
    assertThat(out.getLiteralsMap().keySet()).containsExactlyInAnyOrder("squares", "total");
    List<Long> squares = new ArrayList<>();
    for (Object v : Inputs.plain(out, "squares")) {
      squares.add((Long) v);
    }
    assertThat(squares).isEqualTo(LongStream.range(0, size).map(x -> x * x).boxed().toList());
    assertThat(out.getLiteralsOrThrow("total").getScalar().getPrimitive().getInteger())
        .isEqualTo(LongStream.range(0, size).map(x -> x * x).sum());
    // Both nodes ran as maps in the run's one folder: the map's elements each counted once, the
    // reducer once.
    Path runFolder = onlyFolder(workDir);
    assertRunCountsEveryElementOnce(runFolder.resolve("node-n0"), size);
    assertRunCountsEveryElementOnce(runFolder.resolve("node-n1"), 1);
    // One application for the whole workflow (one runner start, not one per node), and its
    // elements ran on the cluster's executors.
    Set<String> apps = applications();
    apps.removeAll(appsBefore);
    assertThat(apps).as("applications the workflow started on the workers").hasSize(1);
    assertThat(Files.readString(dir.resolve("workflow.log")))
        .contains("workflow [org.flytebeam.examples.square_then_total] succeeded: 2 nodes ran");
  }

  @Test
  @Order(3)
  void shouldFinishEveryElementOnceWhenAnExecutorIsKilledMidRun() throws IOException {
    Path outputs = dir.resolve("kill/outputs.json");
    Path workDir = dir.resolve("kill/work");
    long rangesTotal = MapRunPlanShape.ranges(KILL_RUN_SIZE);

    Child run =
        launch(
            "kill",
            "run",
            "--definition",
            slowDefinition.toString(),
            "--inputs",
            slowInputs.toString(),
            "--outputs",
            outputs.toString(),
            "--work-dir",
            workDir.toString(),
            "--runner",
            "SparkRunner",
            "--spark-master",
            cluster.masterUrl());

    // when: an executor running an element process is killed once some ranges are done
    Kill kill = killBusyExecutorMidRun(run, workDir, rangesTotal);

    // then
    System.out.printf(
        "SparkClusterIT: killed executor %d on worker %d after %d of %d ranges, with element processes %s%n",
        kill.pid(),
        kill.worker(),
        kill.rangesDone(),
        rangesTotal,
        kill.descendants().stream()
            .map(p -> p.pid() + " " + p.info().command().orElse("?"))
            .toList());
    assertThat(kill.rangesDone())
        .as("ranges done when the executor was killed")
        .isBetween(1L, rangesTotal - 1);
    assertThat(kill.descendants()).as("element processes running when it was killed").isNotEmpty();
    assertThat(ProcessHandle.of(kill.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    // Element processes run in sessions of their own, watched: none outlives its executor.
    for (ProcessHandle element : kill.descendants()) {
      assertThat(awaitGone(element, Duration.ofSeconds(10)))
          .as("element process %d of the killed executor is gone", element.pid())
          .isTrue();
    }

    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    List<Long> values = values(outputs);
    assertThat(values)
        .isEqualTo(LongStream.range(0, KILL_RUN_SIZE).map(x -> x * x + 1).boxed().toList());
    assertThat(reference.waitFor(RUN_TIMEOUT)).as(reference.tail()).isZero();
    assertThat(values).as("same as the DirectRunner's").isEqualTo(values(referenceOutputs));
    assertEveryElementCountedOnce(workDir, KILL_RUN_SIZE);
    // The Master gave the worker that lost its executor a new one for the same application.
    List<Path> apps = appFolders(kill.worker());
    assertThat(executorFolders(apps.get(apps.size() - 1))).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  @Order(4)
  void shouldRunTheClusterJarThroughSparkSubmitWithAUserTaskJar() throws IOException {
    int size = 2_000;
    Path definition = definition(userTask("it_cube"), "cube.def.json");
    Path outputs = dir.resolve("submit/outputs.json");
    Path workDir = dir.resolve("submit/work");
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(java17Flags());
    command.addAll(
        List.of(
            "-cp",
            cluster.classpath(),
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            cluster.masterUrl(),
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.executor.extraJavaOptions=" + FlyteBeam.SPARK_JAVA17_FLAGS,
            "--class",
            "org.flytebeam.runner.Main",
            clusterJar.toString(),
            "run",
            "--definition",
            definition.toString(),
            "--inputs",
            inputs("cube.inputs.json", size).toString(),
            "--outputs",
            outputs.toString(),
            "--work-dir",
            workDir.toString(),
            "--jars",
            userJar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(cluster.environment());

    Child run = ChildProcesses.start(builder, dir.resolve("submit.log"));

    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    assertThat(values(outputs))
        .isEqualTo(LongStream.range(0, size).map(x -> x * x * x).boxed().toList());
    assertEveryElementCountedOnce(workDir, size);
  }

  /**
   * Elements of the launch plan kill run: each a whole workflow, a process node (sh, then sleep 50
   * ms) then a Java task node.
   */
  private static final int KILL_LP_RUN_SIZE = 256;

  /** The launch plan each element of the launch plan kill run starts. */
  private static final String KILL_LP = "lp.it_logged_square_times_three";

  @Test
  @Order(3)
  void shouldFinishEveryLaunchPlanElementOnceWhenAnExecutorIsKilledMidRun() throws IOException {
    // given: wf.it_map(xs) maps the launch plan over xs; element i runs wf.it_element(x, b):
    // n0 = it_sh_logged_square(x) (a process that logs x, sleeps, writes x*x), then
    // n1 = multiply(n0, b, 1), b fixed to 3 by the launch plan
    Path executions = dir.resolve("kill-lp/executions.log");
    Path definition = launchPlanMapPackage(dir.resolve("kill-lp/pkg"), executions);
    Path inputs = inputs("kill-lp.inputs.json", "xs", KILL_LP_RUN_SIZE);
    Path outputs = dir.resolve("kill-lp/outputs.json");
    Path workDir = dir.resolve("kill-lp/work");
    long rangesTotal = MapRunPlanShape.ranges(KILL_LP_RUN_SIZE);

    Child run =
        launch(
            "kill-lp",
            "run",
            "--definition",
            definition.toString(),
            "--workflow",
            "wf.it_map",
            "--inputs",
            inputs.toString(),
            "--outputs",
            outputs.toString(),
            "--work-dir",
            workDir.toString(),
            "--jars",
            examplesJar.toString(),
            "--runner",
            "SparkRunner",
            "--spark-master",
            cluster.masterUrl());

    // when: an executor running an element's process node is killed once some ranges are done
    Kill kill = killBusyExecutorMidRun(run, workDir, rangesTotal);
    // The ranges whose results were written before the kill (the killed executor is gone: none
    // of its ranges finishes later; the other's next ones ran once anyway).
    List<long[]> doneBeforeKill = rangeFiles(workDir);

    // then
    System.out.printf(
        "SparkClusterIT: launch plan map: killed executor %d on worker %d after %d of %d ranges%n",
        kill.pid(), kill.worker(), kill.rangesDone(), rangesTotal);
    assertThat(kill.rangesDone())
        .as("ranges done when the executor was killed")
        .isBetween(1L, rangesTotal - 1);
    assertThat(ProcessHandle.of(kill.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    for (ProcessHandle element : kill.descendants()) {
      assertThat(awaitGone(element, Duration.ofSeconds(10)))
          .as("element process %d of the killed executor is gone", element.pid())
          .isTrue();
    }

    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    // Every element's outputs once, in index order.
    assertThat(values(outputs))
        .isEqualTo(LongStream.range(0, KILL_LP_RUN_SIZE).map(x -> 3 * x * x).boxed().toList());
    assertRunCountsEveryElementOnce(onlyFolder(workDir).resolve("node-n0"), KILL_LP_RUN_SIZE);
    // Every element's process node started at least once; those of the ranges done before the
    // kill exactly once: their results were read back, their workflows not run again.
    long[] starts = new long[KILL_LP_RUN_SIZE];
    for (String line : Files.readAllLines(executions)) {
      starts[Integer.parseInt(line.trim())]++;
    }
    List<Integer> neverRan = new ArrayList<>();
    List<Integer> ranAgain = new ArrayList<>();
    for (int i = 0; i < KILL_LP_RUN_SIZE; i++) {
      if (starts[i] == 0) {
        neverRan.add(i);
      }
    }
    for (long[] range : doneBeforeKill) {
      for (long i = range[0]; i < range[1]; i++) {
        if (starts[(int) i] != 1) {
          ranAgain.add((int) i);
        }
      }
    }
    assertThat(doneBeforeKill).as("ranges done before the kill").isNotEmpty();
    assertThat(neverRan).as("elements whose process node never started").isEmpty();
    assertThat(ranAgain).as("elements of ranges done before the kill, not run once").isEmpty();
    System.out.printf(
        "SparkClusterIT: launch plan map: %d elements in %d ranges done before the kill ran once;"
            + " %d process node starts for %d elements%n",
        doneBeforeKill.stream().mapToLong(r -> r[1] - r[0]).sum(),
        doneBeforeKill.size(),
        LongStream.of(starts).sum(),
        KILL_LP_RUN_SIZE);
  }

  /**
   * A pyflyte-style folder: the tasks, the element workflow {@code wf.it_element(x, b)}, its launch
   * plan {@link #KILL_LP} ({@code b} fixed to 3) and {@code wf.it_map(xs)}, an ArrayNode over that
   * launch plan as flytekit writes it. The element's process node appends {@code x} to {@code
   * executions} each time it starts.
   */
  private static Path launchPlanMapPackage(Path folder, Path executions) throws IOException {
    Files.createDirectories(folder);
    TaskTemplate logged =
        Containers.rawContainer(
            "it_sh_logged_square",
            Containers.vars("x", LiteralTypes.of(Long.class)),
            Containers.vars("o0", LiteralTypes.of(Long.class)),
            "echo {{.inputs.x}} >> '"
                + executions
                + "'; cd /var/outputs; sleep 0.05; echo $(({{.inputs.x}} * {{.inputs.x}})) > o0");
    TaskTemplate multiply = WorkflowMaps.MULTIPLY;
    WorkflowTemplate element =
        WorkflowTemplate.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.it_element"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        Containers.vars(
                            "x", WorkflowMaps.INT,
                            "b", WorkflowMaps.INT))
                    .setOutputs(Containers.vars("o0", WorkflowMaps.INT)))
            .addNodes(
                WorkflowMaps.taskNode(
                    "n0", logged, WorkflowMaps.promise("x", Promises.START_NODE, "x")))
            .addNodes(
                WorkflowMaps.taskNode(
                        "n1",
                        multiply,
                        WorkflowMaps.promise("a", "n0", "o0"),
                        WorkflowMaps.promise("b", Promises.START_NODE, "b"),
                        WorkflowMaps.scalar("c", 1))
                    .toBuilder()
                    .addUpstreamNodeIds("n0")
                    .build())
            .addOutputs(WorkflowMaps.promise("o0", "n1", "o0"))
            .build();
    WorkflowMaps.Criteria all = WorkflowMaps.Criteria.all();
    WorkflowTemplate top =
        WorkflowTemplate.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.it_map"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(Containers.vars("xs", WorkflowMaps.listOf(WorkflowMaps.INT)))
                    .setOutputs(Containers.vars("o0", WorkflowMaps.outputType(all))))
            .addNodes(
                WorkflowMaps.mapOverLaunchPlan(
                    "n0",
                    KILL_LP,
                    WorkflowMaps.promise("x", Promises.START_NODE, "xs"),
                    all,
                    Optional.empty()))
            .addOutputs(WorkflowMaps.promise("o0", "n0", "o0"))
            .build();
    Files.write(
        folder.resolve("0_it_sh_logged_square_1.pb"),
        TaskSpec.newBuilder().setTemplate(logged).build().toByteArray());
    Files.write(
        folder.resolve("1_multiply_1.pb"),
        TaskSpec.newBuilder().setTemplate(multiply).build().toByteArray());
    Files.write(
        folder.resolve("2_wf.it_element_2.pb"),
        WorkflowSpec.newBuilder().setTemplate(element).build().toByteArray());
    Files.write(
        folder.resolve("3_wf.it_element_3.pb"),
        LaunchPlan.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.LAUNCH_PLAN, KILL_LP))
            .setSpec(
                LaunchPlanSpec.newBuilder()
                    .setWorkflowId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.it_element"))
                    .setDefaultInputs(
                        ParameterMap.newBuilder()
                            .putParameters(
                                "x",
                                Parameter.newBuilder()
                                    .setVar(WorkflowMaps.var(WorkflowMaps.INT))
                                    .setRequired(true)
                                    .build()))
                    .setFixedInputs(LiteralMap.newBuilder().putLiterals("b", Literals.of(3L))))
            .build()
            .toByteArray());
    Files.write(
        folder.resolve("4_wf.it_map_2.pb"),
        WorkflowSpec.newBuilder().setTemplate(top).build().toByteArray());
    return folder;
  }

  /** Items of each outer element of the spreading run, and how long each takes. */
  private static final int SPREAD_ITEMS = 40;

  private static final long SPREAD_ITEM_MILLIS = 100;

  @Test
  @Order(4)
  void shouldSpreadTheInnerItemsOfOneLaunchPlanElementOverSeveralExecutors() throws IOException {
    // given: wf.it_spread(xss) maps lp.it_pids over two lists of 40; lp.it_pids launches
    // wf.it_pids(xs), whose n0 maps jvm_pid (waits 100 ms, returns x and its JVM's pid) over xs.
    // Lifted, n0 runs as one map of the 80 (element, item) pairs: 40 ranges of 2 items on a
    // cluster (one lane per range), spread over the two partitions the cluster's 2 cores give;
    // in the workers, each element's 40 items would run inside the one executor that got it.
    Path definition = spreadPackage(dir.resolve("spread/pkg"));
    String list0 =
        LongStream.range(0, SPREAD_ITEMS).mapToObj(Long::toString).collect(Collectors.joining(","));
    String list1 =
        LongStream.range(SPREAD_ITEMS, 2L * SPREAD_ITEMS)
            .mapToObj(Long::toString)
            .collect(Collectors.joining(","));
    Path inputs =
        Files.writeString(
            dir.resolve("spread.inputs.json"), "{\"xss\": [[" + list0 + "], [" + list1 + "]]}");
    Path outputs = dir.resolve("spread/outputs.json");

    // when
    Child run =
        launch(
            "spread",
            "run",
            "--definition",
            definition.toString(),
            "--workflow",
            "wf.it_spread",
            "--inputs",
            inputs.toString(),
            "--outputs",
            outputs.toString(),
            "--work-dir",
            dir.resolve("spread/work").toString(),
            "--jars",
            examplesJar.toString(),
            "--runner",
            "SparkRunner",
            "--spark-master",
            cluster.masterUrl());
    // The driver's JVM and the executors' JVMs, seen while the run lasts.
    Set<Long> driver = new HashSet<>();
    Set<Long> executors = new HashSet<>();
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (run.process().isAlive() && System.nanoTime() < deadline) {
      driver.add(run.pid());
      run.process().toHandle().descendants().forEach(p -> driver.add(p.pid()));
      for (int w = 0; w < 2; w++) {
        cluster.executors(w).forEach(p -> executors.add(p.pid()));
      }
      sleepMillis(100);
    }

    // then: every output, in order; element 0's items ran in two executor JVMs, not the driver's
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    LiteralMap out = outputs(outputs);
    List<List<Long>> xs = nestedLongs(out, "xs");
    List<List<Long>> pids = nestedLongs(out, "pids");
    assertThat(xs)
        .containsExactly(
            LongStream.range(0, SPREAD_ITEMS).boxed().toList(),
            LongStream.range(SPREAD_ITEMS, 2L * SPREAD_ITEMS).boxed().toList());
    assertThat(pids).hasSize(2).allSatisfy(p -> assertThat(p).hasSize(SPREAD_ITEMS));
    Set<Long> element0 = new TreeSet<>(pids.get(0));
    assertThat(element0).as("JVMs that ran element 0's items").hasSizeGreaterThanOrEqualTo(2);
    assertThat(executors).as("executor JVMs seen").containsAll(element0);
    assertThat(element0).as("the driver's JVMs").doesNotContainAnyElementsOf(driver);
    assertThat(Files.readString(dir.resolve("spread.log")))
        .contains("workflow [wf.it_spread] succeeded");
  }

  /** Per outer element, the list of the workflow output {@code name}: {@code o0}'s field. */
  private static List<List<Long>> nestedLongs(LiteralMap out, String name) {
    List<List<Long>> lists = new ArrayList<>();
    for (var element : out.getLiteralsOrThrow(name).getCollection().getLiteralsList()) {
      List<Long> values = new ArrayList<>();
      for (var item : element.getCollection().getLiteralsList()) {
        values.add(item.getScalar().getPrimitive().getInteger());
      }
      lists.add(values);
    }
    return lists;
  }

  /** {@code wf.it_spread} and what it needs, as a pyflyte-style folder of flyteidl files. */
  private static Path spreadPackage(Path folder) throws IOException {
    Files.createDirectories(folder);
    TaskTemplate pid = MapTask.javaTaskTemplate(new JvmPid());
    LiteralType ints = WorkflowMaps.listOf(WorkflowMaps.INT);
    ArrayNode.Builder inner =
        ArrayNode.newBuilder()
            .setNode(
                WorkflowMaps.taskNode(
                    "n0",
                    pid,
                    WorkflowMaps.promise("x", Promises.START_NODE, "xs"),
                    WorkflowMaps.scalar("millis", SPREAD_ITEM_MILLIS)))
            .addBoundInputs("millis")
            .setIsOriginalSubNodeInterface(
                com.google.protobuf.BoolValue.newBuilder().setValue(true));
    WorkflowMaps.Criteria.all().applyTo(inner);
    WorkflowTemplate element =
        WorkflowTemplate.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.it_pids"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(Containers.vars("xs", ints))
                    .setOutputs(Containers.vars("xs", ints, "pids", ints)))
            .addNodes(
                Node.newBuilder()
                    .setId("n0")
                    .addInputs(WorkflowMaps.promise("x", Promises.START_NODE, "xs"))
                    .addInputs(WorkflowMaps.scalar("millis", SPREAD_ITEM_MILLIS))
                    .setArrayNode(inner))
            .addOutputs(WorkflowMaps.promise("xs", "n0", "x"))
            .addOutputs(WorkflowMaps.promise("pids", "n0", "pid"))
            .build();
    WorkflowMaps.Criteria all = WorkflowMaps.Criteria.all();
    LiteralType lists = WorkflowMaps.listOf(ints);
    Node map =
        WorkflowMaps.mapOverLaunchPlan(
            "n0",
            "lp.it_pids",
            WorkflowMaps.promise("xs", Promises.START_NODE, "xss"),
            all,
            Optional.empty());
    WorkflowTemplate top =
        WorkflowTemplate.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.it_spread"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(Containers.vars("xss", lists))
                    .setOutputs(Containers.vars("xs", lists, "pids", lists)))
            .addNodes(map)
            .addOutputs(WorkflowMaps.promise("xs", "n0", "xs"))
            .addOutputs(WorkflowMaps.promise("pids", "n0", "pids"))
            .build();
    Files.write(
        folder.resolve("0_jvm_pid_1.pb"),
        TaskSpec.newBuilder().setTemplate(pid).build().toByteArray());
    Files.write(
        folder.resolve("1_wf.it_pids_2.pb"),
        WorkflowSpec.newBuilder().setTemplate(element).build().toByteArray());
    Files.write(
        folder.resolve("2_wf.it_pids_3.pb"),
        LaunchPlan.newBuilder()
            .setId(WorkflowMaps.id(ResourceType.LAUNCH_PLAN, "lp.it_pids"))
            .setSpec(
                LaunchPlanSpec.newBuilder()
                    .setWorkflowId(WorkflowMaps.id(ResourceType.WORKFLOW, "wf.it_pids"))
                    .setDefaultInputs(
                        ParameterMap.newBuilder()
                            .putParameters(
                                "xs",
                                Parameter.newBuilder()
                                    .setVar(WorkflowMaps.var(ints))
                                    .setRequired(true)
                                    .build())))
            .build()
            .toByteArray());
    Files.write(
        folder.resolve("3_wf.it_spread_2.pb"),
        WorkflowSpec.newBuilder().setTemplate(top).build().toByteArray());
    return folder;
  }

  /** The {@code [start, end)} of every range file written so far under {@code workDir}. */
  private static List<long[]> rangeFiles(Path workDir) throws IOException {
    try (Stream<Path> files = Files.walk(workDir)) {
      List<long[]> ranges = new ArrayList<>();
      for (Path f : files.toList()) {
        Matcher m = RANGE_FILE.matcher(f.getFileName().toString());
        if (m.matches()) {
          ranges.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
      }
      return ranges;
    }
  }

  private record Kill(long pid, int worker, long rangesDone, List<ProcessHandle> descendants) {}

  /**
   * Waits for some ranges to finish, then kills an executor while an element process runs under it.
   */
  private Kill killBusyExecutorMidRun(Child run, Path workDir, long rangesTotal) {
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(run.process().isAlive())
          .as("the run ended before an executor was killed: " + run.tail())
          .isTrue();
      long done = rangesDone(workDir);
      for (int worker = 0; worker < 2 && done >= rangesTotal / 8; worker++) {
        for (ProcessHandle executor : cluster.executors(worker)) {
          List<ProcessHandle> elements =
              executor.descendants().filter(ProcessHandle::isAlive).toList();
          if (!elements.isEmpty()) {
            long doneAtKill = rangesDone(workDir);
            executor.destroyForcibly();
            awaitExit(executor);
            return new Kill(executor.pid(), worker, doneAtKill, elements);
          }
        }
      }
      sleepMillis(20);
    }
    throw new AssertionError(
        "no executor was running an element while the run went on: " + run.tail());
  }

  private static boolean awaitGone(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return !process.isAlive();
    } catch (Exception e) {
      return !process.isAlive();
    }
  }

  @Test
  @Order(5)
  void shouldMapAJsonLinesFolderThatTheExecutorsIndexAndRead() throws IOException {
    // Two part files: the index pass counts them on the executors, then each range reads its own.
    int size = 20_000;
    Path parts = Files.createDirectories(dir.resolve("jsonl/parts"));
    for (int p = 0; p < 2; p++) {
      String lines =
          LongStream.range(p * size / 2, (p + 1) * size / 2)
              .mapToObj(x -> x + "\n")
              .collect(Collectors.joining());
      Files.writeString(parts.resolve("part-0000" + p), lines);
    }
    Files.writeString(parts.resolve("_SUCCESS"), "");
    Path definition = definition(MapTask.of(new Square()).build(), "jsonl-square.def.json");
    Path inputs =
        Files.writeString(
            dir.resolve("jsonl.inputs.json"),
            "{\"x\": {\"uri\": \"" + parts + "\", \"format\": \"jsonl\", \"multipart\": true}}");
    Path outputs = dir.resolve("jsonl/outputs.json");
    Path workDir = dir.resolve("jsonl/work");

    Child run =
        launch(
            "jsonl",
            "run",
            "--definition",
            definition.toString(),
            "--inputs",
            inputs.toString(),
            "--outputs",
            outputs.toString(),
            "--work-dir",
            workDir.toString(),
            "--jars",
            examplesJar.toString(),
            "--runner",
            "SparkRunner",
            "--spark-master",
            cluster.masterUrl());

    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    assertThat(values(outputs))
        .isEqualTo(LongStream.range(0, size).map(x -> x * x).boxed().toList());
    assertEveryElementCountedOnce(workDir, size);
  }

  /** Elements of the big run: a JSON Lines input far larger than the driver's heap could hold. */
  private static final int BIG_RUN_SIZE = 10_000_000;

  @Test
  @Order(6)
  void shouldMapTenMillionJsonLinesWithA512MbDriver() throws IOException {
    // One 79 MB file: the index pass cuts it in 64 MiB chunks that the executors count.
    Path input = dir.resolve("big/x.jsonl");
    Files.createDirectories(input.getParent());
    try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(input), 1 << 20)) {
      for (long x = 0; x < BIG_RUN_SIZE; x++) {
        out.write((x + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
    Path definition = definition(MapTask.of(new Square()).build(), "big-square.def.json");
    Path inputs =
        Files.writeString(
            dir.resolve("big.inputs.json"),
            "{\"x\": {\"uri\": \"" + input + "\", \"format\": \"jsonl\"}}");
    Path outputsDir = dir.resolve("big/out");
    Path workDir = dir.resolve("big/work");

    long started = System.nanoTime();
    Child run =
        launchWithHeap(
            "big",
            "-Xmx512m",
            "run",
            "--definition",
            definition.toString(),
            "--inputs",
            inputs.toString(),
            "--outputs-dir",
            outputsDir.toString(),
            "--work-dir",
            workDir.toString(),
            "--summary",
            dir.resolve("big/summary.json").toString(),
            "--jars",
            examplesJar.toString(),
            "--runner",
            "SparkRunner",
            "--spark-master",
            cluster.masterUrl());
    long peakRssKb = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    while (run.process().isAlive() && System.nanoTime() < deadline) {
      peakRssKb = Math.max(peakRssKb, highWaterMarkKb(run.pid()));
      sleepMillis(200);
    }
    assertThat(run.waitFor(Duration.ofSeconds(30))).as(run.tail()).isZero();
    System.out.printf(
        "SparkClusterIT: %,d JSON Lines elements on 2 workers in %.1f s, driver peak RSS %d MB"
            + " (-Xmx512m)%n",
        BIG_RUN_SIZE, (System.nanoTime() - started) / 1e9, peakRssKb / 1024);

    // Every index has exactly one outcome, succeeded at its first attempt: each element ran once.
    assertEveryElementRanOnce(workDir, BIG_RUN_SIZE);
    // The shards tile [0, N) and hold one line per element; a sample is checked value by value.
    List<Path> shards;
    try (Stream<Path> files = Files.list(outputsDir.resolve("elements"))) {
      shards = files.sorted().toList();
    }
    long next = 0;
    long lines = 0;
    Pattern shardName = Pattern.compile("part-(\\d{12})-(\\d{12})\\.jsonl");
    for (Path shard : shards) {
      Matcher m = shardName.matcher(shard.getFileName().toString());
      assertThat(m.matches()).as(shard.toString()).isTrue();
      assertThat(Long.parseLong(m.group(1))).as("shards tile the indices").isEqualTo(next);
      next = Long.parseLong(m.group(2));
      lines += countLines(shard);
    }
    assertThat(next).isEqualTo(BIG_RUN_SIZE);
    assertThat(lines).isEqualTo(BIG_RUN_SIZE);
    for (Path shard :
        List.of(shards.get(0), shards.get(shards.size() / 2), shards.get(shards.size() - 1))) {
      long index =
          Long.parseLong(shardName.matcher(shard.getFileName().toString()).replaceAll("$1"));
      for (String line : Files.readAllLines(shard)) {
        assertThat(line)
            .isEqualTo("{\"index\":" + index + ",\"outputs\":{\"o0\":" + index * index + "}}");
        index++;
      }
    }
    LiteralMap blobs = LiteralMap.parseFrom(Files.readAllBytes(outputsDir.resolve("outputs.pb")));
    assertThat(blobs.getLiteralsMap().get("o0").getScalar().getBlob().getUri())
        .isEqualTo(outputsDir.resolve("elements") + "/");
  }

  @Test
  @Order(7)
  void shouldReadAndWriteHdfsOnTheCluster() throws IOException {
    // given: a real HDFS; only the driver has HADOOP_CONF_DIR, the Workers and executors do not
    int size = 5_000;
    try (MiniHadoop hadoop = MiniHadoop.start(dir, false)) {
      String base = hadoop.hdfs() + "/standalone";
      org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
      conf.set("fs.defaultFS", hadoop.hdfs());
      try (org.apache.hadoop.fs.FileSystem fs =
          org.apache.hadoop.fs.FileSystem.newInstance(java.net.URI.create(hadoop.hdfs()), conf)) {
        Path local = definition(MapTask.of(new Square()).build(), "hdfs-square.def.json");
        hdfsPut(fs, base + "/map.def.json", Files.readAllBytes(local));
        hdfsPut(
            fs,
            base + "/x.jsonl",
            LongStream.range(0, size)
                .mapToObj(x -> x + "\n")
                .collect(Collectors.joining())
                .getBytes(StandardCharsets.UTF_8));
        hdfsPut(
            fs,
            base + "/inputs.json",
            ("{\"x\": {\"uri\": \"" + base + "/x.jsonl\", \"format\": \"jsonl\"}}")
                .getBytes(StandardCharsets.UTF_8));

        // when
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(
            List.of(
                "run",
                "--definition",
                base + "/map.def.json",
                "--inputs",
                base + "/inputs.json",
                "--outputs",
                base + "/outputs.json",
                "--work-dir",
                base + "/work",
                "--jars",
                examplesJar.toString(),
                "--spark-master",
                cluster.masterUrl()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("FLYTE_BEAM_JAVA_OPTS", "-Xmx1g -Dspark.ui.enabled=false");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().putAll(hadoop.environment());
        Child run = ChildProcesses.start(builder, dir.resolve("hdfs.log"));

        // then: every output, read from hdfs; the run folder is there
        assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
        LiteralMap.Builder out = LiteralMap.newBuilder();
        try (java.io.InputStream in =
            fs.open(new org.apache.hadoop.fs.Path(base + "/outputs.json"))) {
          JsonFormat.parser().merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), out);
        }
        List<Long> values = new ArrayList<>();
        for (Object v : Inputs.plain(out.build(), "o0")) {
          values.add((Long) v);
        }
        assertThat(values).isEqualTo(LongStream.range(0, size).map(x -> x * x).boxed().toList());
        org.apache.hadoop.fs.FileStatus[] runs =
            fs.listStatus(new org.apache.hadoop.fs.Path(base + "/work"));
        assertThat(runs).hasSize(1);
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(runs[0].getPath(), "verdict.bin")))
            .isTrue();
      }
    }
  }

  private static void hdfsPut(org.apache.hadoop.fs.FileSystem fs, String uri, byte[] content)
      throws IOException {
    try (java.io.OutputStream out = fs.create(new org.apache.hadoop.fs.Path(uri), true)) {
      out.write(content);
    }
  }

  /** The peak resident set of a process so far ({@code VmHWM}), in KB; 0 once it is gone. */
  private static long highWaterMarkKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // exited between the check and the read
    }
    return 0;
  }

  private static long countLines(Path file) throws IOException {
    long n = 0;
    for (byte b : Files.readAllBytes(file)) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  /**
   * The verdict counts every element as succeeded, and the result files hold every index exactly
   * once, each at its first attempt. Checked without a per-element assertion (10M elements).
   */
  private static void assertEveryElementRanOnce(Path workDir, int size) throws IOException {
    Path runFolder;
    try (Stream<Path> runs = Files.list(workDir)) {
      runFolder = runs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    MapVerdict verdict =
        (MapVerdict)
            SerializableUtils.deserializeFromByteArray(
                Files.readAllBytes(runFolder.resolve("verdict.bin")), "verdict");
    assertThat(verdict.succeeded()).isEqualTo(size);
    BitSet seen = new BitSet(size);
    long twice = 0;
    long notOnce = 0;
    Path results = runFolder.resolve("results");
    try (Stream<Path> files = Files.list(results)) {
      for (Path file : files.toList()) {
        Matcher m = RANGE_FILE.matcher(file.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        for (ElementOutcome o :
            RangeResults.read(
                    results.toString(), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))
                .orElseThrow(() -> new AssertionError("unreadable " + file))) {
          twice += seen.get((int) o.index()) ? 1 : 0;
          notOnce += o.status().succeeded() && o.attempts() == 1 ? 0 : 1;
          seen.set((int) o.index());
        }
      }
    }
    assertThat(twice).as("indices with two outcomes").isZero();
    assertThat(notOnce).as("elements not run exactly once").isZero();
    assertThat(seen.cardinality()).as("indices with an outcome").isEqualTo(size);
  }

  private static void awaitExit(ProcessHandle process) {
    try {
      process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the killed executor " + process.pid() + " did not exit", e);
    }
  }

  /** Range files written so far in the run folder under {@code workDir}. */
  private static long rangesDone(Path workDir) {
    try (Stream<Path> files = Files.walk(workDir)) {
      return files.filter(f -> RANGE_FILE.matcher(f.getFileName().toString()).matches()).count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0; // not there yet
    }
  }

  /**
   * The verdict counts every element once, and the run's result files hold every index exactly
   * once: a range re-executed after the executor loss was read back, not counted again.
   */
  private static void assertEveryElementCountedOnce(Path workDir, int size) throws IOException {
    assertRunCountsEveryElementOnce(onlyFolder(workDir), size);
  }

  /** The one run folder in {@code workDir}. */
  private static Path onlyFolder(Path workDir) throws IOException {
    try (Stream<Path> runs = Files.list(workDir)) {
      List<Path> all = runs.filter(Files::isDirectory).toList();
      assertThat(all).as("one run folder").hasSize(1);
      return all.get(0);
    }
  }

  /** As {@link #assertEveryElementCountedOnce}, for the map whose folder is {@code runFolder}. */
  private static void assertRunCountsEveryElementOnce(Path runFolder, int size) throws IOException {
    MapVerdict verdict =
        (MapVerdict)
            SerializableUtils.deserializeFromByteArray(
                Files.readAllBytes(runFolder.resolve("verdict.bin")), "verdict");
    assertThat(verdict.size()).isEqualTo(size);
    assertThat(verdict.succeeded()).isEqualTo(size);
    assertThat(verdict.failed() + verdict.timedOut() + verdict.aborted()).isZero();

    BitSet seen = new BitSet(size);
    List<Long> duplicated = new ArrayList<>();
    Path results = runFolder.resolve("results");
    try (Stream<Path> files = Files.list(results)) {
      for (Path file : files.sorted().toList()) {
        Matcher m = RANGE_FILE.matcher(file.getFileName().toString());
        if (!m.matches()) {
          continue; // a temporary file a killed writer left: never read as a result
        }
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        List<ElementOutcome> outcomes =
            RangeResults.read(results.toString(), start, end)
                .orElseThrow(() -> new AssertionError("unreadable " + file));
        assertThat(outcomes).hasSize((int) (end - start));
        for (ElementOutcome outcome : outcomes) {
          assertThat(outcome.status().succeeded()).as("element %d", outcome.index()).isTrue();
          if (seen.get((int) outcome.index())) {
            duplicated.add(outcome.index());
          }
          seen.set((int) outcome.index());
        }
      }
    }
    assertThat(duplicated).as("indices with two outcomes").isEmpty();
    assertThat(seen.cardinality()).as("indices with an outcome").isEqualTo(size);
  }

  private List<Path> appFolders(int worker) throws IOException {
    try (Stream<Path> apps = Files.list(cluster.workerDir(worker))) {
      return apps.filter(p -> p.getFileName().toString().startsWith("app-"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  /** The ids of the applications that ran executors on either worker so far. */
  private Set<String> applications() throws IOException {
    Set<String> ids = new HashSet<>();
    for (int worker = 0; worker < 2; worker++) {
      appFolders(worker).forEach(p -> ids.add(p.getFileName().toString()));
    }
    return ids;
  }

  private static List<Path> executorFolders(Path app) throws IOException {
    try (Stream<Path> executors = Files.list(app)) {
      return executors.filter(Files::isDirectory).toList();
    }
  }

  /** Runs {@code ./flyte-beam ARGS} as its own process (the launcher execs java: same pid). */
  private Child launch(String name, String... args) {
    return launchWithHeap(name, "-Xmx1g", args);
  }

  /** As {@link #launch(String, String...)}, the driver's heap limited to {@code maxHeap}. */
  private Child launchWithHeap(String name, String maxHeap, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("FLYTE_BEAM_JAVA_OPTS", maxHeap + " -Dspark.ui.enabled=false");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return ChildProcesses.start(builder, dir.resolve(name + ".log"));
  }

  private JavaTask<?, ?> userTask(String name) throws IOException {
    // Only to write the definition: the runs get the jar through --jars.
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {userJar.toUri().toURL()}, JavaTask.class.getClassLoader())) {
      for (JavaTask<?, ?> task : ServiceLoader.load(JavaTask.class, loader)) {
        if (task.name().equals(name)) {
          return task;
        }
      }
    }
    throw new AssertionError("no task " + name + " in " + userJar);
  }

  private Path definition(JavaTask<?, ?> task, String name) {
    return definition(MapTask.of(task).build(), name);
  }

  private Path definition(MapTaskSpec spec, String name) {
    Path file = dir.resolve(name);
    DefinitionWriter.write(spec, file);
    return file;
  }

  private Path inputs(String name, int size) throws IOException {
    return inputs(name, "x", size);
  }

  /** {@code {"INPUT": [0, 1, ..., size-1]}} in the file {@code name}. */
  private Path inputs(String name, String input, int size) throws IOException {
    String xs = LongStream.range(0, size).mapToObj(Long::toString).collect(Collectors.joining(","));
    return Files.writeString(dir.resolve(name), "{\"" + input + "\": [" + xs + "]}");
  }

  private static LiteralMap outputs(Path outputsJson) throws IOException {
    LiteralMap.Builder map = LiteralMap.newBuilder();
    JsonFormat.parser().merge(Files.readString(outputsJson), map);
    return map.build();
  }

  private static List<Long> values(Path outputsJson) throws IOException {
    List<Long> values = new ArrayList<>();
    for (Object value : Inputs.plain(outputs(outputsJson), "o0")) {
      values.add((Long) value);
    }
    return values;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<String> java17Flags() {
    return List.of(FlyteBeam.SPARK_JAVA17_FLAGS.split(" "));
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void deleteTree(Path root) {
    if (root != null) {
      FlyteBeam.deleteLocalFolder(root.toString());
    }
  }

  /** The number of ranges MapRunPlan cuts a map of {@code size} into (its rule, restated). */
  private static final class MapRunPlanShape {
    static long ranges(long size) {
      long length = Math.max(1, Math.min(2048, (size + 63) / 64));
      return (size + length - 1) / length;
    }
  }
}

package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Errors.ContainerError;
import flyteidl.core.Errors.ErrorDocument;
import flyteidl.core.Execution.ExecutionError;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.KeyValuePair;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.RetryStrategy;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.DataLoadingConfig;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Workflow.ArrayNode.DataMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.process.Pids;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.SubTask;
import org.flytebeam.spec.TaskId;
import org.flytebeam.types.Blob;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerInvokerTest {
  @TempDir Path dir;

  private final String runId = UUID.randomUUID().toString();
  private final List<Long> pids = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    Pids.kill(pids);
    RunControl.release(runId);
  }

  // --- building sub-tasks -------------------------------------------------------------------

  private static LiteralType type(Class<?> javaType) {
    return LiteralTypes.of(javaType);
  }

  private static VariableMap vars(Object... nameAndType) {
    VariableMap.Builder vars = VariableMap.newBuilder();
    for (int i = 0; i < nameAndType.length; i += 2) {
      vars.putVariables(
          (String) nameAndType[i],
          Variable.newBuilder().setType((LiteralType) nameAndType[i + 1]).build());
    }
    return vars.build();
  }

  private static TaskTemplate template(
      VariableMap inputs, VariableMap outputs, Container container) {
    return TaskTemplate.newBuilder()
        .setId(TaskId.of("scale").toProto(ResourceType.TASK))
        .setType("raw-container")
        .setMetadata(TaskMetadata.newBuilder().setRetries(RetryStrategy.newBuilder().setRetries(2)))
        .setInterface(TypedInterface.newBuilder().setInputs(inputs).setOutputs(outputs))
        .setContainer(container)
        .build();
  }

  private static Container sh(String script) {
    return Container.newBuilder().addCommand("sh").addCommand("-c").addCommand(script).build();
  }

  private static DataLoadingConfig dataConfig(DataLoadingConfig.LiteralMapFormat format) {
    return DataLoadingConfig.newBuilder()
        .setEnabled(true)
        .setInputPath("/var/inputs")
        .setOutputPath("/var/outputs")
        .setFormat(format)
        .build();
  }

  private InvokerContext context(
      TaskTemplate template,
      MapTaskSpec.Form form,
      DataMode mode,
      LiteralMap wholeInputs,
      ProcessSettings settings)
      throws Exception {
    Path inputs = dir.resolve("run").resolve("inputs.pb");
    Files.createDirectories(inputs.getParent());
    Files.write(inputs, wholeInputs.toByteArray());
    SubTask subTask = SubTask.of(template, template.getInterface(), OptionalInt.empty());
    return new InvokerContext(
        subTask,
        form,
        mode,
        "map_scale",
        runId,
        dir.resolve("run").toString(),
        inputs.toString(),
        settings);
  }

  private InvokerContext context(TaskTemplate template) throws Exception {
    return context(
        template,
        MapTaskSpec.Form.ARRAY_NODE,
        DataMode.SINGLE_INPUT_FILE,
        LiteralMap.getDefaultInstance(),
        ProcessSettings.defaults());
  }

  private static Map<String, Literal> inputs(Object... nameAndValue) {
    Map<String, Literal> map = new LinkedHashMap<>();
    for (int i = 0; i < nameAndValue.length; i += 2) {
      map.put((String) nameAndValue[i], (Literal) nameAndValue[i + 1]);
    }
    return map;
  }

  /** Attempt folders are {@code attempts/<index>/<execution>-<attempt>}: one execution here. */
  private Path attemptDir(long index, int attempt) {
    Path element = dir.resolve("run").resolve("attempts").resolve(Long.toString(index));
    try (var dirs = Files.list(element)) {
      return dirs.filter(p -> p.getFileName().toString().matches("[0-9a-f]{8}-" + attempt))
          .findFirst()
          .orElseThrow(
              () -> new AssertionError("no folder of attempt " + attempt + " in " + element));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The attempts of element {@code index} whose folders were kept. */
  private List<Integer> keptAttempts(long index) throws java.io.IOException {
    Path element = dir.resolve("run").resolve("attempts").resolve(Long.toString(index));
    if (!Files.isDirectory(element)) {
      return List.of();
    }
    try (var dirs = Files.list(element)) {
      return dirs.map(p -> p.getFileName().toString())
          .map(n -> Integer.parseInt(n.substring(n.indexOf('-') + 1)))
          .sorted()
          .toList();
    }
  }

  @Test
  void shouldRunEveryAttemptOfAWorkerInItsFoldersEmptiedAndNotFollowALinkAProgramLeft()
      throws Exception {
    // given: a raw container that doubles its input, and on element 0 replaces its input folder
    // by a link to a folder outside the run
    Path outside = Files.createDirectories(dir.resolve("outside"));
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars("o", type(Long.class)),
            sh(
                    "x=$(cat /var/inputs/x); if [ \"$FLYTE_K8S_ARRAY_INDEX\" = 0 ]; then"
                        + " rm -rf /var/inputs && ln -s "
                        + outside
                        + " /var/inputs; fi; echo $((x * 2)) > /var/outputs/o")
                .toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    ElementInvoker invoker = Invokers.create(context(t));

    // when: three elements on one worker
    List<Literal> outputs = new java.util.ArrayList<>();
    for (long i = 0; i < 3; i++) {
      outputs.addAll(invoker.invoke(i, 0, inputs("x", Literals.of(10 + i)), Optional.empty()));
    }

    // then: each read its own input, nothing was written through the link, no attempt was kept
    assertThat(outputs).containsExactly(Literals.of(20L), Literals.of(22L), Literals.of(24L));
    try (var left = Files.list(outside)) {
      assertThat(left).isEmpty();
    }
    for (long i = 0; i < 3; i++) {
      assertThat(keptAttempts(i)).isEmpty();
    }
    // and one worker made one slot for the three
    try (var made = Files.list(dir.resolve("run").resolve("attempts").resolve("slots"))) {
      Path slots = made.findFirst().orElseThrow();
      assertThat(slots).isDirectoryContaining(p -> p.getFileName().toString().equals("0"));
      try (var inside = Files.list(slots)) {
        assertThat(inside).hasSize(1);
      }
    }
  }

  @Test
  void shouldNotWriteTheLogsThroughALinkTheProgramPutInPlaceOfThem() throws Exception {
    // given: a program that links its attempt's stderr.log to a file outside, then fails loudly
    Path outside = Files.writeString(dir.resolve("outside.txt"), "keep me");
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars("o", type(Long.class)),
            sh("ln -s " + outside + " ../stderr.log; echo 'failing on purpose' >&2; exit 3"));

    // when
    ElementOutcome outcome = runElement(t, 0, Optional.empty());

    // then: the element failed with its stderr, and the file outside is as it was
    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.error()).contains("failing on purpose");
    assertThat(outside).hasContent("keep me");
  }

  // --- the container contract ------------------------------------------------------------------

  @Test
  void shouldRunARawContainerAsFlytekitWritesIt() throws Exception {
    // given: flytekit's ContainerTask shape, the example of /work/shared/examples
    TaskTemplate t =
        template(
            vars("x", type(Long.class), "k", type(Long.class)),
            vars("y", type(Long.class)),
            sh("echo $(( {{.inputs.x}} * {{.inputs.k}} )) > /var/outputs/y").toBuilder()
                .setImage("debian:bookworm-slim")
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    InvokerContext context = context(t);

    // when
    List<String> warnings = Invokers.checkRunnable(context);
    List<Literal> outputs =
        Invokers.create(context)
            .invoke(4, 0, inputs("x", Literals.of(4L), "k", Literals.of(3L)), Optional.empty());

    // then
    assertThat(outputs).containsExactly(Literals.of(12L));
    assertThat(warnings)
        .anySatisfy(
            w -> assertThat(w).contains("image [debian:bookworm-slim]").contains("not used"));
  }

  @Test
  void shouldReadEveryPrimitiveOutputOfARawContainer() throws Exception {
    // given: outputs written with trailing newlines and spaces, as shell programs do
    TaskTemplate t =
        template(
            vars(),
            vars(
                "i",
                type(Long.class),
                "f",
                type(Double.class),
                "s",
                type(String.class),
                "b",
                type(Boolean.class),
                "t",
                type(Instant.class),
                "d",
                type(Duration.class)),
            sh(
                    "cd /var/outputs && echo ' -42 ' > i && echo 2.5e3 > f && printf 'hello world\\n\\n' > s"
                        + " && echo true > b && echo 2024-01-31T12:00:00.5Z > t && echo 1m30.25s > d")
                .toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.PROTO))
                .build());

    // when
    List<Literal> outputs = Invokers.create(context(t)).invoke(0, 0, Map.of(), Optional.empty());

    // then
    assertThat(outputs)
        .containsExactly(
            Literals.of(-42L),
            Literals.of(2500.0),
            Literals.of("hello world"),
            Literals.of(true),
            Literals.of(Instant.parse("2024-01-31T12:00:00.5Z")),
            Literals.of(Duration.ofMillis(90_250)));
  }

  @Test
  void shouldWriteEveryPrimitiveInputOfARawContainerAsCopilotDoes() throws Exception {
    // given: a program that echoes its input files and inputs.json into one output
    TaskTemplate t =
        template(
            vars(
                "i",
                type(Long.class),
                "f",
                type(Double.class),
                "s",
                type(String.class),
                "b",
                type(Boolean.class),
                "t",
                type(Instant.class),
                "d",
                type(Duration.class)),
            vars("o", type(String.class)),
            sh(
                    "cd /var/inputs && for v in i f s b t d; do printf '%s=%s;' $v \"$(cat $v)\"; done"
                        + " > /var/outputs/o && cat inputs.json >> /var/outputs/o && test -s inputs.pb")
                .toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    Map<String, Literal> in =
        inputs(
            "i",
            Literals.of(7L),
            "f",
            Literals.of(1.0e21),
            "s",
            Literals.of("a b"),
            "b",
            Literals.of(false),
            "t",
            Literals.of(Instant.parse("2024-01-31T12:00:00Z")),
            "d",
            Literals.of(Duration.ofSeconds(90)));

    // when
    List<Literal> outputs = Invokers.create(context(t)).invoke(0, 0, in, Optional.empty());

    // then
    assertThat(outputs.get(0).getScalar().getPrimitive().getStringValue())
        .isEqualTo(
            "i=7;f=1000000000000000000000;s=a b;b=false;t=2024-01-31T12:00:00Z;d=1m30s;"
                + "{\"i\":7,\"f\":1e+21,\"s\":\"a b\",\"b\":false,\"t\":\"2024-01-31T12:00:00Z\","
                + "\"d\":90000000000}");
  }

  @Test
  void shouldRenderInputValuesAsFlytepropellerDoes() throws Exception {
    // given: each value printed on its own line
    TaskTemplate t =
        template(
            vars(
                "i",
                type(Long.class),
                "f",
                type(Double.class),
                "b",
                type(Boolean.class),
                "t",
                type(Instant.class),
                "d",
                type(Duration.class),
                "l",
                LiteralTypes.listOf(type(Long.class))),
            vars("o", type(String.class)),
            sh(
                    "printf '%s\\n' {{.inputs.i}} {{.inputs.f}} {{.inputs.b}} {{.inputs.t}} '{{.inputs.d}}'"
                        + " {{.inputs.l}} > /var/outputs/o")
                .toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    Map<String, Literal> in =
        inputs(
            "i",
            Literals.of(-3L),
            "f",
            Literals.of(1.0),
            "b",
            Literals.of(true),
            "t",
            Literals.of(Instant.parse("2024-01-31T12:00:00.123Z")),
            "d",
            Literals.of(Duration.ofMillis(1500)),
            "l",
            Literals.collection(List.of(Literals.of(1L), Literals.of(2L))));

    // when
    List<Literal> outputs = Invokers.create(context(t)).invoke(0, 0, in, Optional.empty());

    // then
    assertThat(outputs.get(0).getScalar().getPrimitive().getStringValue())
        .isEqualTo("-3\n1\ntrue\n2024-01-31T12:00:00.123Z\nseconds:1 nanos:500000000\n[1,2]");
  }

  @Test
  void shouldPassAValueWithSpacesAndShellCharactersAsOneUnchangedArgument() throws Exception {
    // given: a program that writes its argument count and its first argument
    String nasty = "two words; $(touch /tmp/flyte-beam-pwned) `id` \"q\" 'q' * \\n |&";
    TaskTemplate t =
        template(
            vars("x", type(String.class)),
            vars("o", type(String.class)),
            Container.newBuilder()
                .addArgs("sh")
                .addArgs("-c")
                .addArgs("printf '%s|%s' \"$#\" \"$1\" > /var/outputs/o")
                .addArgs("argv0")
                .addArgs("{{.inputs.x}}")
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());

    // when
    List<Literal> outputs =
        Invokers.create(context(t)).invoke(0, 0, inputs("x", Literals.of(nasty)), Optional.empty());

    // then
    assertThat(outputs.get(0).getScalar().getPrimitive().getStringValue()).isEqualTo("1|" + nasty);
    assertThat(Path.of("/tmp/flyte-beam-pwned")).doesNotExist();
  }

  @Test
  void shouldSetTheIndexAttemptAndIdentityVariablesOverTheWorkersEnvironment() throws Exception {
    // given
    TaskTemplate t =
        template(
            vars(),
            vars("o", type(String.class)),
            sh(
                    "echo \"$BATCH_JOB_ARRAY_INDEX_VAR_NAME $FLYTE_K8S_ARRAY_INDEX $FLYTE_ATTEMPT_NUMBER"
                        + " $FLYTE_INTERNAL_TASK_NAME $FLYTE_INTERNAL_TASK_VERSION $FLYTE_INTERNAL_TASK_PROJECT"
                        + " $FLYTE_INTERNAL_EXECUTION_ID $FLYTE_INTERNAL_EXECUTION_WORKFLOW $MY_VAR $(pwd)\""
                        + " > /var/outputs/o; test -n \"$HOME\" && command -v sh >/dev/null")
                .toBuilder()
                .addEnv(KeyValuePair.newBuilder().setKey("MY_VAR").setValue("mine"))
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());

    // when
    List<Literal> outputs = Invokers.create(context(t)).invoke(7, 2, Map.of(), Optional.empty());

    // then
    // (the working folder is a worker's, used again by its next attempt, see AttemptSlotsTest)
    assertThat(outputs.get(0).getScalar().getPrimitive().getStringValue())
        .matches(
            java.util.regex.Pattern.quote(
                    "FLYTE_K8S_ARRAY_INDEX 7 2 scale 1 flyte-beam " + runId + " map_scale mine ")
                + java.util.regex.Pattern.quote(
                    dir.resolve("run").resolve("attempts").resolve("slots").toRealPath() + "/")
                + "[0-9a-f]{8}/0/attempt/work");
  }

  // --- outputs.pb and error.pb ------------------------------------------------------------------

  /** A program that copies {@code <name>-<attempt>.pb} files the test prepared into its outputs. */
  private TaskTemplate copier(VariableMap outputs) {
    Path prepared = dir.resolve("prepared");
    return template(
        vars("x", type(Long.class)),
        outputs,
        Container.newBuilder()
            .addArgs("sh")
            .addArgs("-c")
            .addArgs(
                "for f in outputs error; do src="
                    + prepared
                    + "/$f-$FLYTE_ATTEMPT_NUMBER.pb;"
                    + " if [ -f $src ]; then cp $src \"$1/$f.pb\"; fi; done;"
                    + " if [ -f "
                    + prepared
                    + "/exit-$FLYTE_ATTEMPT_NUMBER ]; then"
                    + " echo \"failing on purpose\" >&2; exit 3; fi")
            .addArgs("copier")
            .addArgs("{{.outputPrefix}}")
            .build());
  }

  private void prepare(String name, int attempt, byte[] bytes) throws Exception {
    Files.createDirectories(dir.resolve("prepared"));
    Files.write(dir.resolve("prepared").resolve(name + "-" + attempt + ".pb"), bytes);
  }

  private static byte[] error(
      String message, ContainerError.Kind kind, ExecutionError.ErrorKind origin) {
    return ErrorDocument.newBuilder()
        .setError(
            ContainerError.newBuilder()
                .setCode(origin.name())
                .setMessage(message)
                .setKind(kind)
                .setOrigin(origin))
        .build()
        .toByteArray();
  }

  private static byte[] outputs(String name, Literal value) {
    return LiteralMap.newBuilder().putLiterals(name, value).build().toByteArray();
  }

  private ElementOutcome runElement(TaskTemplate t, int retries, Optional<Duration> timeout)
      throws Exception {
    ElementInvoker invoker = Invokers.create(context(t));
    RunControl control = RunControl.forRun(runId, 1, 1, false);
    return new ElementRunner(invoker, retries, timeout, control)
        .run(0, inputs("x", Literals.of(1L)));
  }

  @Test
  void shouldReturnTheOutputsOfOutputsPbInInterfaceOrder() throws Exception {
    prepare(
        "outputs",
        0,
        LiteralMap.newBuilder()
            .putLiterals("b", Literals.of("B"))
            .putLiterals("a", Literals.of(1L))
            .build()
            .toByteArray());
    ElementOutcome outcome =
        runElement(
            copier(vars("a", type(Long.class), "b", type(String.class))), 0, Optional.empty());
    assertThat(outcome.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(outcome.outputs()).containsExactly(Literals.of(1L), Literals.of("B"));
  }

  @Test
  void shouldFailAtOnceWhenTheErrorIsNonRecoverable() throws Exception {
    // given: flytekit's error message, traceback and all
    prepare(
        "error",
        0,
        error(
            "Trace:\n\n    Traceback ...\n    raise ValueError(\"boom\")\n\nMessage:\n\n    ValueError: boom",
            ContainerError.Kind.NON_RECOVERABLE,
            ExecutionError.ErrorKind.USER));

    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 2, Optional.empty());

    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.error()).isEqualTo("ValueError: boom");
  }

  @Test
  void shouldFailAtOnceWhenASystemErrorIsNonRecoverable() throws Exception {
    prepare(
        "error",
        0,
        error("disk gone", ContainerError.Kind.NON_RECOVERABLE, ExecutionError.ErrorKind.SYSTEM));
    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 2, Optional.empty());
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.error()).isEqualTo("disk gone");
  }

  @Test
  void shouldRetryRecoverableUserErrorsOnTheUserBudget() throws Exception {
    for (int a = 0; a < 5; a++) {
      prepare(
          "error",
          a,
          error(
              "FlyteRecoverableException: again",
              ContainerError.Kind.RECOVERABLE,
              ExecutionError.ErrorKind.USER));
    }
    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 2, Optional.empty());
    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(outcome.error()).isEqualTo("FlyteRecoverableException: again");
  }

  @Test
  void shouldRetryRecoverableSystemErrorsOnTheSystemBudget() throws Exception {
    for (int a = 0; a < 6; a++) {
      prepare(
          "error",
          a,
          error(
              "SystemError: flaky node",
              ContainerError.Kind.RECOVERABLE,
              ExecutionError.ErrorKind.SYSTEM));
    }
    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 0, Optional.empty());
    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.attempts()).isEqualTo(ElementRunner.SYSTEM_RETRIES + 1);
  }

  @Test
  void shouldSucceedOnTheSecondAttemptWithoutSeeingTheFirstAttemptsErrorPb() throws Exception {
    prepare(
        "error",
        0,
        error(
            "FlyteRecoverableException: try again",
            ContainerError.Kind.RECOVERABLE,
            ExecutionError.ErrorKind.USER));
    prepare("outputs", 1, outputs("o", Literals.of(42L)));

    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 1, Optional.empty());

    assertThat(outcome.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(outcome.outputs()).containsExactly(Literals.of(42L));
    assertThat(attemptDir(0, 0).resolve("outputs/error.pb")).exists();
    // the successful attempt left no logs, so no folder: its worker's folder was emptied for reuse
    assertThat(keptAttempts(0)).containsExactly(0);
  }

  @Test
  void shouldRetryANonZeroExitWithoutErrorPbAndKeepItsStderr() throws Exception {
    Files.createDirectories(dir.resolve("prepared"));
    Files.writeString(dir.resolve("prepared/exit-0"), "");
    prepare("outputs", 1, outputs("o", Literals.of(1L)));

    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 1, Optional.empty());

    assertThat(outcome.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(attemptDir(0, 0).resolve("stderr.log")).hasContent("failing on purpose");
  }

  @Test
  void shouldFailWithTheLastLinesOfStderrWhenEveryAttemptExitsNonZero() throws Exception {
    Files.createDirectories(dir.resolve("prepared"));
    Files.writeString(dir.resolve("prepared/exit-0"), "");
    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 0, Optional.empty());
    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.error())
        .isEqualTo("exit code 3 without error.pb; stderr: failing on purpose");
  }

  @Test
  void shouldFailClearlyWhenOutputsPbLacksADeclaredOutput() throws Exception {
    prepare("outputs", 0, outputs("other", Literals.of(1L)));
    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 3, Optional.empty());
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.error())
        .isEqualTo(
            "outputs.pb has no output [o] (it holds [other]): write every declared output [o]");
  }

  @Test
  void shouldFailClearlyWhenNoOutputsPbIsWritten() throws Exception {
    ElementOutcome outcome = runElement(copier(vars("o", type(Long.class))), 3, Optional.empty());
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.error()).contains("without writing outputs.pb").contains("[o]");
  }

  @Test
  void shouldKillTheProcessTreeWhenAnAttemptTimesOut() throws Exception {
    // given: a program that starts a child and waits for it
    Path pidFile = dir.resolve("pids");
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars(),
            sh("echo $$ >> " + pidFile + "; sleep 300 & echo $! >> " + pidFile + "; wait"));

    // when
    long start = System.nanoTime();
    ElementOutcome outcome = runElement(t, 1, Optional.of(Duration.ofMillis(500)));

    // then: two attempts, each killed with its child
    assertThat(outcome.status()).isEqualTo(ElementStatus.TIMED_OUT);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(outcome.error()).isEqualTo("TimeoutError: attempt timed out after 0.5s");
    // Far less than the child's 300 s, with room for a loaded machine.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    List<Long> started = Pids.read(pidFile);
    pids.addAll(started);
    assertThat(started).hasSize(4);
    Pids.assertGoneWithin(started, Duration.ofSeconds(5));
  }

  @Test
  void shouldKillARunningProcessWhenTheRunStops() throws Exception {
    TaskTemplate t = template(vars("x", type(Long.class)), vars(), sh("sleep 300"));
    ElementInvoker invoker = Invokers.create(context(t));
    // Two elements, both required: one failure and the map can no longer succeed.
    RunControl control = RunControl.forRun(runId, 2, 2, false);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<ElementOutcome> outcome =
          thread.submit(
              () ->
                  new ElementRunner(invoker, 0, Optional.empty(), control)
                      .run(0, inputs("x", Literals.of(1L))));
      Thread.sleep(500);
      control.finished(1, ElementStatus.FAILED);
      assertThat(outcome.get(10, java.util.concurrent.TimeUnit.SECONDS).status())
          .isEqualTo(ElementStatus.ABORTED);
    } finally {
      thread.shutdownNow();
    }
  }

  // --- {{.input}}, checkpoints, legacy
  // ------------------------------------------------------------

  @Test
  void shouldShareTheWholeInputMapForSingleInputFile() throws Exception {
    // given: the map's whole inputs, a list and a bound value
    LiteralMap whole =
        LiteralMap.newBuilder()
            .putLiterals("x", Literals.collection(List.of(Literals.of(1L), Literals.of(2L))))
            .putLiterals("k", Literals.of(3L))
            .build();
    TaskTemplate t =
        template(
            vars("x", type(Long.class), "k", type(Long.class)),
            vars("o", type(String.class)),
            Container.newBuilder()
                .addArgs("sh")
                .addArgs("-c")
                .addArgs("mkdir -p \"$2\" && { echo \"$1\"; cksum < \"$1\"; } > \"$2/o\"")
                .addArgs("s")
                .addArgs("{{.input}}")
                .addArgs("/var/outputs")
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    ElementInvoker invoker =
        Invokers.create(
            context(
                t,
                MapTaskSpec.Form.ARRAY_NODE,
                DataMode.SINGLE_INPUT_FILE,
                whole,
                ProcessSettings.defaults()));

    // when
    String first =
        invoker
            .invoke(0, 0, inputs("x", Literals.of(1L), "k", Literals.of(3L)), Optional.empty())
            .get(0)
            .getScalar()
            .getPrimitive()
            .getStringValue();
    String second =
        invoker
            .invoke(1, 0, inputs("x", Literals.of(2L), "k", Literals.of(3L)), Optional.empty())
            .get(0)
            .getScalar()
            .getPrimitive()
            .getStringValue();

    // then: one file, the same for both, holding the whole map
    assertThat(first).isEqualTo(second);
    Path file = Path.of(first.lines().findFirst().orElseThrow());
    assertThat(LiteralMap.parseFrom(Files.readAllBytes(file))).isEqualTo(whole);
  }

  @Test
  void shouldGiveEachElementItsOwnInputMapForIndividualInputFiles() throws Exception {
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars("o", type(String.class)),
            Container.newBuilder()
                .addArgs("sh")
                .addArgs("-c")
                .addArgs("cp \"$1\" \"$0\" && echo \"$1\" > /var/outputs/o")
                .addArgs(dir.resolve("seen.pb").toString())
                .addArgs("{{.input}}")
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    ElementInvoker invoker =
        Invokers.create(
            context(
                t,
                MapTaskSpec.Form.ARRAY_NODE,
                DataMode.INDIVIDUAL_INPUT_FILES,
                LiteralMap.getDefaultInstance(),
                ProcessSettings.defaults()));

    String path =
        invoker
            .invoke(5, 0, inputs("x", Literals.of(9L)), Optional.empty())
            .get(0)
            .getScalar()
            .getPrimitive()
            .getStringValue();

    // (the file as the program saw it: the attempt's folder is emptied after it, for the next)
    assertThat(path).startsWith(dir.resolve("run").resolve("attempts").toString());
    assertThat(LiteralMap.parseFrom(Files.readAllBytes(dir.resolve("seen.pb"))))
        .isEqualTo(LiteralMap.newBuilder().putLiterals("x", Literals.of(9L)).build());
  }

  @Test
  void shouldPointPrevCheckpointPrefixAtThePreviousAttemptsCheckpoint() throws Exception {
    // given: attempt 0 checkpoints and fails; attempt 1 reads the checkpoint back
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars("o", type(String.class)),
            Container.newBuilder()
                .addArgs("sh")
                .addArgs("-c")
                .addArgs(
                    "if [ \"$FLYTE_ATTEMPT_NUMBER\" = 0 ]; then echo \"$2\" > \"$1/state\"; exit 1; fi;"
                        + " cat \"$2/state\" > /var/outputs/o; echo \"$2\" >> /var/outputs/o")
                .addArgs("s")
                .addArgs("{{.checkpointOutputPrefix}}")
                .addArgs("{{.prevCheckpointPrefix}}")
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());

    ElementOutcome outcome = runElement(t, 1, Optional.empty());

    // then: attempt 0 saw flytepropeller's empty marker, attempt 1 the checkpoint of attempt 0
    assertThat(outcome.status()).isEqualTo(ElementStatus.SUCCEEDED);
    assertThat(outcome.outputs().get(0).getScalar().getPrimitive().getStringValue())
        .isEqualTo("\"\"\n" + attemptDir(0, 0).resolve("checkpoint"));
  }

  @Test
  void shouldReadALegacyContainersOutputsFromItsIndexFolderUnderOneSharedPrefix() throws Exception {
    // given: a legacy resolver that appends the index to the output prefix itself
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars("o", type(String.class)),
            Container.newBuilder()
                .addArgs("sh")
                .addArgs("-c")
                .addArgs(
                    "mkdir -p \"$1/$FLYTE_K8S_ARRAY_INDEX\" && cp "
                        + dir.resolve("prepared/outputs-0.pb")
                        + " \"$1/$FLYTE_K8S_ARRAY_INDEX/outputs.pb\" && echo \"$1\" >> "
                        + dir.resolve("prefixes"))
                .addArgs("s")
                .addArgs("{{.outputPrefix}}")
                .build());
    prepare("outputs", 0, outputs("o", Literals.of("done")));
    ElementInvoker invoker =
        Invokers.create(
            context(
                t,
                MapTaskSpec.Form.LEGACY,
                DataMode.SINGLE_INPUT_FILE,
                LiteralMap.getDefaultInstance(),
                ProcessSettings.defaults()));

    // when
    assertThat(invoker.invoke(0, 0, inputs("x", Literals.of(1L)), Optional.empty()))
        .containsExactly(Literals.of("done"));
    assertThat(invoker.invoke(1, 0, inputs("x", Literals.of(2L)), Optional.empty()))
        .containsExactly(Literals.of("done"));

    // then: both indices got the same prefix
    assertThat(Files.readAllLines(dir.resolve("prefixes")))
        .hasSize(2)
        .containsOnly(Files.readAllLines(dir.resolve("prefixes")).get(0));
  }

  private InvokerContext byReference(InvokerContext c, java.util.Set<String> bound) {
    return new InvokerContext(
        c.subTask(),
        c.form(),
        c.dataMode(),
        c.mapName(),
        c.runId(),
        c.workDir(),
        c.inputsFile(),
        c.process(),
        true,
        bound);
  }

  @Test
  void shouldGiveEachElementAMapOfItsOwnWhenInputsAreGivenByReference() throws Exception {
    // given: the shared inputs.pb holds a JSON Lines blob, not a list
    LiteralMap whole =
        LiteralMap.newBuilder()
            .putLiterals("x", Literals.of(new Blob("/data/x.jsonl", "jsonl", false)))
            .putLiterals("k", Literals.of(3L))
            .build();
    TaskTemplate t =
        template(
            vars("x", type(Long.class), "k", type(Long.class)),
            vars("o", type(String.class)),
            Container.newBuilder()
                .addArgs("sh")
                .addArgs("-c")
                .addArgs(
                    "eval i=\\$$BATCH_JOB_ARRAY_INDEX_VAR_NAME; cp \"$1\" \"$0\";"
                        + " echo \"$1 $BATCH_JOB_ARRAY_INDEX_VAR_NAME=$i $FLYTE_K8S_ARRAY_INDEX\" > /var/outputs/o")
                .addArgs(dir.resolve("seen.pb").toString())
                .addArgs("{{.input}}")
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    ElementInvoker invoker =
        Invokers.create(
            byReference(
                context(
                    t,
                    MapTaskSpec.Form.ARRAY_NODE,
                    DataMode.SINGLE_INPUT_FILE,
                    whole,
                    ProcessSettings.defaults()),
                java.util.Set.of("k")));

    // when
    String[] seen =
        invoker
            .invoke(5, 0, inputs("x", Literals.of(9L), "k", Literals.of(3L)), Optional.empty())
            .get(0)
            .getScalar()
            .getPrimitive()
            .getStringValue()
            .split(" ");

    // then: flytekit's index (the variable the index variable names, plus no offset) is 0 in it
    assertThat(seen[1]).isEqualTo(ContainerInvoker.ELEMENT_INDEX_VARIABLE + "=0");
    assertThat(seen[2]).isEqualTo("5");
    assertThat(seen[0]).startsWith(dir.resolve("run").resolve("attempts").toString());
    assertThat(LiteralMap.parseFrom(Files.readAllBytes(dir.resolve("seen.pb"))))
        .isEqualTo(
            LiteralMap.newBuilder()
                .putLiterals("x", Literals.collection(List.of(Literals.of(9L))))
                .putLiterals("k", Literals.of(3L))
                .build());
  }

  @Test
  void shouldReadALegacyElementsOutputsFromFolderZeroWhenInputsAreGivenByReference()
      throws Exception {
    // given: a legacy resolver that computes its index as flytekit does
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars("o", type(String.class)),
            Container.newBuilder()
                .addArgs("sh")
                .addArgs("-c")
                .addArgs(
                    "eval i=\\$$BATCH_JOB_ARRAY_INDEX_VAR_NAME; mkdir -p \"$1/$i\" && cp "
                        + dir.resolve("prepared/outputs-0.pb")
                        + " \"$1/$i/outputs.pb\" && echo \"wrote $i\"")
                .addArgs("s")
                .addArgs("{{.outputPrefix}}")
                .build());
    prepare("outputs", 0, outputs("o", Literals.of("done")));
    ElementInvoker invoker =
        Invokers.create(
            byReference(
                context(
                    t,
                    MapTaskSpec.Form.LEGACY,
                    DataMode.SINGLE_INPUT_FILE,
                    LiteralMap.getDefaultInstance(),
                    ProcessSettings.defaults()),
                java.util.Set.of()));

    assertThat(invoker.invoke(7, 0, inputs("x", Literals.of(1L)), Optional.empty()))
        .containsExactly(Literals.of("done"));
    // (an attempt that printed something is kept, with its logs)
    assertThat(attemptDir(7, 0).resolve("outputs/0/outputs.pb")).exists();
    assertThat(attemptDir(7, 0).resolve("stdout.log")).hasContent("wrote 0");
  }

  // --- blobs, formats
  // --------------------------------------------------------------------------------

  @Test
  void shouldCopyBlobInputsInAndMoveBlobOutputsToTheRawOutputPrefix() throws Exception {
    // given
    Path source = dir.resolve("source.txt");
    Files.writeString(source, "hello");
    LiteralType blob = LiteralTypes.of(Blob.class);
    TaskTemplate t =
        template(
            vars("in", blob),
            vars("out", blob),
            sh("tr a-z A-Z < /var/inputs/in > /var/outputs/out").toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.PROTO))
                .build());

    // when
    List<Literal> outputs =
        Invokers.create(context(t))
            .invoke(3, 0, inputs("in", Literals.of(Blob.of(source.toString()))), Optional.empty());

    // then: a durable file under the run folder's raw folder
    String uri = outputs.get(0).getScalar().getBlob().getUri();
    assertThat(uri).isEqualTo(dir.resolve("run/raw/3/0/out").toString());
    assertThat(Path.of(uri)).hasContent("HELLO");
  }

  @Test
  void shouldReadOutputsMissingAsFilesFromTheFormatsMap() throws Exception {
    TaskTemplate t =
        template(
            vars(),
            vars("y", type(Long.class), "l", LiteralTypes.listOf(type(String.class))),
            sh(
                    "echo 5 > /var/outputs/y; echo '{\"l\": [\"a\", \"b\"], \"y\": 99}' > /var/outputs/outputs.json")
                .toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    List<Literal> outputs = Invokers.create(context(t)).invoke(0, 0, Map.of(), Optional.empty());
    assertThat(outputs)
        .containsExactly(
            Literals.of(5L), Literals.collection(List.of(Literals.of("a"), Literals.of("b"))));
  }

  @Test
  void shouldReadOutputsFromAYamlMapAndWriteInputsYaml() throws Exception {
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars("y", type(Long.class), "when", type(Instant.class)),
            sh(
                    "grep -q 'x: 4' /var/inputs/inputs.yaml && printf 'y: 8\\nwhen: 2024-01-31T12:00:00Z\\n' > /var/outputs/outputs.yaml")
                .toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.YAML))
                .build());
    List<Literal> outputs =
        Invokers.create(context(t)).invoke(0, 0, inputs("x", Literals.of(4L)), Optional.empty());
    assertThat(outputs)
        .containsExactly(Literals.of(8L), Literals.of(Instant.parse("2024-01-31T12:00:00Z")));
  }

  @Test
  void shouldFailNonRecoverablyWhenARawOutputIsMissingOrUnparsable() throws Exception {
    TaskTemplate missing =
        template(
            vars(),
            vars("y", type(Long.class)),
            sh("true").toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    assertThatThrownBy(
            () -> Invokers.create(context(missing)).invoke(0, 0, Map.of(), Optional.empty()))
        .isInstanceOfSatisfying(
            AttemptFailedException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.NON_RECOVERABLE))
        .hasMessage("output [y] was not written: write it to [/var/outputs/y]");

    TaskTemplate garbage =
        template(
            vars(),
            vars("y", type(Long.class)),
            sh("echo twelve > /var/outputs/y").toBuilder()
                .setDataConfig(dataConfig(DataLoadingConfig.LiteralMapFormat.JSON))
                .build());
    assertThatThrownBy(
            () -> Invokers.create(context(garbage)).invoke(0, 0, Map.of(), Optional.empty()))
        .hasMessage(
            "output [y] expects [int] but its file holds [twelve]: write a 64-bit integer in decimal");
  }

  // --- checks before the run, limits
  // ------------------------------------------------------------------

  @Test
  void shouldRefuseUnknownPlaceholdersMissingInputsAndMissingProgramsBeforeTheRun()
      throws Exception {
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars(),
            Container.newBuilder()
                .addArgs("no-such-program-flyte-beam")
                .addArgs("{{.outputs}}")
                .addArgs("{{.inputs.nope}}")
                .build());
    assertThatThrownBy(() -> Invokers.checkRunnable(context(t)))
        .isInstanceOfSatisfying(
            InvalidDefinitionException.class, e -> assertThat(e.problems()).hasSize(2))
        .hasMessageContaining(
            "container argument 1 [{{.outputs}}] of sub-task [scale]: the placeholder [{{.outputs}}] is not one Flyte knows")
        .hasMessageContaining(
            "uses {{.inputs.nope}}, but the task has no such input (inputs: [x])");

    TaskTemplate missing =
        template(
            vars(), vars(), Container.newBuilder().addArgs("no-such-program-flyte-beam").build());
    assertThatThrownBy(() -> Invokers.checkRunnable(context(missing)))
        .hasMessage(
            "the program [no-such-program-flyte-beam] of sub-task [scale] is not on PATH: install it on every worker");

    TaskTemplate pyflyte =
        template(
            vars(), vars(), Container.newBuilder().addArgs("pyflyte-map-execute-missing").build());
    assertThatThrownBy(() -> Invokers.checkRunnable(context(pyflyte)))
        .hasMessageContaining("(pip install flytekit)");
  }

  @Test
  void shouldRefuseATemplateWithoutContainer() throws Exception {
    TaskTemplate t =
        template(vars(), vars(), Container.getDefaultInstance()).toBuilder()
            .clearContainer()
            .setType("sql")
            .build();
    assertThatThrownBy(() -> Invokers.checkRunnable(context(t)))
        .hasMessage(
            "sub-task [scale] of type [sql] has no container: only container tasks and java-tasks can run here");
  }

  @Test
  void shouldRunAtMostTheConfiguredNumberOfProcessesAtOnce() throws Exception {
    // given: a program that fails if another one runs at the same time (mkdir is atomic)
    Path lock = dir.resolve("lock");
    TaskTemplate t =
        template(
            vars("x", type(Long.class)),
            vars(),
            sh("mkdir " + lock + " || exit 9; sleep 0.2; rmdir " + lock));
    ElementInvoker invoker =
        Invokers.create(
            context(
                t,
                MapTaskSpec.Form.ARRAY_NODE,
                DataMode.SINGLE_INPUT_FILE,
                LiteralMap.getDefaultInstance(),
                new ProcessSettings("", 1)));
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      // when: three threads at once
      List<Future<List<Literal>>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        long index = i;
        results.add(
            threads.submit(
                () -> invoker.invoke(index, 0, inputs("x", Literals.of(index)), Optional.empty())));
      }
      // then: none saw another running
      for (Future<List<Literal>> r : results) {
        assertThat(r.get()).isEmpty();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void shouldSummarizeFlytekitErrorMessages() {
    assertThat(
            ContainerInvoker.summary(
                "Trace:\n\n    Traceback (most recent call last):\n      File \"x.py\"\n\nMessage:\n\n    ValueError: boom"))
        .isEqualTo("ValueError: boom");
    assertThat(ContainerInvoker.summary("plain text\nsecond line"))
        .isEqualTo("plain text | second line");
  }
}

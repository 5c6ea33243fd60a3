package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.attempts;
import static org.flytebeam.runner.Containers.lines;
import static org.flytebeam.runner.Containers.outputs;
import static org.flytebeam.runner.Containers.vars;

import flyteidl.core.Errors.ContainerError;
import flyteidl.core.Errors.ErrorDocument;
import flyteidl.core.Execution.ExecutionError;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flytebeam.types.Blob;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flyte-beam run} over container sub-tasks: Flyte's container contract, end to end (a
 * process per attempt, retries and their budgets: 18 s on an idle 2-core machine, so not a unit
 * test; {@code ContainerInvokerTest} covers the invoker itself in {@code mvn test}).
 */
class ContainerRunIT {
  @TempDir Path dir;

  private final List<Long> pids = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private Cli run(Path definition, Path inputs, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--definition",
                definition.toString(),
                "--inputs",
                inputs.toString(),
                "--outputs",
                dir.resolve("out.pb").toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(new String[0]));
  }

  private List<Object> plain(String output) throws Exception {
    return Inputs.plain(outputs(dir.resolve("out.pb")), output);
  }

  // --- raw containers (sh) --------------------------------------------------------------------

  @Test
  void shouldRunTheSharedRawContainerExampleAndSayOnceThatTheImageIsNotUsed() throws Exception {
    // given: the example as flytekit writes a ContainerTask map (k bound, ratio 0.8, retries 1)
    Path def =
        Cli.write(dir, "raw.def.json", Containers.resource("arraynode-rawcontainer.def.json"));
    Path in = Containers.inputs(dir, "arraynode-rawcontainer.inputs.json");

    // when
    Cli cli = run(def, in);

    // then
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(plain("y")).containsExactly(0L, 3L, 6L, 9L, 12L);
    // One warning about the image, then the verdict.
    assertThat(lines(cli.err())).hasSize(2).last().isEqualTo(verdict(5));
    assertThat(lines(cli.err()).get(0))
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith(
                        "warning: the image [debian:bookworm-slim] of sub-task [scale] is not used:")
                    .contains("[sh]"));
  }

  @Test
  void shouldReadEveryPrimitiveTypeARawContainerWrites() throws Exception {
    // given: per element, one output of each primitive type, written as text files
    TaskTemplate t =
        Containers.rawContainer(
            "primitives",
            vars("x", LiteralTypes.of(Long.class)),
            vars(
                "i",
                LiteralTypes.of(Long.class),
                "f",
                LiteralTypes.of(Double.class),
                "s",
                LiteralTypes.of(String.class),
                "b",
                LiteralTypes.of(Boolean.class),
                "t",
                LiteralTypes.of(Instant.class),
                "d",
                LiteralTypes.of(Duration.class)),
            "cd /var/outputs; x={{.inputs.x}}; echo $((x * 10)) > i; echo \"$x.5\" > f;"
                + " echo \"word $x\" > s; [ $x -gt 1 ] && echo true > b || echo false > b;"
                + " echo 2024-01-0${x}T10:00:00Z > t; echo ${x}m30s > d");
    Path def = Containers.mapOver(dir, "primitives.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2]}");

    // when
    Cli cli = run(def, in);

    // then
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    LiteralMap out = outputs(dir.resolve("out.pb"));
    assertThat(Inputs.list(out, "i")).containsExactly(Literals.of(10L), Literals.of(20L));
    assertThat(Inputs.list(out, "f")).containsExactly(Literals.of(1.5), Literals.of(2.5));
    assertThat(Inputs.list(out, "s")).containsExactly(Literals.of("word 1"), Literals.of("word 2"));
    assertThat(Inputs.list(out, "b")).containsExactly(Literals.of(false), Literals.of(true));
    assertThat(Inputs.list(out, "t"))
        .containsExactly(
            Literals.of(Instant.parse("2024-01-01T10:00:00Z")),
            Literals.of(Instant.parse("2024-01-02T10:00:00Z")));
    assertThat(Inputs.list(out, "d"))
        .containsExactly(Literals.of(Duration.ofSeconds(90)), Literals.of(Duration.ofSeconds(150)));
  }

  @Test
  void shouldPassAValueWithSpacesAndShellCharactersAsOneUnchangedArgument() throws Exception {
    // given: the value goes in as an argument of its own, which the script writes back
    TaskTemplate t =
        Containers.withArgs(
            Containers.rawContainer(
                "echo",
                vars("x", LiteralTypes.of(String.class)),
                vars("y", LiteralTypes.of(String.class)),
                ""),
            List.of(
                "sh", "-c", "printf '%s' \"$#:$1\" > /var/outputs/y", "script", "{{ .Inputs.x }}"));
    Path def = Containers.mapOver(dir, "echo.def.json", t);
    String nasty = "two words; $(touch " + dir.resolve("pwned") + ") `id` \\\"q\\\" 'q' * | &&";
    Path in = Cli.write(dir, "in.json", "{\"x\": [\"plain\", \"" + nasty + "\"]}");

    // when
    Cli cli = run(def, in);

    // then
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(plain("y")).containsExactly("1:plain", "1:" + nasty.replace("\\\"", "\""));
    assertThat(dir.resolve("pwned")).doesNotExist();
  }

  @Test
  void shouldGiveEachElementItsIndexAndAttemptNumber() throws Exception {
    // given: odd indices fail their first attempt
    TaskTemplate t =
        Containers.rawContainer(
            "where",
            vars("x", LiteralTypes.of(Long.class)),
            vars("y", LiteralTypes.of(String.class)),
            "if [ $((FLYTE_K8S_ARRAY_INDEX % 2)) = 1 ] && [ $FLYTE_ATTEMPT_NUMBER = 0 ]; then exit 1; fi;"
                + " echo \"$BATCH_JOB_ARRAY_INDEX_VAR_NAME=$FLYTE_K8S_ARRAY_INDEX/$FLYTE_ATTEMPT_NUMBER\" > /var/outputs/y");
    t = Containers.retries(1).apply(t);
    Path def = Containers.mapOver(dir, "where.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [10, 11, 12, 13]}");

    // when
    Cli cli = run(def, in);

    // then
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(plain("y"))
        .containsExactly(
            "FLYTE_K8S_ARRAY_INDEX=0/0",
            "FLYTE_K8S_ARRAY_INDEX=1/1",
            "FLYTE_K8S_ARRAY_INDEX=2/0",
            "FLYTE_K8S_ARRAY_INDEX=3/1");
  }

  @Test
  void shouldRetryAnElementThatExitsNonZeroAndShowTheEndOfItsStderr() throws Exception {
    TaskTemplate t =
        Containers.retries(1)
            .apply(
                Containers.rawContainer(
                    "crash",
                    vars("x", LiteralTypes.of(Long.class)),
                    vars("y", LiteralTypes.of(Long.class)),
                    "echo \"attempt $FLYTE_ATTEMPT_NUMBER\" >> "
                        + dir.resolve("log")
                        + "; [ {{.inputs.x}} = 2 ] && { echo noise >&2; echo 'Segmentation fault' >&2; exit 3; };"
                        + " echo {{.inputs.x}} > /var/outputs/y"));
    Path def = Containers.mapOver(dir, "crash.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2]}");

    Cli cli = run(def, in);

    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(plain("y")).containsExactly(1L, null);
    assertThat(cli.err())
        .contains("  [1]: exit code 3 without error.pb; stderr: noise | Segmentation fault")
        .doesNotContain("\tat ");
    assertThat(Files.readAllLines(dir.resolve("log"))).hasSize(3);
  }

  @Test
  void shouldKillAnElementThatHangsPastItsTimeoutWithTheChildItStarted() throws Exception {
    // given: one element sleeps in a child process, past the sub-task's 1 s timeout
    Path pidFile = dir.resolve("pids");
    TaskTemplate t =
        Containers.withTimeout(
            Containers.rawContainer(
                "hang",
                vars("x", LiteralTypes.of(Long.class)),
                vars("y", LiteralTypes.of(Long.class)),
                "if [ {{.inputs.x}} = 1 ]; then echo $$ >> "
                    + pidFile
                    + "; sleep 300 & echo $! >> "
                    + pidFile
                    + "; wait; fi; echo {{.inputs.x}} > /var/outputs/y"),
            Duration.ofSeconds(1));
    Path def = Containers.mapOver(dir, "hang.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [0, 1]}");

    // when
    long start = System.nanoTime();
    Cli cli = run(def, in);

    // then
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err()).contains("[1]: TimeoutError: attempt timed out after 1s");
    assertThat(plain("y")).containsExactly(0L, null);
    List<Long> started = KillDriverIT.readPids(pidFile);
    pids.addAll(started);
    assertThat(started).hasSize(2);
    KillDriverIT.assertGoneWithin(started, Duration.ofSeconds(5));
  }

  @Test
  void shouldKeepBlobOutputsBesideTheOutputsFileAfterTheRun() throws Exception {
    TaskTemplate t =
        Containers.rawContainer(
            "report",
            vars("x", LiteralTypes.of(Long.class)),
            vars("y", LiteralTypes.of(Blob.class)),
            "echo \"report {{.inputs.x}}\" > /var/outputs/y");
    Path def = Containers.mapOver(dir, "blob.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [7]}");

    Cli cli = run(def, in);

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    String uri =
        Inputs.list(outputs(dir.resolve("out.pb")), "y").get(0).getScalar().getBlob().getUri();
    assertThat(uri)
        .startsWith(dir.resolve("out-raw").resolve("run-").toString())
        .endsWith("/0/0/y");
    assertThat(Path.of(uri)).hasContent("report 7");
  }

  @Test
  void shouldRunAtMostTheGivenNumberOfProcessesPerWorker() throws Exception {
    // given: a program that fails when another one runs at the same time (mkdir is atomic)
    Path lock = dir.resolve("lock");
    TaskTemplate t =
        Containers.rawContainer(
            "one-at-a-time",
            vars("x", LiteralTypes.of(Long.class)),
            vars("y", LiteralTypes.of(Long.class)),
            "mkdir "
                + lock
                + " || exit 9; sleep 0.1; rmdir "
                + lock
                + "; echo {{.inputs.x}} > /var/outputs/y");
    Path def = Containers.mapOver(dir, "limit.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2, 3, 4, 5, 6, 7, 8]}");

    Cli cli = run(def, in, "--processes-per-worker", "1");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(plain("y")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void shouldRefuseAnUnknownPlaceholderAMissingProgramAndABadLimitBeforeRunning() throws Exception {
    Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");
    Path marker = dir.resolve("ran");

    TaskTemplate unknown =
        Containers.rawContainer(
            "typo",
            vars("x", LiteralTypes.of(Long.class)),
            vars(),
            "touch " + marker + "; echo {{.inputs.x}} > {{.outputs}}");
    Cli typo = run(Containers.mapOver(dir, "typo.def.json", unknown), in);
    assertThat(typo.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(lines(typo.err()))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: container argument 2 [")
                    .contains(
                        "the placeholder [{{.outputs}}] is not one Flyte knows: use {{.input}}, {{.inputs.NAME}}"));

    TaskTemplate missing =
        Containers.withArgs(
            Containers.rawContainer("missing", vars("x", LiteralTypes.of(Long.class)), vars(), ""),
            List.of("no-such-tool-flyte-beam", "{{.input}}"));
    Cli notInstalled = run(Containers.mapOver(dir, "missing.def.json", missing), in);
    assertThat(notInstalled.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(lines(notInstalled.err()))
        .containsExactly(
            "error: the program [no-such-tool-flyte-beam] of sub-task [missing] is not on PATH: install it on every worker");

    Cli badLimit =
        run(
            Containers.mapOver(
                dir,
                "ok.def.json",
                Containers.rawContainer(
                    "ok", vars("x", LiteralTypes.of(Long.class)), vars(), "true")),
            in,
            "--processes-per-worker",
            "-1");
    assertThat(badLimit.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(badLimit.err()).contains("--processes-per-worker [-1] must be >= 0");
    assertThat(marker).doesNotExist();
  }

  // --- flytekit's map command (python3 stand-in writing outputs.pb / error.pb by hand) ----------

  private Cli runFlytekit(Path log, int retries, String... words) throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    Path def =
        Containers.definition(
            dir, "arraynode-flytekit.def.json", retries, Containers.withFake(bin, log));
    StringBuilder values = new StringBuilder();
    for (String w : words) {
      values.append(values.length() == 0 ? "" : ", ").append('"').append(w).append('"');
    }
    Path in = Cli.write(dir, "words.json", "{\"word\": [" + values + "]}");
    return run(def, in);
  }

  @Test
  void shouldRunFlytekitsMapCommandOverTheWholeInputFile() throws Exception {
    Path log = dir.resolve("attempts.log");
    Cli cli = runFlytekit(log, 0, "a", "b");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(plain("o0")).containsExactly("A", "B");
    assertThat(attempts(log)).containsExactlyInAnyOrder("0 0 \"\"", "1 0 \"\"");
    assertThat(lines(cli.err())).hasSize(2).last().isEqualTo(verdict(2));
    assertThat(lines(cli.err()).get(0)).startsWith("warning: the image [ghcr.io/flyteorg/flytekit");
  }

  @Test
  void shouldFailAnElementAtOnceOnANonRecoverableUserError() throws Exception {
    Path log = dir.resolve("attempts.log");
    Cli cli = runFlytekit(log, 2, "a", "boom", "c");

    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(plain("o0")).containsExactly("A", null, "C");
    assertThat(cli.err()).contains("  [1]: ValueError: boom");
    assertThat(attempts(log).stream().filter(l -> l.startsWith("1 "))).hasSize(1);
  }

  @Test
  void shouldRetryRecoverableUserErrorsUpToTheRetries() throws Exception {
    Path log = dir.resolve("attempts.log");
    Cli cli = runFlytekit(log, 2, "again");

    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err()).contains("  [0]: FlyteRecoverableException: again");
    assertThat(attempts(log)).hasSize(3);
  }

  @Test
  void shouldRetryRecoverableSystemErrorsOnTheirOwnBudget() throws Exception {
    Path log = dir.resolve("attempts.log");
    Cli cli = runFlytekit(log, 0, "sys");

    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err()).contains("  [0]: SystemError: node lost");
    assertThat(attempts(log)).hasSize(4);
  }

  @Test
  void shouldNotRetryANonRecoverableSystemError() throws Exception {
    Path log = dir.resolve("attempts.log");
    Cli cli = runFlytekit(log, 2, "sysfatal");

    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err()).contains("  [0]: FlyteNonRecoverableSystemException: gone");
    assertThat(attempts(log)).hasSize(1);
  }

  @Test
  void shouldSucceedOnTheSecondAttemptWithoutReusingTheFirstErrorPb() throws Exception {
    Path log = dir.resolve("attempts.log");
    Cli cli = runFlytekit(log, 1, "flaky", "x");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(plain("o0")).containsExactly("FLAKY", "X");
    List<String> flaky = attempts(log).stream().filter(l -> l.startsWith("0 ")).toList();
    assertThat(flaky).hasSize(2);
    assertThat(flaky.get(0)).isEqualTo("0 0 \"\"");
    assertThat(flaky.get(1)).startsWith("0 1 /").matches(".*/attempts/0/[0-9a-f]{8}-0/checkpoint");
  }

  @Test
  void shouldRetryAFlytekitElementThatExitsNonZeroWithoutErrorPb() throws Exception {
    Path log = dir.resolve("attempts.log");
    Cli cli = runFlytekit(log, 1, "crash");

    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err())
        .contains("  [0]: exit code 5 without error.pb; stderr: Segmentation fault in native code");
    assertThat(attempts(log)).hasSize(2);
  }

  @Test
  void shouldRunALegacyContainerArrayInBothLoaderArgForms() throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    Path in = Containers.inputs(dir, "legacy-container-array.inputs.json");
    for (boolean withVars : new boolean[] {true, false}) {
      Path log = dir.resolve("legacy-" + withVars + ".log");
      Path def =
          Containers.definition(
              dir,
              "legacy-container-array.def.json",
              0,
              t -> {
                TaskTemplate withFake = Containers.withFake(bin, log).apply(t);
                if (withVars) {
                  return withFake;
                }
                // flytekit 0.x: "-- task-module M task-name F", no "vars <csv>"
                List<String> args = new ArrayList<>(withFake.getContainer().getArgsList());
                int separator = args.indexOf("--");
                List<String> old = new ArrayList<>(args.subList(0, separator + 1));
                old.addAll(List.of("task-module", "examples", "task-name", "to_upper"));
                return withFake.toBuilder()
                    .setContainer(withFake.getContainer().toBuilder().clearArgs().addAllArgs(old))
                    .build();
              });
      assertThat(Files.readString(def).contains("\"vars\"")).isEqualTo(withVars);

      Cli cli = run(def, in);

      assertThat(cli.exitCode()).as(cli.err()).isZero();
      assertThat(plain("o0")).as("with vars: %s", withVars).containsExactly("A", "B");
      assertThat(attempts(log)).hasSize(2);
    }
  }

  // --- Java tasks as processes (ExecuteCommandIT runs them in child JVMs)
  // ----------------------------------------------------------------------

  @Test
  void shouldWriteOutputsPbOrErrorPbFromTheExecuteCommand() throws Exception {
    Path inputs = dir.resolve("inputs.pb");
    Files.write(
        inputs, LiteralMap.newBuilder().putLiterals("x", Literals.of(4L)).build().toByteArray());

    Cli ok =
        Cli.run(
            "execute",
            "--task",
            "test_counted",
            "--inputs",
            inputs.toString(),
            "--output-prefix",
            dir.resolve("ok").toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(outputs(dir.resolve("ok/outputs.pb")))
        .isEqualTo(LiteralMap.newBuilder().putLiterals("o0", Literals.of(40L)).build());

    Files.write(
        inputs, LiteralMap.newBuilder().putLiterals("x", Literals.of(-4L)).build().toByteArray());
    Cli failed =
        Cli.run(
            "execute",
            "--task",
            "test_counted",
            "--inputs",
            inputs.toString(),
            "--output-prefix",
            dir.resolve("failed").toString());
    assertThat(failed.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(lines(failed.err()))
        .containsExactly("error: task [test_counted] failed: IllegalStateException: negative: -4");
    ContainerError error =
        ErrorDocument.parseFrom(Files.readAllBytes(dir.resolve("failed/error.pb"))).getError();
    assertThat(error.getKind()).isEqualTo(ContainerError.Kind.NON_RECOVERABLE);
    assertThat(error.getOrigin()).isEqualTo(ExecutionError.ErrorKind.USER);
    assertThat(error.getMessage())
        .startsWith("Trace:")
        .contains("\tat ")
        .endsWith("Message:\n\n    IllegalStateException: negative: -4\n");

    Cli flaky =
        Cli.run(
            "execute",
            "--task",
            "test_flaky",
            "--inputs",
            inputs.toString(),
            "--output-prefix",
            dir.resolve("flaky").toString());
    assertThat(flaky.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    ContainerError recoverable =
        ErrorDocument.parseFrom(Files.readAllBytes(dir.resolve("flaky/error.pb"))).getError();
    assertThat(recoverable.getKind()).isEqualTo(ContainerError.Kind.RECOVERABLE);
    assertThat(recoverable.getOrigin()).isEqualTo(ExecutionError.ErrorKind.USER);

    Cli unknown =
        Cli.run(
            "execute",
            "--task",
            "no_such_task",
            "--inputs",
            inputs.toString(),
            "--output-prefix",
            dir.resolve("unknown").toString());
    assertThat(unknown.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(lines(unknown.err()))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .startsWith(
                        "error: task [no_such_task] failed: no Java task named [no_such_task]"));
    assertThat(
            ErrorDocument.parseFrom(Files.readAllBytes(dir.resolve("unknown/error.pb")))
                .getError()
                .getKind())
        .isEqualTo(ContainerError.Kind.NON_RECOVERABLE);
  }

  private static String verdict(int elements) {
    return "map succeeded: "
        + elements
        + " of "
        + elements
        + " elements succeeded ("
        + elements
        + " required)";
  }
}

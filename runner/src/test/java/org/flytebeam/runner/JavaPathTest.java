package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flytebeam.examples.FailOnTwo;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.runner.testing.TaskJars;
import org.flytebeam.runner.testing.TestTasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java path as a user meets it: a definition written by {@code define}, a jar built by plain
 * {@code javac}, setup per worker, and the typed API.
 */
class JavaPathTest {
  @TempDir Path dir;

  @BeforeEach
  void reset() {
    TestTasks.reset();
  }

  @Test
  void shouldWriteADefinitionWithDefineThatRunTakes() throws IOException {
    Path def = dir.resolve("defs/multiply.def.json");
    Path inputs =
        Cli.write(dir, "in.json", "{\"a\": [1, 2, 3], \"b\": [2, 2, 2], \"c\": [1, 1, 10]}");

    Cli define =
        Cli.run(
            "define",
            "--task",
            "multiply",
            "--parallelism",
            "2",
            "--min-success-ratio",
            "0.5",
            "--out",
            def.toString());
    Cli describe = Cli.run("describe", "--definition", def.toString());
    Cli run =
        Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString(), "--quiet");

    assertThat(define.exitCode()).as(define.err()).isZero();
    assertThat(define.out()).isEmpty();
    assertThat(define.err()).contains("wrote " + def);
    assertThat(describe.out())
        .contains("sub-task:    multiply [java-task]")
        .contains("parallelism: 2")
        .contains("success:     min_success_ratio 0.5");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().replaceAll("\\s+", "")).isEqualTo("{\"o0\":[2,4,60]}");
  }

  @Test
  void shouldBindInputsWithDefineAndListEveryBadSetting() throws IOException {
    Path def = dir.resolve("abc.def.pb");
    Path inputs = Cli.write(dir, "in.json", "{\"a\": [1, 2], \"b\": [0.5, 0.25]}");

    Cli define =
        Cli.run("define", "--task", "format_abc", "--bind", "c=\"z\"", "--out", def.toString());
    Cli run =
        Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString(), "--quiet");
    Cli bad =
        Cli.run(
            "define",
            "--task",
            "format_abc",
            "--bind",
            "nope=1",
            "--bind",
            "c=5",
            "--out",
            dir.resolve("bad.json").toString());
    Cli unknown = Cli.run("define", "--task", "no_such_task", "--out", "x.json");

    assertThat(define.exitCode()).as(define.err()).isZero();
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().replaceAll("\\s+", "")).isEqualTo("{\"o0\":[\"1-0.5-z\",\"2-0.25-z\"]}");
    assertThat(bad.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(bad.err())
        .contains("--bind [nope]: task [format_abc] has no input [nope]")
        .contains("variable [c] expects [str] but found [int 5]");
    assertThat(unknown.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(unknown.err()).contains("no Java task named [no_such_task]");
  }

  @Test
  void shouldSayExactlyWhatToAddToAJarBuiltByPlainJavac() throws Exception {
    Path jar = TaskJars.build(dir, "my-tasks.jar", false, TaskJars.CUBE);
    Path def = dir.resolve("cube.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [1, 2, 3]}");

    Cli refused =
        Cli.run("define", "--task", "it_cube", "--jars", jar.toString(), "--out", def.toString());

    assertThat(refused.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(refused.err().lines().count()).isEqualTo(1);
    assertThat(refused.err())
        .contains("holds Java tasks [usertasks.Cube] but no")
        .contains("META-INF/services/org.flytebeam.task.JavaTask");

    // given: the user does what the message says, in the jar's folder
    Matcher command = Pattern.compile("e\\.g\\. (mkdir .*)$").matcher(refused.err().strip());
    assertThat(command.find()).as(refused.err()).isTrue();
    Process shell =
        new ProcessBuilder("sh", "-c", command.group(1))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(shell.exitValue())
        .as(
            new String(
                shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .isZero();

    // then: the same commands work
    Cli define =
        Cli.run("define", "--task", "it_cube", "--jars", jar.toString(), "--out", def.toString());
    Cli run =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--jars",
            jar.toString(),
            "--quiet");
    assertThat(define.exitCode()).as(define.err()).isZero();
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().replaceAll("\\s+", "")).isEqualTo("{\"o0\":[1,8,27]}");
  }

  @Test
  void shouldSetUpEachWorkerOnceBeforeItsElementsAndTearItDown() throws IOException {
    Path def = dir.resolve("setup.def.json");
    StringBuilder xs = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      xs.append(i == 0 ? "" : ",").append(i);
    }
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [" + xs + "]}");
    assertThat(Cli.run("define", "--task", "test_setup", "--out", def.toString()).exitCode())
        .isZero();

    Cli run =
        Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString(), "--quiet");

    assertThat(run.exitCode()).as(run.err()).isZero();
    String out = run.out().replaceAll("\\s+", "");
    for (int i = 0; i < 40; i++) {
      assertThat(out).contains(String.valueOf(1000 + i));
    }
    assertThat(TestTasks.calls("test_setup")).isEqualTo(40);
    // Once per worker (DoFn instance), not once per element.
    assertThat(TestTasks.SETUPS.get()).isBetween(1, 39);
    assertThat(TestTasks.TEARDOWNS.get()).isEqualTo(TestTasks.SETUPS.get());
  }

  @Test
  void shouldFailEveryElementOfAWorkerWhoseSetupFailsWithItsError() throws IOException {
    Path def = dir.resolve("failing.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [1, 2, 3]}");
    assertThat(
            Cli.run("define", "--task", "test_failing_setup", "--out", def.toString()).exitCode())
        .isZero();

    Cli run =
        Cli.run("run", "--definition", def.toString(), "--inputs", inputs.toString(), "--quiet");

    assertThat(run.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(run.err())
        .contains(
            "setup of task [test_failing_setup] failed on this worker: IllegalStateException:"
                + " model file /models/m.bin is missing");
    assertThat(TestTasks.calls("test_failing_setup")).isZero();
  }

  @Test
  void shouldMapRecordsToOptionalOutputsWithPerElementOutcomes() {
    List<FailOnTwo.Input> inputs =
        List.of(
            new FailOnTwo.Input(1),
            new FailOnTwo.Input(2),
            new FailOnTwo.Input(3),
            new FailOnTwo.Input(4));

    TypedMapResult<FailOnTwo.Output> result =
        FlyteBeam.map(
            new FailOnTwo(), inputs, map -> map.minSuccessRatio(0.5f), RunOptions.defaults());

    assertThat(result.success()).isTrue();
    assertThat(result.outputs())
        .containsExactly(
            Optional.of(new FailOnTwo.Output(1)),
            Optional.empty(),
            Optional.of(new FailOnTwo.Output(3)),
            Optional.of(new FailOnTwo.Output(4)));
    TypedMapResult.Element<FailOnTwo.Output> failed = result.elements().get(1);
    assertThat(failed.index()).isEqualTo(1);
    assertThat(failed.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).contains("x must not be 2"));
    assertThat(result.failures()).containsExactly(failed);
    assertThat(result.summary()).contains("3 of 4");
  }
}

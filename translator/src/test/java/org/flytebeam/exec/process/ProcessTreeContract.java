package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ProcessTree} does whichever way it starts programs: {@link ProcessTreeJdkTest} runs
 * these through the JDK and {@code setsid}, {@link ProcessTreeNativeTest} through {@link
 * NativeSpawn}.
 */
abstract class ProcessTreeContract {
  @TempDir Path dir;

  /** Whether programs start through {@link NativeSpawn}. */
  abstract boolean nativeSpawn();

  /** Every pid a test learned of, killed after it whatever happened. */
  private final List<Long> pids = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    Pids.kill(pids);
  }

  private ProcessTree.Completed run(Optional<Duration> timeout, String... argv) throws Exception {
    return ProcessTree.run(
        new ProcessTree.Launch(
            List.of(argv),
            Map.of("GREETING", "hi", "PATH", System.getenv("PATH")),
            dir,
            timeout,
            1024),
        () -> false,
        nativeSpawn());
  }

  private List<Long> readPids(Path file) throws Exception {
    List<Long> found = Pids.read(file);
    pids.addAll(found);
    return found;
  }

  private static void assertGoneSoon(List<Long> pids) throws InterruptedException {
    Pids.assertGoneWithin(pids, Duration.ofSeconds(5));
  }

  @Test
  void shouldPassArgumentsUnchangedAndCaptureOutputWhenTheProgramExits() throws Exception {
    // when
    ProcessTree.Completed done =
        run(
            Optional.empty(),
            "sh",
            "-c",
            "printf '%s|' \"$@\"; echo \"$GREETING\" >&2; exit 3",
            "zero",
            "a b",
            "$HOME",
            "'q'",
            "*");

    // then
    assertThat(done.ending()).isEqualTo(ProcessTree.Ending.EXITED);
    assertThat(done.exitCode()).isEqualTo(3);
    assertThat(new String(done.stdout().bytes(), StandardCharsets.UTF_8))
        .isEqualTo("a b|$HOME|'q'|*|");
    assertThat(done.stderr().lastLines(5, 100)).isEqualTo("hi");
  }

  @Test
  void shouldRunInTheWorkFolder() throws Exception {
    ProcessTree.Completed done = run(Optional.empty(), "pwd");
    assertThat(new String(done.stdout().bytes(), StandardCharsets.UTF_8).strip())
        .isEqualTo(dir.toRealPath().toString());
  }

  @Test
  void shouldKillTheWholeTreeWhenTheTimeoutPasses() throws Exception {
    // given: a program that starts a child which outlives it in the background, and a grandchild
    Path pidFile = dir.resolve("pids");
    String script =
        "echo $$ > "
            + pidFile
            + "; (sleep 300 & echo $! >> "
            + pidFile
            + "; wait) &"
            + " sleep 300 & echo $! >> "
            + pidFile
            + "; wait";

    // when
    long start = System.nanoTime();
    ProcessTree.Completed done = run(Optional.of(Duration.ofMillis(700)), "sh", "-c", script);

    // then
    assertThat(done.ending()).isEqualTo(ProcessTree.Ending.TIMED_OUT);
    // Far less than the children's 300 s, with room for a loaded machine.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    List<Long> started = readPids(pidFile);
    assertThat(started).hasSize(3);
    assertGoneSoon(started);
  }

  @Test
  void shouldKillWhatAProgramLeftBehindWhenItExits() throws Exception {
    // given: a program that exits at once, leaving a daemon-like child in its session
    Path pidFile = dir.resolve("pids");
    ProcessTree.Completed done =
        run(
            Optional.empty(),
            "sh",
            "-c",
            "sleep 300 >/dev/null 2>&1 & echo $! > " + pidFile + "; echo done");

    // then
    assertThat(done.exitCode()).isZero();
    assertThat(new String(done.stdout().bytes(), StandardCharsets.UTF_8)).isEqualTo("done\n");
    if (ProcessTree.sessions()) {
      assertGoneSoon(readPids(pidFile));
    }
  }

  @Test
  void shouldKillAChildThatLeftTheSessionWhenTheProgramExitsWithoutWaitingForItsPipes()
      throws Exception {
    // given: a program that starts a child in a session of its own, holding the output pipes
    Path pidFile = dir.resolve("pids");
    String script =
        "setsid sh -c 'echo $$ > "
            + pidFile
            + "; exec sleep 300' & while [ ! -s "
            + pidFile
            + " ]; do sleep 0.05; done; echo done";

    // when
    ProcessTree.Completed done = run(Optional.empty(), "sh", "-c", script);

    // then: the detached child is gone as the program's run returns
    List<Long> detached = readPids(pidFile);
    assertThat(detached).hasSize(1);
    assertThat(done.exitCode()).isZero();
    assertThat(new String(done.stdout().bytes(), StandardCharsets.UTF_8)).isEqualTo("done\n");
    Pids.assertGoneWithin(detached, Duration.ofSeconds(1));
  }

  @Test
  void shouldKillADoubleForkedDaemonWhenTheProgramTimesOut() throws Exception {
    // given: a daemon started by a double fork in a new session, its output redirected
    Path pidFile = dir.resolve("pids");
    String script =
        "( setsid sh -c 'echo $$ > "
            + pidFile
            + "; exec sleep 300' </dev/null >/dev/null 2>&1 & ) ; sleep 300";

    // when
    ProcessTree.Completed done = run(Optional.of(Duration.ofMillis(700)), "sh", "-c", script);

    // then
    assertThat(done.ending()).isEqualTo(ProcessTree.Ending.TIMED_OUT);
    List<Long> detached = readPids(pidFile);
    assertThat(detached).hasSize(1);
    Pids.assertGoneWithin(detached, Duration.ofSeconds(1));
  }

  @Test
  void shouldGiveTheProgramOnlyTheEnvironmentItIsGiven() throws Exception {
    // when
    ProcessTree.Completed done = run(Optional.empty(), "env");

    // then: none of this JVM's variables but those passed (and what sh itself sets)
    List<String> names =
        new String(done.stdout().bytes(), StandardCharsets.UTF_8)
            .lines()
            .map(line -> line.substring(0, line.indexOf('=')))
            .toList();
    assertThat(names)
        .contains("GREETING", "PATH", ProcessTree.TOKEN_VARIABLE)
        .allMatch(
            n ->
                List.of("GREETING", "PATH", ProcessTree.TOKEN_VARIABLE, "PWD", "SHLVL", "_")
                    .contains(n),
            "only the given variables");
  }

  @Test
  void shouldStopWhenAsked() throws Exception {
    long start = System.nanoTime();
    ProcessTree.Completed done =
        ProcessTree.run(
            new ProcessTree.Launch(List.of("sleep", "300"), Map.of(), dir, Optional.empty(), 1024),
            () -> System.nanoTime() - start > Duration.ofMillis(300).toNanos(),
            nativeSpawn());
    assertThat(done.ending()).isEqualTo(ProcessTree.Ending.STOPPED);
    pids.add(done.pid());
    assertGoneSoon(List.of(done.pid()));
  }

  @Test
  void shouldReportAMissingProgramAsExitCode127() throws Exception {
    ProcessTree.Completed done = run(Optional.empty(), "no-such-program-flyte-beam");
    assertThat(done.exitCode()).isEqualTo(127);
    assertThat(done.stderr().lastLines(3, 200)).contains("no-such-program-flyte-beam");
  }

  @Test
  void shouldKeepOnlyTheEndOfLongOutput() throws Exception {
    ProcessTree.Completed done =
        run(
            Optional.empty(),
            "sh",
            "-c",
            "i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done");
    assertThat(done.stdout().total()).isGreaterThan(1024);
    assertThat(done.stdout().bytes()).hasSize(1024);
    assertThat(new String(done.stdout().bytes(), StandardCharsets.UTF_8)).endsWith("line1999\n");
  }

  @Test
  void shouldKillAndReapTheProgramWhenItsThreadIsInterrupted() throws Exception {
    // given: a long program run by a thread of its own
    Path pidFile = dir.resolve("pids");
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                run(Optional.empty(), "sh", "-c", "echo $$ > " + pidFile + "; exec sleep 300");
              } catch (Exception e) {
                thrown.set(e);
              }
            });
    runner.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (readPidsQuietly(pidFile).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<Long> started = readPids(pidFile);
    assertThat(started).hasSize(1);

    // when
    runner.interrupt();
    runner.join(Duration.ofSeconds(30).toMillis());

    // then: the run ends with the interrupt, its program gone and not left as a zombie of ours
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    Pids.assertGoneWithin(started, Duration.ofSeconds(5));
    long deadlineReaped = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (Files.exists(Path.of("/proc", started.get(0).toString()))
        && System.nanoTime() < deadlineReaped) {
      Thread.sleep(20);
    }
    assertThat(Path.of("/proc", started.get(0).toString())).doesNotExist();
  }

  private static List<Long> readPidsQuietly(Path file) {
    try {
      return Pids.read(file);
    } catch (java.io.IOException | NumberFormatException e) {
      return List.of();
    }
  }
}

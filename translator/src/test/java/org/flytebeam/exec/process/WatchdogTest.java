package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogTest {
  @TempDir Path dir;

  /** Every pid a test learned of, killed after it whatever happened. */
  private final List<Long> pids = new ArrayList<>();

  private Process child;

  @AfterEach
  void killLeftovers() {
    if (child != null) {
      child.destroyForcibly();
    }
    Pids.kill(pids);
  }

  /**
   * A program that leaves the session with one child, starts another in its group, and sleeps: it
   * writes the three pids to {@code pids}.
   */
  private List<String> program(Path pidFile) {
    return List.of(
        "sh",
        "-c",
        "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $! >> "
            + pidFile
            + "; sleep 300 & echo $! >> "
            + pidFile
            + "; echo $$ >> "
            + pidFile
            + "; wait");
  }

  private List<Long> killJvmOnceStarted(String mode) throws Exception {
    Path pidFile = dir.resolve("pids");
    Path watchdogFile = dir.resolve("watchdog");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WatchdogChild.class.getName());
    command.add(dir.toString());
    command.add(watchdogFile.toString());
    command.add(mode);
    command.addAll(program(pidFile));
    child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (Pids.read(pidFile).size() < 3 && System.nanoTime() < deadline && child.isAlive()) {
      Thread.sleep(50);
    }
    List<Long> started = new ArrayList<>(Pids.read(pidFile));
    started.addAll(Pids.read(watchdogFile));
    pids.addAll(started);
    assertThat(started).as(Files.readString(dir.resolve("child.log"))).hasSize(4);
    assertThat(started).allMatch(Pids::alive);
    new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return started;
  }

  @Test
  void shouldKillTheProgramsGroupAndItsDetachedChildAndEndWhenTheJvmIsKilled() throws Exception {
    // given a running program, one child in its group, one in a session of its own
    List<Long> started = killJvmOnceStarted("run");

    // then: all three are gone, and so is the watchdog
    Pids.assertGoneWithin(started, Duration.ofSeconds(5));
  }

  @Test
  void shouldKillAProgramWhoseGroupWasNeverRegisteredWhenTheJvmIsKilled() throws Exception {
    // given: the JVM died after the start but before registering the program's group
    List<Long> started = killJvmOnceStarted("unattached");

    // then: the marker alone finds them
    Pids.assertGoneWithin(started, Duration.ofSeconds(5));
  }

  @Test
  void shouldStartANewWatchdogWhenTheLastOneWasKilled() throws Exception {
    // given
    long first = Watchdog.pid();
    pids.add(first);
    new ProcessBuilder("kill", "-9", Long.toString(first)).start().waitFor();
    Pids.assertGoneWithin(List.of(first), Duration.ofSeconds(5));

    // when
    ProcessTree.Completed done =
        ProcessTree.run(
            new ProcessTree.Launch(List.of("true"), Map.of(), dir, Optional.empty(), 1024),
            () -> false);

    // then
    assertThat(done.exitCode()).isZero();
    long second = Watchdog.pid();
    pids.add(second);
    assertThat(second).isNotEqualTo(first);
    assertThat(Pids.alive(second)).isTrue();
  }

  @Test
  void shouldRefuseToWriteAnythingButNumbersAndMarkers() {
    assertThatThrownBy(() -> Watchdog.register("ab; rm -rf /"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[ab; rm -rf /]");
  }
}

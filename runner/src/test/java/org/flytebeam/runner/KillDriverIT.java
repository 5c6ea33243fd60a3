package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.vars;

import flyteidl.core.Tasks.TaskTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Element processes never outlive their worker: {@code kill -9} of the CLI leaves none behind. */
class KillDriverIT {
  @TempDir Path dir;

  private final List<Long> pids = new ArrayList<>();
  private Process driver;

  @AfterEach
  void killEverythingStarted() throws InterruptedException {
    if (driver != null) {
      driver.destroyForcibly();
      driver.waitFor(10, TimeUnit.SECONDS);
    }
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Waits until every pid is gone; fails naming the ones still alive. */
  static void assertGoneWithin(List<Long> pids, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline && pids.stream().anyMatch(KillDriverIT::alive)) {
      Thread.sleep(20);
    }
    assertThat(pids.stream().filter(KillDriverIT::alive).toList())
        .as("element processes still alive")
        .isEmpty();
  }

  /** The pids a test program wrote, one a line; none when the file is not there yet. */
  static List<Long> readPids(Path file) throws Exception {
    List<Long> found = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          found.add(Long.parseLong(line.strip()));
        }
      }
    }
    return found;
  }

  @Test
  void shouldLeaveNoElementProcessWhenTheDriverIsKilled() throws Exception {
    // given: a CLI process whose elements sleep, each in a child of its own as well
    Path pidFile = dir.resolve("pids");
    TaskTemplate t =
        Containers.rawContainer(
            "sleepy",
            vars("x", LiteralTypes.of(Long.class)),
            vars("y", LiteralTypes.of(Long.class)),
            "echo $$ >> " + pidFile + "; sleep 300 & echo $! >> " + pidFile + "; wait");
    Path def = Containers.mapOver(dir, "sleepy.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2, 3, 4]}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    driver =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "org.flytebeam.runner.Main",
                "run",
                "--definition",
                def.toString(),
                "--inputs",
                in.toString(),
                "--processes-per-worker",
                "2")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("driver.log").toFile())
            .start();

    // when: both element processes (and their children) run, the driver dies without a word
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (readPids(pidFile).size() < 4 && System.nanoTime() < deadline && driver.isAlive()) {
      Thread.sleep(50);
    }
    List<Long> started = readPids(pidFile);
    pids.addAll(started);
    assertThat(started).as(Files.readString(dir.resolve("driver.log"))).hasSize(4);
    assertThat(started).allMatch(KillDriverIT::alive);
    new ProcessBuilder("kill", "-9", Long.toString(driver.pid())).start().waitFor();
    assertThat(driver.waitFor(10, TimeUnit.SECONDS)).isTrue();

    // then
    assertGoneWithin(started, Duration.ofSeconds(5));
  }
}

package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Processes tests started, by pid: what a test program wrote, and whether they are gone. */
public final class Pids {
  private Pids() {}

  /** The pids written one a line to {@code file}; none when it is not there. */
  public static List<Long> read(Path file) throws IOException {
    List<Long> pids = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.strip()));
        }
      }
    }
    return pids;
  }

  /**
   * Whether {@code pid} still runs. A zombie (killed, not yet reaped by its parent, which for an
   * orphan is init, however slow it is) does not: it runs nothing and holds no files.
   */
  public static boolean alive(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // pid (comm) state ...: comm may hold spaces and parentheses, the state follows the last ')'.
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException e) {
      // No /proc (or the process just went): ProcessHandle's answer stands.
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  /** Waits until every pid is gone; fails naming those still alive after {@code limit}. */
  public static void assertGoneWithin(List<Long> pids, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline && pids.stream().anyMatch(Pids::alive)) {
      Thread.sleep(20);
    }
    assertThat(pids.stream().filter(Pids::alive).toList()).as("processes still alive").isEmpty();
  }

  /** Kills whatever of {@code pids} is left: tests stop every process they started. */
  public static void kill(List<Long> pids) {
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }
}

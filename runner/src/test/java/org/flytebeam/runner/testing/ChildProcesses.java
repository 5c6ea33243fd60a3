package org.flytebeam.runner.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Processes a test starts, each with its output in a log file, all stopped by pid (their own
 * children first) by {@link #stopAll()}, and by a JVM shutdown hook should the test JVM end first.
 */
public final class ChildProcesses {
  private static final List<ProcessHandle> STARTED = new ArrayList<>();
  private static boolean hooked;

  private ChildProcesses() {}

  /** A started process and where its stdout and stderr go. */
  public record Child(Process process, Path log) {
    public long pid() {
      return process.pid();
    }

    /** Waits for the exit code; stops the process and fails when {@code timeout} passes first. */
    public int waitFor(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          stop(process.toHandle());
          throw new AssertionError(
              "process "
                  + pid()
                  + " did not finish within "
                  + timeout
                  + "; its log ends:\n"
                  + tail());
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop(process.toHandle());
        throw new AssertionError("interrupted", e);
      }
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
      return ChildProcesses.tail(log, 40);
    }

    public String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Starts {@code builder} with stdout and stderr going to {@code log}. */
  public static synchronized Child start(ProcessBuilder builder, Path log) {
    if (!hooked) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ChildProcesses::stopAll, "stop-test-processes"));
      hooked = true;
    }
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    try {
      Process process = builder.start();
      STARTED.add(process.toHandle());
      return new Child(process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
  }

  /** Stops every process started here that still runs, children first. */
  public static synchronized void stopAll() {
    for (int i = STARTED.size() - 1; i >= 0; i--) {
      stop(STARTED.get(i));
    }
    STARTED.clear();
  }

  /** Kills a process and every process below it, by pid, and waits until they are gone. */
  public static void stop(ProcessHandle process) {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process);
    for (ProcessHandle p : all) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Reported by the caller's own checks; nothing more to do here.
      }
    }
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}

package org.flytebeam.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one variant as a whole process and measures it: wall seconds from start to exit, and peak
 * RSS, by GNU {@code time}'s {@code %M} when {@code /usr/bin/time} is GNU time, else by polling
 * {@code /proc/<pid>/status} for {@code VmHWM} (the kernel's own high-water mark, so polling misses
 * at most the growth of the last interval).
 */
final class ProcessTimer {
  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final long POLL_MILLIS = 20;

  /** How peak RSS is measured. */
  enum RssMethod {
    GNU_TIME("GNU time %M"),
    PROC_VMHWM("polling /proc/<pid>/status VmHWM (no GNU time on this machine)");

    private final String description;

    RssMethod(String description) {
      this.description = description;
    }

    String description() {
      return description;
    }
  }

  /** One process's measurement. */
  record Timed(double wallSeconds, long peakRssBytes, int exitCode) {}

  private final RssMethod method;
  private volatile Process current;

  private ProcessTimer(RssMethod method) {
    this.method = method;
    Runtime.getRuntime().addShutdownHook(new Thread(this::killCurrent, "bench-kill-variant"));
  }

  /** GNU time when it is there, else polling. */
  static ProcessTimer detect() {
    return new ProcessTimer(isGnuTime() ? RssMethod.GNU_TIME : RssMethod.PROC_VMHWM);
  }

  RssMethod method() {
    return method;
  }

  /**
   * Runs {@code command}, its stdout and stderr to files.
   *
   * @throws IOException when it cannot start, or does not end within {@code timeout} (then it is
   *     killed, with its children)
   */
  Timed run(List<String> command, Path stdout, Path stderr, Duration timeout)
      throws IOException, InterruptedException {
    Path timeFile = stdout.resolveSibling(stdout.getFileName() + ".time");
    List<String> cmd = new ArrayList<>();
    if (method == RssMethod.GNU_TIME) {
      cmd.addAll(List.of(GNU_TIME.toString(), "-f", "%e %M", "-o", timeFile.toString()));
    }
    cmd.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    long start = System.nanoTime();
    Process process = builder.start();
    current = process;
    long peakKb = 0;
    try {
      long deadline = start + timeout.toNanos();
      if (method == RssMethod.PROC_VMHWM) {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          peakKb = Math.max(peakKb, vmHwmKb(status));
          if (System.nanoTime() > deadline) {
            break;
          }
        }
      } else {
        process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      if (process.isAlive()) {
        killCurrent();
        throw new IOException("timed out after " + timeout + ": " + String.join(" ", command));
      }
    } finally {
      current = null;
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (method == RssMethod.GNU_TIME) {
      peakKb = gnuTimePeakKb(timeFile);
      Files.deleteIfExists(timeFile);
    }
    return new Timed(wall, peakKb * 1024, process.exitValue());
  }

  private void killCurrent() {
    Process p = current;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static long gnuTimePeakKb(Path timeFile) throws IOException {
    // The last line is "%e %M"; a line before it may say the command exited non-zero.
    List<String> lines = Files.readAllLines(timeFile, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      String[] words = lines.get(i).strip().split("\\s+");
      if (words.length == 2) {
        try {
          return Long.parseLong(words[1]);
        } catch (NumberFormatException e) {
          // Not the format line.
        }
      }
    }
    throw new IOException("no '%e %M' line in GNU time's output " + lines);
  }

  private static long vmHwmKb(Path status) {
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process ended between two polls.
    }
    return 0;
  }

  private static boolean isGnuTime() {
    if (!Files.isExecutable(GNU_TIME)) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(GNU_TIME.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 && out.contains("GNU");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

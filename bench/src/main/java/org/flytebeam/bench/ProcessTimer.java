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
 * Runs one variant as a whole process and measures it: wall seconds from start to exit; peak RSS
 * and CPU seconds (user + system) by GNU {@code time} ({@code %M %U %S}) when {@code /usr/bin/time}
 * is GNU time, else by polling {@code /proc/<pid>/status} for {@code VmHWM} (the kernel's own
 * high-water mark, so polling misses at most the growth of the last interval) and {@code
 * /proc/<pid>/stat} for CPU ticks; and how busy the rest of the machine was meanwhile, from {@code
 * /proc/stat}, since wall seconds on a shared machine mean little without it.
 */
final class ProcessTimer {
  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final Path PROC_STAT = Path.of("/proc/stat");
  private static final long POLL_MILLIS = 20;
  // Linux's USER_HZ: the unit of /proc/stat and /proc/<pid>/stat CPU times on every common build.
  private static final double TICKS_PER_SECOND = 100;
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  /** How peak RSS and CPU time are measured. */
  enum RssMethod {
    GNU_TIME("GNU time (%M peak RSS, %U+%S CPU)"),
    PROC_VMHWM(
        "polling /proc/<pid>/status VmHWM and /proc/<pid>/stat CPU ticks (no GNU time on this"
            + " machine)");

    private final String description;

    RssMethod(String description) {
      this.description = description;
    }

    String description() {
      return description;
    }
  }

  /**
   * One process's measurement.
   *
   * @param wallSeconds start to exit
   * @param peakRssBytes peak resident set size
   * @param cpuSeconds user + system CPU of the process
   * @param othersCores the CPU the rest of the machine used meanwhile, in cores (NaN: unknown)
   * @param exitCode the process's
   */
  record Timed(
      double wallSeconds, long peakRssBytes, double cpuSeconds, double othersCores, int exitCode) {}

  private final RssMethod method;
  private volatile Process current;

  private ProcessTimer(RssMethod method) {
    this.method = method;
    Runtime.getRuntime().addShutdownHook(new Thread(this::killCurrent, "bench-kill-variant"));
  }

  /** The machine's cores, as the JVM sees them. */
  static int cores() {
    return CORES;
  }

  /** GNU time when it is there, else polling. */
  static ProcessTimer detect() {
    return new ProcessTimer(isGnuTime() ? RssMethod.GNU_TIME : RssMethod.PROC_VMHWM);
  }

  RssMethod method() {
    return method;
  }

  /**
   * Waits, up to {@code max}, for a second in which the rest of the machine uses at most {@code
   * quietCores}; returns the cores it used in the last second measured (NaN without {@code
   * /proc/stat}).
   */
  static double settle(Duration max, double quietCores) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      long[] before = machineTicks();
      Thread.sleep(1000);
      long[] after = machineTicks();
      if (before == null || after == null) {
        return Double.NaN;
      }
      double busy = (after[0] - before[0]) / TICKS_PER_SECOND;
      if (busy <= quietCores || System.nanoTime() > deadline) {
        return busy;
      }
    }
  }

  /**
   * Runs {@code command}, its stdout and stderr to files.
   *
   * @throws IOException when it cannot start, or does not end within {@code timeout} (then it is
   *     killed, with its children)
   */
  Timed run(List<String> command, Path stdout, Path stderr, Duration timeout)
      throws IOException, InterruptedException {
    return run(command, null, java.util.Set.of(), stdout, stderr, timeout);
  }

  /**
   * As {@link #run(List, Path, Path, Duration)}, its stdin read from {@code stdin} (null: none) and
   * without the environment variables {@code unsetEnv}, so that a user's settings (such as the
   * launcher's {@code FLYTE_BEAM_JAVA_OPTS}) do not change what is measured.
   */
  Timed run(
      List<String> command,
      Path stdin,
      java.util.Set<String> unsetEnv,
      Path stdout,
      Path stderr,
      Duration timeout)
      throws IOException, InterruptedException {
    Path timeFile = stdout.resolveSibling(stdout.getFileName() + ".time");
    List<String> cmd = new ArrayList<>();
    if (method == RssMethod.GNU_TIME) {
      cmd.addAll(List.of(GNU_TIME.toString(), "-f", "%e %M %U %S", "-o", timeFile.toString()));
    }
    cmd.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(
                ProcessBuilder.Redirect.from(
                    (stdin != null ? stdin : Path.of("/dev/null")).toFile()));
    builder.environment().keySet().removeAll(unsetEnv);
    long[] machineBefore = machineTicks();
    long start = System.nanoTime();
    Process process = builder.start();
    current = process;
    long peakKb = 0;
    long cpuTicks = 0;
    try {
      long deadline = start + timeout.toNanos();
      if (method == RssMethod.PROC_VMHWM) {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          peakKb = Math.max(peakKb, vmHwmKb(status));
          cpuTicks = Math.max(cpuTicks, processTicks(stat));
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
    long[] machineAfter = machineTicks();
    double cpu = cpuTicks / TICKS_PER_SECOND;
    if (method == RssMethod.GNU_TIME) {
      double[] fields = gnuTimeFields(timeFile);
      peakKb = (long) fields[1];
      cpu = fields[2] + fields[3];
      Files.deleteIfExists(timeFile);
    }
    double others = Double.NaN;
    if (machineBefore != null && machineAfter != null && wall > 0) {
      double busy = (machineAfter[0] - machineBefore[0]) / TICKS_PER_SECOND;
      others = Math.min(CORES, Math.max(0, (busy - cpu) / wall));
    }
    return new Timed(wall, peakKb * 1024, cpu, others, process.exitValue());
  }

  private void killCurrent() {
    Process p = current;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** {@code %e %M %U %S} from GNU time's output file. */
  private static double[] gnuTimeFields(Path timeFile) throws IOException {
    // The last line is the format's; a line before it may say the command exited non-zero.
    List<String> lines = Files.readAllLines(timeFile, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      String[] words = lines.get(i).strip().split("\\s+");
      if (words.length == 4) {
        try {
          double[] out = new double[4];
          for (int j = 0; j < 4; j++) {
            out[j] = Double.parseDouble(words[j]);
          }
          return out;
        } catch (NumberFormatException e) {
          // Not the format line.
        }
      }
    }
    throw new IOException("no '%e %M %U %S' line in GNU time's output " + lines);
  }

  /** {busy ticks, all ticks} of the whole machine, or null without /proc/stat. */
  static long[] machineTicks() {
    try {
      for (String line : Files.readAllLines(PROC_STAT, StandardCharsets.UTF_8)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.strip().split("\\s+");
          // user nice system idle iowait irq softirq steal ...
          long busy = 0;
          long all = 0;
          for (int i = 1; i < Math.min(f.length, 9); i++) {
            long v = Long.parseLong(f[i]);
            all += v;
            if (i != 4 && i != 5) {
              busy += v;
            }
          }
          return new long[] {busy, all};
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return null;
  }

  private static long processTicks(Path stat) {
    try {
      String s = Files.readString(stat, StandardCharsets.UTF_8);
      // Fields after the command name in parentheses; utime and stime are fields 14 and 15.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split("\\s+");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
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
      Process p =
          new ProcessBuilder(GNU_TIME.toString(), "--version").redirectErrorStream(true).start();
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

package org.flytebeam.exec.process;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Runs one program as a tree of processes that never outlives this JVM: started in a session of its
 * own (through {@code setsid}), with a watchdog in that session that kills the whole process group
 * as soon as the pipe to this JVM is gone.
 *
 * <p>How: the program is started as {@code setsid sh -c WRAPPER ...}. The wrapper keeps its stdin
 * (a pipe whose only writer is this JVM) on a spare descriptor, forks a watchdog that blocks
 * reading it, and {@code exec}s the program in its place, with stdin from {@code /dev/null}. The
 * watchdog's read returns when the pipe closes: when this JVM closes it (the program ended, timed
 * out or was stopped) or when this JVM dies, even by {@code kill -9}. It then kills its process
 * group, which holds the program and everything it started that did not leave the session. No
 * polling, so a finished program costs no delay, and a timeout kills the whole tree, reparented
 * children included.
 *
 * <p>A process that leaves the session ({@code setsid}, a daemon's double fork) escapes the group
 * kill, so every program also gets a marker of its own in its environment, {@link #TOKEN_VARIABLE}
 * (a random value per run of a program, appended to the value this JVM got, if any), which its
 * descendants inherit however they detach. When the program ends, times out or is stopped, every
 * process of this user whose environment carries the marker is killed (found through {@code /proc},
 * scanned until none is left), so a detached child neither outlives its element nor holds its
 * output pipes open. A process that clears its environment and leaves the session is beyond reach
 * (as it is of Flyte on Kubernetes only because the pod ends); its pipes are given up after a short
 * wait.
 *
 * <p>Without {@code setsid} the program runs in this JVM's process group; the watchdog then kills
 * only the program, and timeouts also kill its live descendants.
 */
public final class ProcessTree {
  /** The watchdog and program in a new session: the program is the group leader after exec. */
  private static final String SESSION_WRAPPER =
      "exec 3<&0 </dev/null; ( read -r _ <&3; kill -KILL 0 ) >/dev/null 2>&1 & exec \"$@\" 3<&-";

  /**
   * Without setsid: kill the program alone, never our own group; the watchdog is stopped before the
   * wrapper exits, so it can never kill a recycled pid.
   */
  private static final String PLAIN_WRAPPER =
      "exec 3<&0 </dev/null; \"$@\" 3<&- & p=$!;"
          + " ( read -r _ <&3; kill -KILL $p ) >/dev/null 2>&1 & w=$!;"
          + " wait $p; r=$?; kill $w 2>/dev/null; exit $r";

  private static final String ZERO_ARG = "flyte-beam-element";
  private static final Optional<String> SETSID =
      findOnPath("setsid", System.getenv("PATH")).map(Path::toString);
  private static final String SH =
      findOnPath("sh", System.getenv("PATH")).map(Path::toString).orElse("/bin/sh");

  /**
   * The variable marking a program's processes: comma-separated tokens, one per level of nested
   * runs, the last one this program's own.
   */
  public static final String TOKEN_VARIABLE = "FLYTE_BEAM_ELEMENT_TOKEN";

  private static final Path PROC = Path.of("/proc");

  /** How long to wait for the program to be reaped once it was killed. */
  private static final Duration EXIT_LIMIT = Duration.ofSeconds(10);

  /**
   * How long to wait for the output pipes to close once the program and its marked descendants are
   * gone: only an unmarked process that left the session can hold them, whose output is not the
   * program's.
   */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(2);

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final ExecutorService PUMPS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "flyte-beam-process-output");
            t.setDaemon(true);
            return t;
          });

  private ProcessTree() {}

  /** Whether programs get a session (and so a process group) of their own. */
  public static boolean sessions() {
    return SETSID.isPresent();
  }

  /** How an attempt's program ended. */
  public enum Ending {
    EXITED,
    TIMED_OUT,
    /** Killed because the run asked every element to stop. */
    STOPPED
  }

  /**
   * What to run.
   *
   * @param argv the program and its arguments, passed as they are (no shell of ours)
   * @param environment the program's whole environment (nothing of this JVM's is added but the
   *     marker {@link #TOKEN_VARIABLE})
   * @param workDir the program's working folder
   * @param timeout when to kill it, if ever
   * @param tailBytes how much of the end of stdout and of stderr to keep
   */
  public record Launch(
      List<String> argv,
      Map<String, String> environment,
      Path workDir,
      Optional<Duration> timeout,
      int tailBytes) {
    public Launch {
      argv = List.copyOf(argv);
      environment = Map.copyOf(environment);
      requireNonNull(workDir, "workDir");
      requireNonNull(timeout, "timeout");
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("argv must name a program");
      }
    }
  }

  /**
   * How the program ended.
   *
   * @param pid its process id, which was also its process group id when {@link #sessions()}
   * @param exitCode its exit code (128 + n when killed by signal n)
   * @param ending whether it exited, timed out or was stopped
   * @param stdout the end of its stdout
   * @param stderr the end of its stderr
   */
  public record Completed(
      long pid, int exitCode, Ending ending, TailBuffer stdout, TailBuffer stderr) {}

  /**
   * Runs the program to its end, its timeout, or until {@code stop} says so (checked a few times a
   * second).
   *
   * @throws IOException when it cannot be started
   * @throws InterruptedException when this thread is interrupted; the program is killed first
   */
  public static Completed run(Launch launch, BooleanSupplier stop)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launch.argv().size() + 5);
    if (SETSID.isPresent()) {
      command.add(SETSID.get());
      command.add(SH);
      command.add("-c");
      command.add(SESSION_WRAPPER);
    } else {
      command.add(SH);
      command.add("-c");
      command.add(PLAIN_WRAPPER);
    }
    command.add(ZERO_ARG);
    command.addAll(launch.argv());
    ProcessBuilder builder = new ProcessBuilder(command).directory(launch.workDir().toFile());
    String token = newToken();
    String inheritedTokens = System.getenv(TOKEN_VARIABLE);
    builder.environment().clear();
    builder.environment().putAll(launch.environment());
    builder
        .environment()
        .put(
            TOKEN_VARIABLE,
            inheritedTokens == null || inheritedTokens.isEmpty()
                ? token
                : inheritedTokens + "," + token);
    Process process = builder.start();
    // Held open while the program runs: closing it is what releases the watchdog.
    OutputStream lifeline = process.getOutputStream();
    TailBuffer stdout = new TailBuffer(launch.tailBytes());
    TailBuffer stderr = new TailBuffer(launch.tailBytes());
    Future<?> outPump = PUMPS.submit(() -> pump(process.getInputStream(), stdout));
    Future<?> errPump = PUMPS.submit(() -> pump(process.getErrorStream(), stderr));
    Ending ending = Ending.EXITED;
    try {
      ending = await(process, launch.timeout(), stop);
    } catch (InterruptedException e) {
      kill(process, lifeline);
      killMarked(token);
      throw e;
    } finally {
      if (ending != Ending.EXITED) {
        kill(process, lifeline);
      }
      // The program is gone: the watchdog now kills whatever it left behind in its group.
      close(lifeline);
    }
    if (!process.waitFor(EXIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
    }
    // Whatever left the group, with the marker still in its environment.
    killMarked(token);
    drain(outPump);
    drain(errPump);
    int exit = process.isAlive() ? -1 : process.exitValue();
    return new Completed(process.pid(), exit, ending, stdout, stderr);
  }

  private static Ending await(Process process, Optional<Duration> timeout, BooleanSupplier stop)
      throws InterruptedException {
    long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Ending.TIMED_OUT;
      }
      if (process.waitFor(
          Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS)) {
        return Ending.EXITED;
      }
      if (stop.getAsBoolean()) {
        return Ending.STOPPED;
      }
    }
  }

  /** Kills the program and everything under it, whichever way is left to reach them. */
  private static void kill(Process process, OutputStream lifeline) {
    List<ProcessHandle> descendants = process.descendants().toList();
    close(lifeline);
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static String newToken() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /**
   * Kills every process whose environment carries {@code token} in {@link #TOKEN_VARIABLE}, again
   * until a scan finds none alive: a process forking while it is killed leaves children the next
   * scan finds. Nothing without {@code /proc}.
   *
   * @return the pids killed
   */
  static Set<Long> killMarked(String token) {
    Set<Long> killed = new HashSet<>();
    if (!Files.isDirectory(PROC)) {
      return killed;
    }
    byte[] prefix = (TOKEN_VARIABLE + "=").getBytes(StandardCharsets.US_ASCII);
    long self = ProcessHandle.current().pid();
    for (int round = 0; round < 100; round++) {
      List<Long> found = marked(prefix, token, self);
      if (found.isEmpty()) {
        break;
      }
      for (long pid : found) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        killed.add(pid);
      }
    }
    return killed;
  }

  /** The live processes whose environment marks them with {@code token}. */
  private static List<Long> marked(byte[] prefix, String token, long self) {
    List<Long> found = new ArrayList<>();
    String[] names = PROC.toFile().list();
    if (names == null) {
      return found;
    }
    for (String name : names) {
      if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
        continue;
      }
      long pid;
      try {
        pid = Long.parseLong(name);
      } catch (NumberFormatException e) {
        continue;
      }
      if (pid == self) {
        continue;
      }
      byte[] environ;
      try {
        // Another user's processes cannot be read, and need not be: ours cannot run as them.
        try (InputStream in = Files.newInputStream(PROC.resolve(name).resolve("environ"))) {
          environ = in.readAllBytes();
        }
      } catch (IOException | SecurityException e) {
        continue;
      }
      if (carries(environ, prefix, token)) {
        found.add(pid);
      }
    }
    return found;
  }

  /**
   * Whether a NUL-separated environment holds {@code prefix} with {@code token} among its values.
   */
  static boolean carries(byte[] environ, byte[] prefix, String token) {
    int start = 0;
    while (start < environ.length) {
      int end = start;
      while (end < environ.length && environ[end] != 0) {
        end++;
      }
      if (end - start >= prefix.length
          && Arrays.equals(environ, start, start + prefix.length, prefix, 0, prefix.length)) {
        String value =
            new String(
                environ,
                start + prefix.length,
                end - start - prefix.length,
                StandardCharsets.US_ASCII);
        for (String t : value.split(",")) {
          if (t.equals(token)) {
            return true;
          }
        }
      }
      start = end + 1;
    }
    return false;
  }

  private static void pump(InputStream in, TailBuffer into) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        into.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // The stream closed under us: what was read is kept.
    }
  }

  private static void drain(Future<?> pump) throws InterruptedException {
    try {
      // A process that left the session may hold the pipe open: its output is not waited for.
      pump.get(DRAIN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      pump.cancel(true);
    }
  }

  private static void close(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // Already closed: the watchdog has been released.
    }
  }

  /**
   * Where {@code program} is found: itself when it holds a {@code /}, else the first executable of
   * that name in the folders of {@code path}.
   */
  public static Optional<Path> findOnPath(String program, String path) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}

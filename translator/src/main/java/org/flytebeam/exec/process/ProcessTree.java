package org.flytebeam.exec.process;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Runs one program as a tree of processes that never outlives this JVM: started in a session of its
 * own, registered with this JVM's {@link Watchdog}, which kills the whole process group as soon as
 * the pipe to this JVM is gone.
 *
 * <p>How: on Linux with glibc 2.34 or later, {@link NativeSpawn} starts the program itself with
 * {@code posix_spawn} and {@code POSIX_SPAWN_SETSID}, so it leads a new session and process group
 * (its pid is its group's id), with stdin from {@code /dev/null}, no descriptor of this JVM's but
 * its output pipes, and no shell or other program exec'd before it; one thread then waits for its
 * output and its end in one {@code poll}. Elsewhere (or with {@code
 * -Dflyte-beam.process.spawn=jdk}) the JDK starts it as {@code setsid -- PROGRAM ARGS}, {@code
 * setsid} making the session and then exec'ing it. Right after the start, this JVM registers the
 * group with the watchdog, one {@code sh} per JVM that blocks reading a pipe whose only writer is
 * this JVM: when this JVM dies, even by {@code kill -9}, the read ends and the watchdog kills every
 * registered group. When the program ends, times out or is stopped, its group is killed at once (by
 * this JVM for a program {@link NativeSpawn} started, else by the watchdog), which holds everything
 * it started that did not leave the session. No polling, so a finished program costs no delay, and
 * a timeout kills the whole tree, reparented children included.
 *
 * <p>The group is killed by its id after the program was reaped. While anything of the group is
 * left, the kernel does not hand that id out again; when nothing is left, the kill finds nothing,
 * unless a new process got that pid and made itself a group leader in the microseconds between:
 * pids are handed out in increasing order, so that takes the whole range of pids to go round.
 *
 * <p>A process that leaves the session ({@code setsid}, a daemon's double fork) escapes the group
 * kill, so every program also gets a marker of its own in its environment, {@link #TOKEN_VARIABLE}
 * (a random value per run of a program, appended to the value this JVM got, if any), which its
 * descendants inherit however they detach. When the program ends, times out or is stopped, every
 * process of this user whose environment carries the marker is killed (found through {@code /proc},
 * scanned until none is left), so a detached child neither outlives its element nor holds its
 * output pipes open. The marker is registered with the watchdog before the program starts: if this
 * JVM dies between the start and the group's registration, or while a detached child still runs,
 * the watchdog's own scan of {@code /proc} for every registered marker finds them. A process that
 * clears its environment and leaves the session is beyond reach (as it is of Flyte on Kubernetes
 * only because the pod ends); its pipes are given up after a short wait.
 *
 * <p>The scan after a program reads the environment of every process only when it must: the
 * marker's carriers were all started after the program, so when the program ran briefly, only the
 * pids the kernel handed out since just before its start ({@code /proc/sys/kernel/ns_last_pid},
 * handed out in increasing order) can be among them; a longer run, a wraparound of the pids or no
 * {@code ns_last_pid} means a scan of the whole of {@code /proc}. The programs this JVM started and
 * has not reaped are its own children with markers of their own, and are skipped.
 *
 * <p>Without {@link NativeSpawn} and without {@code setsid} the program runs in this JVM's process
 * group (started through {@code sh -c 'exec "$@"'}, so that a missing program is exit code 127 as
 * with {@code setsid}); the watchdog then kills only the program, and timeouts also kill its live
 * descendants.
 */
public final class ProcessTree {
  /** Without setsid: exec the program, so that a missing one is exit code 127 as with setsid. */
  private static final String PLAIN_EXEC = "exec \"$@\"";

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

  /** The last pid the kernel handed out in this JVM's pid namespace. */
  private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

  private static final File DEV_NULL = new File("/dev/null");

  /**
   * A program that ran longer than this gets a scan of the whole of {@code /proc}: in a longer
   * time, the pids handed out might have gone once around the whole range ({@code pid_max}, 32768
   * on many machines) and back past the first one, which the last pid alone would not show.
   */
  private static final Duration BRIEF = Duration.ofMillis(250);

  /** A range of new pids wider than this is scanned as the whole of {@code /proc}. */
  private static final long MAX_RANGE = 4096;

  /** How often to ask whether the run wants every element to stop. */
  private static final Duration STOP_CHECK = Duration.ofMillis(200);

  /** How long a run that failed waits for its killed program to be reaped before it gives up. */
  private static final Duration EXIT_LIMIT_AFTER_ERROR = Duration.ofSeconds(1);

  /** How long to wait for the program to be reaped once it was killed. */
  private static final Duration EXIT_LIMIT = Duration.ofSeconds(10);

  /**
   * How long to wait for the output pipes to close once the program and its marked descendants are
   * gone: only an unmarked process that left the session can hold them, whose output is not the
   * program's.
   */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(2);

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The programs this JVM started that are not reaped yet: its own children, each with a marker of
   * its own, so never a carrier of another program's marker; while not reaped, no other process can
   * have their pid. The scan after a program skips them (on two cores, the pids handed out during a
   * brief program are mostly the other elements' programs).
   */
  private static final Set<Long> RUNNING = ConcurrentHashMap.newKeySet();

  private static final ExecutorService PUMPS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "flyte-beam-process-output");
            t.setDaemon(true);
            return t;
          });

  private ProcessTree() {}

  /** The JDK's system property naming how it starts processes. */
  static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

  /**
   * Has this JVM start programs by {@code vfork} and {@code exec}, unless its launch mechanism is
   * set already or it does not run on Linux. The JDK's default there, {@code POSIX_SPAWN}, starts
   * its helper program {@code jspawnhelper}, which then starts the program: an {@code exec} more
   * per element, the most expensive part of a trivial one's start (a 2,000-element map of {@code sh
   * -c 'echo ...'}, two alternated pairs: 6.89 vs 9.46 s and 7.10 vs 7.89 s; docs/performance.md,
   * "Container tasks"). Takes effect only before this JVM starts its first process: for a command
   * line's {@code main}, not for a library in its caller's JVM.
   */
  public static void preferDirectLaunch() {
    if (System.getProperty(LAUNCH_MECHANISM) == null
        && System.getProperty("os.name", "").startsWith("Linux")) {
      System.setProperty(LAUNCH_MECHANISM, "VFORK");
    }
  }

  /** Whether programs get a session (and so a process group) of their own. */
  public static boolean sessions() {
    return NativeSpawn.available() || SETSID.isPresent();
  }

  static Optional<String> setsid() {
    return SETSID;
  }

  static String sh() {
    return SH;
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
    return run(launch, stop, NativeSpawn.available());
  }

  /**
   * {@link #run(Launch, BooleanSupplier)}, the program started through {@link NativeSpawn} or
   * through the JDK and {@code setsid}.
   */
  static Completed run(Launch launch, BooleanSupplier stop, boolean nativeSpawn)
      throws IOException, InterruptedException {
    String token = newToken();
    String inheritedTokens = System.getenv(TOKEN_VARIABLE);
    Map<String, String> environment = new LinkedHashMap<>(launch.environment());
    environment.put(
        TOKEN_VARIABLE,
        inheritedTokens == null || inheritedTokens.isEmpty()
            ? token
            : inheritedTokens + "," + token);
    // Before the start: this JVM dying from here on leaves the program to the watchdog's scan.
    long id = Watchdog.register(token);
    try {
      Started started = new Started(token, id, lastPid(), System.nanoTime());
      return nativeSpawn
          ? runSpawned(launch, environment, stop, started)
          : runProcess(launch, environment, stop, started);
    } finally {
      Watchdog.forget(id);
    }
  }

  /**
   * A program's registration: its marker, its watchdog id, the last pid handed out before its start
   * and when it started.
   */
  private record Started(String token, long id, long firstPid, long nanos) {}

  private static Completed runProcess(
      Launch launch, Map<String, String> environment, BooleanSupplier stop, Started started)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launch.argv().size() + 4);
    if (SETSID.isPresent()) {
      command.add(SETSID.get());
      command.add("--");
    } else {
      command.add(SH);
      command.add("-c");
      command.add(PLAIN_EXEC);
      command.add(ZERO_ARG);
    }
    command.addAll(launch.argv());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(launch.workDir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    builder.environment().clear();
    builder.environment().putAll(environment);
    long id = started.id();
    Process process = builder.start();
    RUNNING.add(process.pid());
    Ending ending = Ending.EXITED;
    try {
      Watchdog.attach(id, process.pid(), SETSID.isPresent());
      TailBuffer stdout = new TailBuffer(launch.tailBytes());
      TailBuffer stderr = new TailBuffer(launch.tailBytes());
      Future<?> outPump = PUMPS.submit(() -> pump(process.getInputStream(), stdout));
      Future<?> errPump = PUMPS.submit(() -> pump(process.getErrorStream(), stderr));
      try {
        ending = await(process, launch.timeout(), stop);
      } finally {
        if (ending != Ending.EXITED) {
          kill(process, id);
        } else if (SETSID.isPresent()) {
          // The program is gone: whatever it left behind in its group goes too.
          Watchdog.kill(id);
        }
      }
      if (!process.waitFor(EXIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
      // Whatever left the group, with the marker still in its environment.
      killMarked(started.token(), started.firstPid(), started.nanos());
      drain(outPump);
      drain(errPump);
      int exit = process.isAlive() ? -1 : process.exitValue();
      return new Completed(process.pid(), exit, ending, stdout, stderr);
    } catch (InterruptedException | IOException | RuntimeException e) {
      kill(process, id);
      killMarked(started.token(), started.firstPid(), started.nanos());
      throw e;
    } finally {
      RUNNING.remove(process.pid());
    }
  }

  /**
   * The same steps as {@link #runProcess}, on a program {@link NativeSpawn} started: this thread
   * waits in one {@code poll} for its output, its end, its timeout and the next look at {@code
   * stop}, with no thread of its own for each pipe.
   */
  private static Completed runSpawned(
      Launch launch, Map<String, String> environment, BooleanSupplier stop, Started started)
      throws IOException, InterruptedException {
    TailBuffer stdout = new TailBuffer(launch.tailBytes());
    TailBuffer stderr = new TailBuffer(launch.tailBytes());
    NativeSpawn.Child child;
    try {
      child = NativeSpawn.start(launch.argv(), environment, launch.workDir(), SH);
    } catch (NativeSpawn.NotExecutable e) {
      // What a shell, or setsid, says of a program it cannot execute, with the same exit code.
      byte[] message = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
      stderr.write(message, 0, message.length);
      return new Completed(-1, e.exitCode(), Ending.EXITED, stdout, stderr);
    }
    long id = started.id();
    RUNNING.add(child.pid());
    try {
      Watchdog.attach(id, child.pid(), true);
      Optional<Long> deadline = launch.timeout().map(t -> started.nanos() + t.toNanos());
      Ending ending = Ending.EXITED;
      int exit = -1;
      long killedAt = 0;
      long nextStopCheck = System.nanoTime() + STOP_CHECK.toNanos();
      while (!child.reaped()) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while [" + launch.argv().get(0) + "] ran");
        }
        long now = System.nanoTime();
        long waitNanos;
        if (ending == Ending.EXITED) {
          if (deadline.isPresent() && now - deadline.get() >= 0) {
            ending = Ending.TIMED_OUT;
          } else if (now - nextStopCheck >= 0) {
            nextStopCheck = now + STOP_CHECK.toNanos();
            if (stop.getAsBoolean()) {
              ending = Ending.STOPPED;
            }
          }
          if (ending != Ending.EXITED) {
            killSpawned(child);
            killedAt = now;
            continue;
          }
          waitNanos = nextStopCheck - now;
          if (deadline.isPresent()) {
            waitNanos = Math.min(waitNanos, deadline.get() - now);
          }
        } else if (now - killedAt > EXIT_LIMIT.toNanos()) {
          // Killed and still not gone (a process stuck in the kernel): given up, unreaped.
          break;
        } else {
          waitNanos = STOP_CHECK.toNanos();
        }
        if (child.await(millisAtLeastOne(waitNanos), stdout, stderr)) {
          exit = child.reap();
          RUNNING.remove(child.pid());
        }
      }
      if (ending == Ending.EXITED) {
        // The program is gone: whatever it left behind in its group goes too (killed from here,
        // without waking the watchdog).
        child.killGroup();
      }
      // Whatever left the group, with the marker still in its environment.
      killMarked(started.token(), started.firstPid(), started.nanos());
      // A process that left the session may hold the pipes open: its output is not waited for.
      long drainEnd = System.nanoTime() + DRAIN_LIMIT.toNanos();
      while (child.outputOpen()) {
        long left = drainEnd - System.nanoTime();
        if (left <= 0) {
          break;
        }
        child.await(millisAtLeastOne(left), stdout, stderr);
      }
      return new Completed(child.pid(), exit, ending, stdout, stderr);
    } catch (InterruptedException | IOException | RuntimeException e) {
      killSpawned(child);
      child.reapWithin(EXIT_LIMIT_AFTER_ERROR.toMillis());
      killMarked(started.token(), started.firstPid(), started.nanos());
      throw e;
    } finally {
      // Not a try-with-resources: the catch above still waits on the pidfd.
      child.close();
      RUNNING.remove(child.pid());
    }
  }

  private static int millisAtLeastOne(long nanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos) + 1));
  }

  /** {@link #kill(Process, long)} for a program {@link NativeSpawn} started: its group, then it. */
  private static void killSpawned(NativeSpawn.Child child) {
    List<ProcessHandle> descendants =
        child.reaped()
            ? List.of()
            : ProcessHandle.of(child.pid()).stream().flatMap(ProcessHandle::descendants).toList();
    child.killGroup();
    child.kill();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static Ending await(Process process, Optional<Duration> timeout, BooleanSupplier stop)
      throws InterruptedException {
    long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Ending.TIMED_OUT;
      }
      if (process.waitFor(Math.min(left, STOP_CHECK.toNanos()), TimeUnit.NANOSECONDS)) {
        return Ending.EXITED;
      }
      if (stop.getAsBoolean()) {
        return Ending.STOPPED;
      }
    }
  }

  /** Kills the program and everything under it, whichever way is left to reach them. */
  private static void kill(Process process, long id) {
    List<ProcessHandle> descendants = process.descendants().toList();
    try {
      Watchdog.kill(id);
    } catch (IOException e) {
      // No watchdog to be had: the program and its descendants are still killed here.
    }
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
   * <p>When the program ran briefly and the pids handed out since {@code firstPid} did not wrap
   * around, only those are read: a carrier started after the program, so its pid is among them
   * (pids are handed out in increasing order). A round reads the pids up to the last one handed out
   * as it starts; every carrier alive after it that it did not see started after it, so the next
   * round reads only the pids handed out since, and the scan ends after a round that found none
   * while no pid was handed out.
   *
   * @param firstPid {@link #lastPid()} before the program started, -1 when unknown
   * @param started {@link System#nanoTime()} at its start
   * @return the pids killed
   */
  static Set<Long> killMarked(String token, long firstPid, long started) {
    Set<Long> killed = new HashSet<>();
    if (!Files.isDirectory(PROC)) {
      return killed;
    }
    byte[] prefix = (TOKEN_VARIABLE + "=").getBytes(StandardCharsets.US_ASCII);
    long self = ProcessHandle.current().pid();
    long from = System.nanoTime() - started < BRIEF.toNanos() ? firstPid : -1;
    for (int round = 0; round < 100; round++) {
      long to = from < 0 ? -1 : lastPid();
      List<Long> found;
      if (from >= 0 && to >= from && to - from <= MAX_RANGE) {
        found = markedAmong(from, to, prefix, token, self);
        if (found.isEmpty() && lastPid() == to) {
          break;
        }
        from = to;
      } else {
        // Unknown, wrapped or too wide a range: the whole of /proc, until a round finds none.
        from = -1;
        found = marked(prefix, token, self);
        if (found.isEmpty()) {
          break;
        }
      }
      for (long pid : found) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        killed.add(pid);
      }
    }
    return killed;
  }

  /** Every marker carrier among the pids after {@code from} up to {@code to}. */
  private static List<Long> markedAmong(
      long from, long to, byte[] prefix, String token, long self) {
    List<Long> found = new ArrayList<>();
    for (long pid = from + 1; pid <= to; pid++) {
      String name = Long.toString(pid);
      // A pid that is not (or no longer) there reads as not carrying the marker.
      if (pid != self && !RUNNING.contains(pid) && carries(PROC.resolve(name), prefix, token)) {
        found.add(pid);
      }
    }
    return found;
  }

  /**
   * The last pid handed out in this JVM's pid namespace, or -1 when the kernel does not say (before
   * Linux 3.3, or no {@code /proc}).
   */
  static long lastPid() {
    FileChannel channel = lastPidChannel();
    if (channel == null) {
      return -1;
    }
    // One read from the start each time: a sysctl file read on from an offset past 0 ends there.
    ByteBuffer buffer = ByteBuffer.allocate(32);
    try {
      int n = channel.read(buffer, 0);
      return n <= 0
          ? -1
          : Long.parseLong(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** {@link #LAST_PID}, opened once for reads from its start; null when there is none. */
  private static FileChannel lastPidChannel() {
    FileChannel channel = lastPidChannel;
    if (channel == null && !lastPidMissing) {
      synchronized (ProcessTree.class) {
        if (lastPidChannel == null && !lastPidMissing) {
          try {
            lastPidChannel = FileChannel.open(LAST_PID, StandardOpenOption.READ);
          } catch (IOException | SecurityException | UnsupportedOperationException e) {
            lastPidMissing = true;
          }
        }
        channel = lastPidChannel;
      }
    }
    return channel;
  }

  private static volatile FileChannel lastPidChannel;
  private static volatile boolean lastPidMissing;

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
      if (pid == self || RUNNING.contains(pid)) {
        continue;
      }
      if (carries(PROC.resolve(name), prefix, token)) {
        found.add(pid);
      }
    }
    return found;
  }

  /** Whether the process of {@code procDir} carries the marker; false when it cannot be read. */
  private static boolean carries(Path procDir, byte[] prefix, String token) {
    byte[] environ;
    try {
      // Another user's processes cannot be read, and need not be: ours cannot run as them.
      try (InputStream in = Files.newInputStream(procDir.resolve("environ"))) {
        environ = in.readAllBytes();
      }
    } catch (IOException | SecurityException e) {
      return false;
    }
    return carries(environ, prefix, token);
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

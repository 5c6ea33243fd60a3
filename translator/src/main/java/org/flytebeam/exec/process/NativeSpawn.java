package org.flytebeam.exec.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts a program the way the C library does it for its own callers, through JNA: {@code
 * posix_spawn} with {@code POSIX_SPAWN_SETSID}, so the program itself is the leader of a new
 * session and process group, with no {@code setsid} program exec'd before it; stdout and stderr go
 * to pipes of this JVM, stdin is {@code /dev/null}, every other descriptor is closed in the child
 * ({@code posix_spawn_file_actions_addclosefrom_np}), and the program runs in its work folder
 * ({@code posix_spawn_file_actions_addchdir_np}). A {@code pidfd} of the child lets one thread wait
 * for its output and its end in a single {@code poll}, so an element costs no thread of its own and
 * no hand-over between threads.
 *
 * <p>Linux with glibc 2.34 or later, on x86-64 or aarch64, and a kernel with {@code pidfd_open}
 * (5.3); anywhere else {@link #available()} is false and {@link ProcessTree} starts programs
 * through the JDK and {@code setsid}. The system property {@value #MECHANISM_PROPERTY}{@code =jdk}
 * chooses the JDK's way everywhere.
 *
 * <p>The child is this JVM's: it is reaped by {@link Child#reap()} (only after its pidfd said it
 * ended), so until then its pid cannot be handed to another process and {@link Child#kill()} can
 * never reach a stranger.
 */
final class NativeSpawn {
  /**
   * Set to {@code jdk} to start programs through the JDK and {@code setsid} even where this works.
   */
  static final String MECHANISM_PROPERTY = "flyte-beam.process.spawn";

  // glibc's values, the same on x86-64 and aarch64.
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int SIGKILL = 9;
  private static final int EINTR = 4;
  private static final int ENOENT = 2;
  private static final int ENOEXEC = 8;
  private static final int EACCES = 13;
  private static final int EAGAIN = 11;
  private static final int ENOMEM = 12;
  private static final long SYS_PIDFD_OPEN = 434;
  static final short POLLIN = 0x1;
  private static final short POLLERR = 0x8;
  private static final short POLLHUP = 0x10;
  private static final short POLLNVAL = 0x20;

  /** Larger than glibc's {@code posix_spawn_file_actions_t} (80 bytes) and attributes (336). */
  private static final int OPAQUE_BYTES = 1024;

  /** {@code sigset_t}: 1024 bits. */
  private static final int SIGSET_BYTES = 128;

  private static final Charset FILE_NAMES = fileNameCharset();

  private static final Optional<String> UNAVAILABLE = load();

  private NativeSpawn() {}

  /** Whether programs are started here; else, why not. */
  static Optional<String> unavailable() {
    return UNAVAILABLE;
  }

  static boolean available() {
    return UNAVAILABLE.isEmpty();
  }

  private static Optional<String> load() {
    if ("jdk".equals(System.getProperty(MECHANISM_PROPERTY))) {
      return Optional.of(MECHANISM_PROPERTY + "=jdk");
    }
    try {
      if (!Platform.isLinux()) {
        return Optional.of("not Linux");
      }
      if (!Platform.ARCH.equals("x86-64") && !Platform.ARCH.equals("aarch64")) {
        return Optional.of("architecture " + Platform.ARCH);
      }
      NativeLibrary libc = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
      // Before binding: a C library without these (glibc before 2.34, musl) is not used.
      for (String name :
          List.of(
              "posix_spawn_file_actions_addclosefrom_np",
              "posix_spawn_file_actions_addchdir_np",
              "pipe2",
              "syscall")) {
        libc.getFunction(name);
      }
      Native.register(NativeSpawn.class, libc);
      int probe = (int) syscall(SYS_PIDFD_OPEN, ProcessHandle.current().pid(), 0);
      close(probe);
      return Optional.empty();
    } catch (LastErrorException e) {
      return Optional.of("pidfd_open: errno " + e.getErrorCode());
    } catch (LinkageError | RuntimeException e) {
      // No JNA native library for this machine, a C library without a function, a noexec tmp.
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  // The C library's functions (JNA's direct mapping).
  private static native int posix_spawn(
      int[] pid, byte[] path, Pointer fileActions, Pointer attributes, Pointer argv, Pointer envp);

  private static native int posix_spawn_file_actions_init(Pointer actions);

  private static native int posix_spawn_file_actions_destroy(Pointer actions);

  private static native int posix_spawn_file_actions_addopen(
      Pointer actions, int fd, byte[] path, int flags, int mode);

  private static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  private static native int posix_spawn_file_actions_addchdir_np(Pointer actions, byte[] path);

  private static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  private static native int posix_spawnattr_init(Pointer attributes);

  private static native int posix_spawnattr_destroy(Pointer attributes);

  private static native int posix_spawnattr_setflags(Pointer attributes, short flags);

  private static native int posix_spawnattr_setsigmask(Pointer attributes, Pointer mask);

  private static native int sigemptyset(Pointer set);

  private static native int pipe2(int[] fds, int flags) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

  private static native int poll(int[] fds, long count, int timeoutMillis)
      throws LastErrorException;

  private static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

  private static native int kill(int pid, int signal) throws LastErrorException;

  private static native long syscall(long number, long first, long second)
      throws LastErrorException;

  /** The program could not be executed: the exit code a shell would give, and why. */
  static final class NotExecutable extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    NotExecutable(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  /**
   * Starts {@code argv} with exactly {@code environment}, in {@code workDir}. The program is looked
   * up on the environment's {@code PATH} (glibc's default, {@code /bin:/usr/bin}, without one), as
   * {@code execvp} would; a file the kernel cannot execute is run by {@code sh}, as {@code execvp}
   * does.
   *
   * @throws NotExecutable when no such program can be run (exit code 127 when it is not found, 126
   *     when it is found but cannot be executed)
   * @throws IOException when the work folder is missing or the system is out of resources
   */
  static Child start(List<String> argv, Map<String, String> environment, Path workDir, String sh)
      throws IOException, NotExecutable {
    String program = argv.get(0);
    String path = environment.get("PATH");
    Path resolved = resolve(program, path, workDir);
    String[] env = new String[environment.size()];
    int e = 0;
    for (Map.Entry<String, String> entry : environment.entrySet()) {
      env[e++] = entry.getKey() + "=" + entry.getValue();
    }
    int[] out = pipe();
    int[] err;
    try {
      err = pipe();
    } catch (IOException x) {
      closeQuietly(out[0]);
      closeQuietly(out[1]);
      throw x;
    }
    int pid = -1;
    try {
      int[] spawned = new int[1];
      int rc = spawn(spawned, resolved.toString(), argv, env, workDir, out[1], err[1]);
      if ((rc == ENOENT || rc == EACCES) && RESOLVED.remove(cacheKey(program, path)) != null) {
        // Found earlier, gone or changed since: looked up again.
        resolved = resolve(program, path, workDir);
        rc = spawn(spawned, resolved.toString(), argv, env, workDir, out[1], err[1]);
      }
      if (rc == ENOEXEC) {
        // Not a binary and no #! line: execvp hands such a file to the shell.
        List<String> viaShell = new ArrayList<>(argv.size() + 1);
        viaShell.add(sh);
        viaShell.add(resolved.toString());
        viaShell.addAll(argv.subList(1, argv.size()));
        rc = spawn(spawned, sh, viaShell, env, workDir, out[1], err[1]);
      }
      if (rc != 0) {
        if (!Files.isDirectory(workDir)) {
          throw new IOException("the work folder [" + workDir + "] is not a folder");
        }
        if (rc == EAGAIN || rc == ENOMEM) {
          throw new IOException("cannot start [" + program + "]: errno " + rc);
        }
        throw new NotExecutable(
            rc == ENOENT ? 127 : 126,
            "flyte-beam: cannot execute [" + program + "]: " + describe(rc));
      }
      pid = spawned[0];
      int pidfd = (int) syscall(SYS_PIDFD_OPEN, pid, 0);
      return new Child(pid, pidfd, out[0], err[0]);
    } catch (LastErrorException x) {
      if (pid > 0) {
        // No pidfd for a child that is ours: it goes, and is reaped, here.
        try {
          kill(pid, SIGKILL);
          waitpid(pid, new int[1], 0);
        } catch (LastErrorException again) {
          x.addSuppressed(again);
        }
      }
      closeQuietly(out[0]);
      closeQuietly(err[0]);
      throw new IOException("cannot start [" + program + "]: errno " + x.getErrorCode(), x);
    } catch (IOException | NotExecutable | RuntimeException x) {
      closeQuietly(out[0]);
      closeQuietly(err[0]);
      throw x;
    } finally {
      // The child has its copies (or there is no child): the write ends are not this JVM's.
      closeQuietly(out[1]);
      closeQuietly(err[1]);
    }
  }

  private static int spawn(
      int[] pid,
      String path,
      List<String> argv,
      String[] env,
      Path workDir,
      int stdoutFd,
      int stderrFd) {
    try (Memory actions = new Memory(OPAQUE_BYTES);
        Memory attributes = new Memory(OPAQUE_BYTES);
        Memory mask = new Memory(SIGSET_BYTES)) {
      posix_spawn_file_actions_init(actions);
      posix_spawnattr_init(attributes);
      try {
        sigemptyset(mask);
        check(posix_spawnattr_setsigmask(attributes, mask));
        check(
            posix_spawnattr_setflags(
                attributes, (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK)));
        check(posix_spawn_file_actions_addopen(actions, 0, fileName("/dev/null"), O_RDONLY, 0));
        check(posix_spawn_file_actions_adddup2(actions, stdoutFd, 1));
        check(posix_spawn_file_actions_adddup2(actions, stderrFd, 2));
        check(posix_spawn_file_actions_addchdir_np(actions, fileName(workDir.toString())));
        // Nothing of this JVM's (jars, sockets, other elements' pipes) reaches the program.
        check(posix_spawn_file_actions_addclosefrom_np(actions, 3));
        StringArray args = new StringArray(argv.toArray(new String[0]), "UTF-8");
        StringArray envp = new StringArray(env, "UTF-8");
        return posix_spawn(pid, fileName(path), actions, attributes, args, envp);
      } finally {
        posix_spawnattr_destroy(attributes);
        posix_spawn_file_actions_destroy(actions);
      }
    }
  }

  /**
   * A file name as the C library takes it: in the encoding the JDK gives file names ({@code
   * sun.jnu.encoding}), so that the file Java looked at is the file executed, NUL-terminated.
   */
  private static byte[] fileName(String name) {
    byte[] bytes = name.getBytes(FILE_NAMES);
    return Arrays.copyOf(bytes, bytes.length + 1);
  }

  private static Charset fileNameCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  private static void check(int rc) {
    if (rc != 0) {
      throw new LastErrorException(rc);
    }
  }

  private static String describe(int errno) {
    switch (errno) {
      case ENOENT:
        return "No such file or directory";
      case EACCES:
        return "Permission denied";
      case ENOEXEC:
        return "Exec format error";
      default:
        return "errno " + errno;
    }
  }

  /**
   * Programs found on a {@code PATH} of absolute folders, by {@link #cacheKey}: looked up once, not
   * once per element (a file that is gone or changed since is looked up again).
   */
  private static final Map<String, Path> RESOLVED = new ConcurrentHashMap<>();

  private static String cacheKey(String program, String path) {
    return program + "\0" + path;
  }

  /**
   * Where {@code execvp} would find {@code program}: itself when it holds a {@code /} (relative to
   * the work folder, where the child starts), else the first executable file of that name in the
   * folders of {@code path}; the name itself when none is (the spawn then fails with ENOENT).
   */
  static Path resolve(String program, String path, Path workDir) {
    if (program.contains("/")) {
      return workDir.resolve(program);
    }
    String[] dirs = (path == null ? "/bin:/usr/bin" : path).split(":", -1);
    boolean absolute = Arrays.stream(dirs).allMatch(d -> d.startsWith("/"));
    if (absolute) {
      Path known = RESOLVED.get(cacheKey(program, path));
      if (known != null) {
        return known;
      }
    }
    for (String dir : dirs) {
      Path candidate = workDir.resolve(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        if (absolute) {
          RESOLVED.put(cacheKey(program, path), candidate);
        }
        return candidate;
      }
    }
    return workDir.resolve(program);
  }

  private static int[] pipe() throws IOException {
    int[] fds = new int[2];
    try {
      pipe2(fds, O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("cannot make a pipe: errno " + e.getErrorCode(), e);
    }
    return fds;
  }

  private static void closeQuietly(int fd) {
    if (fd >= 0) {
      try {
        close(fd);
      } catch (LastErrorException e) {
        // Closed either way (Linux frees the descriptor even when close reports an error).
      }
    }
  }

  /**
   * A started program: its pid (also its process group's and session's id), a pidfd that becomes
   * readable when it ends, and the read ends of its stdout and stderr. Used by one thread.
   */
  static final class Child implements AutoCloseable {
    private final int pid;
    private int pidfd;
    private int stdout;
    private int stderr;
    private boolean reaped;
    private final byte[] buffer = new byte[8192];

    private Child(int pid, int pidfd, int stdout, int stderr) {
      this.pid = pid;
      this.pidfd = pidfd;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    long pid() {
      return pid;
    }

    /** Whether stdout or stderr may still give something. */
    boolean outputOpen() {
      return stdout >= 0 || stderr >= 0;
    }

    /**
     * Waits up to {@code timeoutMillis} for output or the program's end, whichever comes first,
     * reading what output is there into the tails (at most one buffer of each).
     *
     * @return whether the program ended (its pidfd became readable)
     */
    boolean await(int timeoutMillis, TailBuffer out, TailBuffer err) throws IOException {
      int[] fds = new int[6];
      int n = 0;
      int outAt = -1;
      int errAt = -1;
      int endAt = -1;
      if (stdout >= 0) {
        outAt = n;
        fds[2 * n++] = stdout;
      }
      if (stderr >= 0) {
        errAt = n;
        fds[2 * n++] = stderr;
      }
      if (!reaped && pidfd >= 0) {
        endAt = n;
        fds[2 * n++] = pidfd;
      }
      for (int i = 0; i < n; i++) {
        // struct pollfd { int fd; short events; short revents; }, little-endian: events low.
        fds[2 * i + 1] = POLLIN;
      }
      if (n == 0) {
        return false;
      }
      int ready;
      try {
        ready = poll(fds, n, timeoutMillis);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EINTR) {
          return false;
        }
        throw new IOException("poll: errno " + e.getErrorCode(), e);
      }
      if (ready <= 0) {
        return false;
      }
      if (outAt >= 0 && readable(fds[2 * outAt + 1]) && !readInto(stdout, out)) {
        closeQuietly(stdout);
        stdout = -1;
      }
      if (errAt >= 0 && readable(fds[2 * errAt + 1]) && !readInto(stderr, err)) {
        closeQuietly(stderr);
        stderr = -1;
      }
      return endAt >= 0 && readable(fds[2 * endAt + 1]);
    }

    private static boolean readable(int pollfdSecondWord) {
      short revents = (short) (pollfdSecondWord >>> 16);
      return (revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0;
    }

    /** One read into the tail; false at the end of the stream (or when it cannot be read). */
    private boolean readInto(int fd, TailBuffer into) {
      while (true) {
        try {
          long n = read(fd, buffer, buffer.length);
          if (n <= 0) {
            return false;
          }
          into.write(buffer, 0, (int) n);
          return true;
        } catch (LastErrorException e) {
          if (e.getErrorCode() != EINTR) {
            return false;
          }
        }
      }
    }

    /**
     * Reaps the ended program: its exit code, 128 + n when signal n killed it. Call once its pidfd
     * said it ended (else this blocks until it does).
     */
    int reap() throws IOException {
      int[] status = new int[1];
      while (true) {
        try {
          waitpid(pid, status, 0);
          break;
        } catch (LastErrorException e) {
          if (e.getErrorCode() != EINTR) {
            throw new IOException("waitpid " + pid + ": errno " + e.getErrorCode(), e);
          }
        }
      }
      reaped = true;
      closeQuietly(pidfd);
      pidfd = -1;
      int s = status[0];
      int signal = s & 0x7f;
      return signal == 0 ? (s >>> 8) & 0xff : 128 + signal;
    }

    boolean reaped() {
      return reaped;
    }

    /**
     * After a kill: waits up to {@code limitMillis} for the program's end and reaps it, so that a
     * run given up (interrupted, its watchdog unreachable) leaves no zombie behind.
     */
    void reapWithin(long limitMillis) {
      long end = System.nanoTime() + limitMillis * 1_000_000L;
      TailBuffer ignored = new TailBuffer(1);
      try {
        while (!reaped) {
          long left = (end - System.nanoTime()) / 1_000_000L;
          if (left <= 0) {
            return;
          }
          if (await((int) Math.min(left, 200), ignored, ignored)) {
            reap();
          }
        }
      } catch (IOException e) {
        // Left unreaped: it ends as a zombie of this JVM's.
      }
    }

    /** SIGKILL to the program, unless it was reaped already (its pid may then be another's). */
    void kill() {
      if (!reaped) {
        try {
          NativeSpawn.kill(pid, SIGKILL);
        } catch (LastErrorException e) {
          // Gone already (a zombie still takes the signal without error).
        }
      }
    }

    /**
     * SIGKILL to every process of the program's group (its pid is the group's id): what it left
     * there after it ended, or everything at a timeout. Nothing when the group is empty.
     */
    void killGroup() {
      try {
        NativeSpawn.kill(-pid, SIGKILL);
      } catch (LastErrorException e) {
        // ESRCH: nothing is left in the group.
      }
    }

    /** Gives up the output pipes (an escaped process may hold them open) and the pidfd. */
    @Override
    public void close() {
      closeQuietly(stdout);
      closeQuietly(stderr);
      closeQuietly(pidfd);
      stdout = -1;
      stderr = -1;
      pidfd = -1;
    }
  }
}

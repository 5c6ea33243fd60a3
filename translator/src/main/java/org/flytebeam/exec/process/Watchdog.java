package org.flytebeam.exec.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one process per JVM that kills every running program's tree when this JVM goes, however it
 * goes ({@code kill -9} included): a fixed {@code sh} script, started on first use, reading
 * commands from a pipe whose only writer is this JVM. The pipe's end (this JVM exited or died) is
 * its signal: it then kills every registered target (a program's process group, or the program
 * alone without {@code setsid}) and, until none is left, every process whose environment carries a
 * registered marker (one {@code grep} over {@code /proc/[0-9]*}{@code /environ} a round).
 *
 * <p>The commands, one a line, every field checked to be a number, a marker's hex or a sign before
 * it is written (nothing of a definition ever reaches the script or the pipe):
 *
 * <ul>
 *   <li>{@code + ID TOKEN}: a program is about to start with this marker; written before the
 *       program starts, so that this JVM dying between the start and the next command leaves the
 *       program to the marker scan;
 *   <li>{@code g ID TARGET}: the program started: {@code -PGID} (its process group) or {@code PID};
 *   <li>{@code k ID}: kill the target now (a timeout, a stop, or what a program left in its group);
 *   <li>{@code - ID}: forget both, once the program and what it left are gone.
 * </ul>
 *
 * <p>It runs in a session of its own when {@code setsid} is there, and ignores the terminal's
 * signals either way, so that a Ctrl-C to this JVM's process group leaves it to do its work. If it
 * dies anyway, the next command starts a new one, which is given every live registration again.
 */
final class Watchdog {
  /**
   * The script: fixed text, its data only what this JVM writes to its stdin. {@code set -f}: the
   * lists are split on spaces, never globbed (but for the {@code /proc} glob of the last part).
   */
  static final String SCRIPT =
      String.join(
          "\n",
          "set -f",
          "trap '' INT HUP QUIT PIPE",
          "t=",
          "g=",
          "while read -r c i a; do",
          "  case $c in",
          "    +) t=\"$t $i:$a\" ;;",
          "    g) g=\"$g $i:$a\" ;;",
          "    k) for e in $g; do",
          "         case $e in \"$i\":*) kill -KILL \"${e#*:}\" 2>/dev/null ;; esac",
          "       done ;;",
          "    -) n=; for e in $t; do case $e in \"$i\":*) ;; *) n=\"$n $e\" ;; esac; done; t=$n",
          "       n=; for e in $g; do case $e in \"$i\":*) ;; *) n=\"$n $e\" ;; esac; done; g=$n ;;",
          "  esac",
          "done",
          "for e in $g; do kill -KILL \"${e#*:}\" 2>/dev/null; done",
          "p=",
          "for e in $t; do p=\"$p -e ${e#*:}\"; done",
          "[ -n \"$p\" ] || exit 0",
          "set +f",
          "r=0",
          "while [ $r -lt 50 ]; do",
          "  f=$(grep -lsF $p /proc/[0-9]*/environ)",
          "  [ -n \"$f\" ] || break",
          "  for x in $f; do x=${x#/proc/}; kill -KILL \"${x%/environ}\" 2>/dev/null; done",
          "  r=$((r+1))",
          "done",
          "");

  private static final String ZERO_ARG = "flyte-beam-watchdog";

  private static final Object LOCK = new Object();

  /** Every live registration, given again to a watchdog started after the last one died. */
  private static final Map<Long, String[]> LIVE = new LinkedHashMap<>();

  private static long nextId;
  private static Process process;
  private static OutputStream pipe;

  private Watchdog() {}

  /**
   * Registers the marker of a program about to start.
   *
   * @return the registration's id, for the other commands
   */
  static long register(String token) throws IOException {
    requireHex(token);
    synchronized (LOCK) {
      long id = nextId++;
      send("+ " + id + " " + token + "\n");
      LIVE.put(id, new String[] {token, null});
      return id;
    }
  }

  /**
   * The program of {@code id} started as {@code pid}: its process group is killed with it when
   * {@code group}, else the process alone.
   */
  static void attach(long id, long pid, boolean group) throws IOException {
    String target = (group ? "-" : "") + pid;
    synchronized (LOCK) {
      send("g " + id + " " + target + "\n");
      String[] live = LIVE.get(id);
      if (live != null) {
        live[1] = target;
      }
    }
  }

  /** Kills the target of {@code id} now, without waiting for it to be done. */
  static void kill(long id) throws IOException {
    synchronized (LOCK) {
      send("k " + id + "\n");
    }
  }

  /** Forgets {@code id}: its program and everything it left are gone. */
  static void forget(long id) throws IOException {
    synchronized (LOCK) {
      LIVE.remove(id);
      send("- " + id + "\n");
    }
  }

  /** The watchdog's pid, starting it if there is none (for tests). */
  static long pid() throws IOException {
    synchronized (LOCK) {
      ensureRunning();
      return process.pid();
    }
  }

  private static void send(String line) throws IOException {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean allowed =
          hex(c)
              || c == ' '
              || c == '-'
              || c == '+'
              || (i == 0 && (c == 'g' || c == 'k'))
              || (i == line.length() - 1 && c == '\n');
      if (!allowed) {
        throw new IllegalArgumentException("not a watchdog command: [" + line.strip() + "]");
      }
    }
    byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
    ensureRunning();
    try {
      pipe.write(bytes);
      pipe.flush();
    } catch (IOException e) {
      // It died between the check and the write: a new one gets everything live, this included.
      process = null;
      ensureRunning();
      pipe.write(bytes);
      pipe.flush();
    }
  }

  private static void ensureRunning() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    if (pipe != null) {
      try {
        pipe.close();
      } catch (IOException e) {
        // The old one is gone either way.
      }
    }
    List<String> command = new ArrayList<>();
    ProcessTree.setsid().ifPresent(command::add);
    command.add(ProcessTree.sh());
    command.add("-c");
    command.add(SCRIPT);
    command.add(ZERO_ARG);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(new File("/"))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    Optional.ofNullable(System.getenv("PATH")).ifPresent(p -> builder.environment().put("PATH", p));
    builder.environment().put("LC_ALL", "C");
    // A watchdog of a JVM that is itself a program's tree goes with that tree.
    Optional.ofNullable(System.getenv(ProcessTree.TOKEN_VARIABLE))
        .ifPresent(t -> builder.environment().put(ProcessTree.TOKEN_VARIABLE, t));
    process = builder.start();
    pipe = process.getOutputStream();
    StringBuilder again = new StringBuilder();
    for (Map.Entry<Long, String[]> e : LIVE.entrySet()) {
      again.append("+ ").append(e.getKey()).append(' ').append(e.getValue()[0]).append('\n');
      if (e.getValue()[1] != null) {
        again.append("g ").append(e.getKey()).append(' ').append(e.getValue()[1]).append('\n');
      }
    }
    if (again.length() > 0) {
      pipe.write(again.toString().getBytes(StandardCharsets.US_ASCII));
      pipe.flush();
    }
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  private static void requireHex(String token) {
    if (token.isEmpty() || !token.chars().allMatch(c -> hex((char) c))) {
      throw new IllegalArgumentException("a marker must be lowercase hex: [" + token + "]");
    }
  }
}

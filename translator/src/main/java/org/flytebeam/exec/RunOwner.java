package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The process that owns a run's folder or claim: the run id, the driver's pid, its host, and when
 * that process started, so that a claim or folder left by a killed run can be told from one in use
 * (a pid alone may have been reused by another process since).
 *
 * <p>Written as {@code key=value} lines:
 *
 * <pre>{@code
 * run=5f0c...
 * pid=4242
 * host=worker-1
 * process-start=1733461200123
 * }</pre>
 *
 * @param runId the run's id
 * @param pid the driver's process id
 * @param host the driver's host name
 * @param processStartMillis when the driver's process started (epoch millis), 0 when unknown
 */
public record RunOwner(String runId, long pid, String host, long processStartMillis) {
  public RunOwner {
    requireNonNull(runId, "runId");
    requireNonNull(host, "host");
  }

  /** This process as the owner of run {@code runId}. */
  public static RunOwner current(String runId) {
    ProcessHandle self = ProcessHandle.current();
    return new RunOwner(runId, self.pid(), thisHost(), startMillis(self));
  }

  /** This machine's name, as owners record it. */
  public static String thisHost() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** The owner as {@code key=value} lines. */
  public String format() {
    return "run="
        + runId
        + "\npid="
        + pid
        + "\nhost="
        + host
        + "\nprocess-start="
        + processStartMillis
        + "\n";
  }

  /** An owner from {@link #format()}'s text; empty when the text is not one (damaged, foreign). */
  public static Optional<RunOwner> parse(String text) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\n", 64)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    String run = fields.get("run");
    String host = fields.get("host");
    if (run == null || host == null || run.isEmpty() || run.length() > 200 || host.length() > 255) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(fields.getOrDefault("pid", ""));
      long start = Long.parseLong(fields.getOrDefault("process-start", "0"));
      return Optional.of(new RunOwner(run, pid, host, start));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether the owner is known to be gone: it ran on this host and its process no longer runs (no
   * process has its pid, or the one that has it started at another time). An owner on another host
   * is never known to be gone.
   */
  public boolean isGoneFromThisHost() {
    if (!host.equals(thisHost())) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    long start = startMillis(process.get());
    // A reused pid: another process started since. Start times are rounded differently by
    // different readers, hence the margin.
    return processStartMillis != 0 && start != 0 && Math.abs(start - processStartMillis) > 2_000;
  }

  /** {@code run [id] (pid 4242 on host h)}, for messages. */
  public String describe() {
    return String.format("run [%s] (pid %d on host %s)", runId, pid, host);
  }
}

package org.flytebeam.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.flytebeam.exec.process.LocalFiles;

/**
 * Fail fast across a run: counts terminal failures by index (so a re-executed element is not
 * counted twice) and says when no further element should start, because {@code size - failed} has
 * dropped below the required successes. With {@code runAllSubNodes} it never stops the run.
 *
 * <p>One instance per run per JVM, found by run id. On runners that execute in the driver's JVM
 * (the DirectRunner, Spark {@code local[N]}) every worker thread shares the driver's instance.
 *
 * <p>A run can also be aborted from outside (a workflow that fails immediately aborts the nodes
 * still running): {@link #abort} stops it in this JVM, and a stop file in the run's folder, which
 * workers in other JVMs look for every few seconds, stops it there.
 */
public final class RunControl {
  private static final Map<String, RunControl> RUNS = new ConcurrentHashMap<>();

  /** Set once by a signal: stops every run of this JVM, also those whose control comes later. */
  private static volatile boolean interrupted;

  /** Runs aborted in this JVM, also those whose control comes later. */
  private static final Set<String> ABORTED = ConcurrentHashMap.newKeySet();

  /** How often a worker looks for the stop file of its run. */
  static final long STOP_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final String stopFile;
  private volatile long nextStopCheck;
  private final long size;
  private final long required;
  private final boolean runAll;
  private final BitSet failed = new BitSet();
  private long failedCount;
  private volatile boolean stopped;

  private RunControl(long size, long required, boolean runAll, String stopFile, boolean aborted) {
    this.size = size;
    this.required = required;
    this.runAll = runAll;
    this.stopFile = stopFile;
    this.nextStopCheck = System.nanoTime();
    this.stopped = aborted;
  }

  /** The control of {@code runId} in this JVM, created on first use; no stop file. */
  public static RunControl forRun(String runId, long size, long required, boolean runAll) {
    return forRun(runId, size, required, runAll, null);
  }

  /**
   * The control of {@code runId} in this JVM, created on first use, stopping the run too once
   * {@code stopFile} (if not null) exists.
   */
  public static RunControl forRun(
      String runId, long size, long required, boolean runAll, String stopFile) {
    return RUNS.computeIfAbsent(
        runId, id -> new RunControl(size, required, runAll, stopFile, ABORTED.contains(id)));
  }

  /**
   * Aborts run {@code runId} in this JVM: no element or attempt starts any more, a running process
   * is stopped; elements not run end as aborted. Workers in other JVMs learn of it from the run's
   * stop file, which the caller writes.
   */
  public static void abort(String runId) {
    ABORTED.add(runId);
    // Under the map's lock for the key: a control being created now sees ABORTED.
    RUNS.computeIfPresent(
        runId,
        (id, control) -> {
          control.stopped = true;
          return control;
        });
  }

  /**
   * Stops every run in this JVM (Ctrl-C): no element or attempt starts any more, so the pipelines
   * finish quickly and what finished is still written.
   */
  public static void interruptAll() {
    interrupted = true;
    for (RunControl control : RUNS.values()) {
      control.stopped = true;
    }
  }

  /** Whether this JVM was interrupted (Ctrl-C, SIGTERM). */
  public static boolean interrupted() {
    return interrupted;
  }

  /**
   * Whether run {@code runId} asked every element to stop, or this JVM was interrupted; false for a
   * run this JVM does not know otherwise. For invokers that can abandon an attempt midway (a
   * process is killed).
   */
  public static boolean stopped(String runId) {
    RunControl control = RUNS.get(runId);
    return interrupted || (control != null && control.stopped());
  }

  /** Forgets a finished run. */
  public static void release(String runId) {
    RUNS.remove(runId);
    ABORTED.remove(runId);
  }

  /** Whether no further element (or attempt) should start. */
  public boolean stopped() {
    if (stopped || interrupted) {
      return true;
    }
    if (stopFile != null) {
      long now = System.nanoTime();
      if (now - nextStopCheck >= 0) {
        nextStopCheck = now + STOP_CHECK_NANOS;
        if (exists(stopFile)) {
          stopped = true;
        }
      }
    }
    return stopped;
  }

  /** Whether {@code path} exists, on any file system Beam opens; false when it cannot be told. */
  private static boolean exists(String path) {
    if (LocalFiles.isLocal(path)) {
      // Not Beam's match: for a local file that is not there, it walks the whole folder above it
      // (the run folder, every attempt's files in it), which made each check cost more the longer
      // a run of process elements went.
      try {
        return Files.exists(LocalFiles.toPath(path));
      } catch (RuntimeException e) {
        return false;
      }
    }
    try {
      MatchResult match = FileSystems.match(path, EmptyMatchTreatment.ALLOW);
      return match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
    } catch (IOException | RuntimeException e) {
      // A store that cannot be reached now is asked again at the next check.
      return false;
    }
  }

  /** Records an element's terminal status. */
  public void finished(long index, ElementStatus status) {
    // Outside the lock: most elements succeed, and the lanes would take turns for nothing.
    if (status.succeeded() || status == ElementStatus.ABORTED || index > Integer.MAX_VALUE) {
      return;
    }
    countFailure((int) index);
  }

  private synchronized void countFailure(int index) {
    if (!failed.get(index)) {
      failed.set(index);
      failedCount++;
      if (!runAll && size - failedCount < required) {
        stopped = true;
      }
    }
  }
}

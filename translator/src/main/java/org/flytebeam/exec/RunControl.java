package org.flytebeam.exec;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fail fast across a run: counts terminal failures by index (so a re-executed element is not
 * counted twice) and says when no further element should start, because {@code size - failed} has
 * dropped below the required successes. With {@code runAllSubNodes} it never stops the run.
 *
 * <p>One instance per run per JVM, found by run id. On runners that execute in the driver's JVM
 * (the DirectRunner, Spark {@code local[N]}) every worker thread shares the driver's instance.
 */
public final class RunControl {
  private static final Map<String, RunControl> RUNS = new ConcurrentHashMap<>();

  /** Set once by a signal: stops every run of this JVM, also those whose control comes later. */
  private static volatile boolean interrupted;

  private final long size;
  private final long required;
  private final boolean runAll;
  private final BitSet failed = new BitSet();
  private long failedCount;
  private volatile boolean stopped;

  private RunControl(long size, long required, boolean runAll) {
    this.size = size;
    this.required = required;
    this.runAll = runAll;
  }

  /** The control of {@code runId} in this JVM, created on first use. */
  public static RunControl forRun(String runId, long size, long required, boolean runAll) {
    return RUNS.computeIfAbsent(runId, id -> new RunControl(size, required, runAll));
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
  }

  /** Whether no further element (or attempt) should start. */
  public boolean stopped() {
    return stopped || interrupted;
  }

  /** Records an element's terminal status. */
  public synchronized void finished(long index, ElementStatus status) {
    if (status.succeeded() || status == ElementStatus.ABORTED || index > Integer.MAX_VALUE) {
      return;
    }
    if (!failed.get((int) index)) {
      failed.set((int) index);
      failedCount++;
      if (!runAll && size - failedCount < required) {
        stopped = true;
      }
    }
  }
}

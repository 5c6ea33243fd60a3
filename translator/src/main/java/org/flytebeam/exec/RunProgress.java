package org.flytebeam.exec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counts of one run in this JVM: elements started, succeeded, failed (including timed out) and
 * aborted, and how many are running now. Workers update it as each element starts and ends; the
 * driver polls it to print progress. Beam's metrics cannot serve here: on Spark they only arrive
 * when the job ends.
 *
 * <p>One instance per run per JVM, found by run id, like {@link RunControl}. On runners that execute
 * in the driver's JVM (the DirectRunner, Spark {@code local[N]}) the driver sees every element.
 */
public final class RunProgress {
  private static final Map<String, RunProgress> RUNS = new ConcurrentHashMap<>();

  private final AtomicLong started = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong running = new AtomicLong();

  /** The progress of {@code runId} in this JVM, created on first use. */
  public static RunProgress forRun(String runId) {
    return RUNS.computeIfAbsent(runId, id -> new RunProgress());
  }

  /** Forgets a finished run; holders of the instance may still read it. */
  public static void release(String runId) {
    RUNS.remove(runId);
  }

  /** An element starts running. */
  public void started() {
    started.incrementAndGet();
    running.incrementAndGet();
  }

  /** An element that {@link #started()} ended with {@code status}. */
  public void ended(ElementStatus status) {
    running.decrementAndGet();
    count(status, 1);
  }

  /** Elements that ended without running here: aborted before start, or read back from a file. */
  public void count(ElementStatus status, long n) {
    switch (status) {
      case SUCCEEDED:
        succeeded.addAndGet(n);
        break;
      case FAILED:
      case TIMED_OUT:
        failed.addAndGet(n);
        break;
      case ABORTED:
        aborted.addAndGet(n);
        break;
      default:
        throw new AssertionError(status);
    }
  }

  /** A consistent-enough view for display (each counter read once). */
  public Snapshot snapshot() {
    long r = running.get();
    return new Snapshot(started.get(), succeeded.get(), failed.get(), aborted.get(), Math.max(0, r));
  }

  /**
   * Counts at one moment.
   *
   * @param started elements that started running
   * @param succeeded elements that succeeded
   * @param failed elements that failed or timed out
   * @param aborted elements never run because the map could no longer succeed, or interrupted
   * @param running elements running now
   */
  public record Snapshot(long started, long succeeded, long failed, long aborted, long running) {
    public long done() {
      return succeeded + failed + aborted;
    }
  }
}

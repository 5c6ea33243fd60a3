package org.flytebeam.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Live counts of one run in this JVM: elements started, succeeded, failed (including timed out) and
 * aborted, and how many are running now. Workers update it as each element starts and ends; the
 * driver polls it to print progress. Beam's metrics cannot serve here: on Spark they only arrive
 * when the job ends.
 *
 * <p>One instance per run per JVM, found by run id, like {@link RunControl}. On runners that
 * execute in the driver's JVM (the DirectRunner, Spark {@code local[N]}) the driver sees every
 * element. Executors in other JVMs (a real cluster) relay their counts to the driver over HTTP,
 * once per range ({@link #flush()}), to the address the driver wrote in the run folder ({@link
 * #ENDPOINT_FILE}), with the run's secret, which travels in the run's plan, never in the folder;
 * without that file they count for themselves only.
 */
public final class RunProgress {
  /** In the run folder: the driver's progress URL, for executors in other JVMs. */
  public static final String ENDPOINT_FILE = "progress-endpoint";

  /**
   * Most remote worker JVMs whose running count is remembered: far more executors than a cluster
   * has, few enough that a client posting made-up worker ids cannot exhaust the driver's heap.
   */
  public static final int MAX_REMOTE_WORKERS = 10_000;

  private static final Map<String, RunProgress> RUNS = new ConcurrentHashMap<>();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AtomicLong started = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong running = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final AtomicLong nodesStarted = new AtomicLong();
  private final AtomicLong nodesSucceeded = new AtomicLong();
  private final AtomicLong nodesFailed = new AtomicLong();
  private final AtomicLong nodeCacheHits = new AtomicLong();

  /** When the first element started or ended here (epoch millis), 0 before. */
  private final AtomicLong firstActivity = new AtomicLong();

  /** Running elements reported by each remote worker JVM. */
  private final Map<String, Long> remoteRunning = new ConcurrentHashMap<>();

  /** Where to relay counts to (executors in other JVMs), or null. */
  private final String endpoint;

  /** The run's secret that relayed posts carry, or null. */
  private final String secret;

  private final String worker = UUID.randomUUID().toString();
  private final long[] sent = new long[5];

  private RunProgress(String endpoint, String secret) {
    this.endpoint = endpoint;
    this.secret = secret;
  }

  /** A new run secret: 32 random bytes, hex. */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    StringBuilder hex = new StringBuilder(64);
    for (byte b : bytes) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }

  /** The progress of {@code runId} in this JVM, created on first use. */
  public static RunProgress forRun(String runId) {
    return RUNS.computeIfAbsent(runId, id -> new RunProgress(null, null));
  }

  /**
   * What a worker counts into: the driver's own instance when in the driver's JVM, else one per JVM
   * that relays to the driver's endpoint named in {@code workDir}, if the driver serves one, with
   * the run's {@code secret}.
   */
  public static RunProgress forWorker(String runId, String workDir, String secret) {
    return RUNS.computeIfAbsent(runId, id -> new RunProgress(readEndpoint(workDir), secret));
  }

  /**
   * An instance that relays its counts to {@code endpoint} on {@link #flush()}, with {@code
   * secret}.
   */
  public static RunProgress relayingTo(String endpoint, String secret) {
    return new RunProgress(endpoint, secret);
  }

  private static String readEndpoint(String workDir) {
    String file = workDir.endsWith("/") ? workDir + ENDPOINT_FILE : workDir + "/" + ENDPOINT_FILE;
    try (InputStream in =
        Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(file, false)))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      // No endpoint (progress off, or an older driver): count locally only.
      return null;
    }
  }

  /**
   * Sends what changed since the last flush to the driver, when this instance relays; best effort:
   * progress is display only, so a lost report never fails an element.
   */
  public void flush() {
    if (endpoint == null || secret == null) {
      return;
    }
    String body;
    synchronized (sent) {
      long[] now = {started.get(), succeeded.get(), failed.get(), aborted.get(), cacheHits.get()};
      body =
          String.format(
              "worker=%s&started=%d&succeeded=%d&failed=%d&aborted=%d&running=%d&cached=%d",
              worker,
              now[0] - sent[0],
              now[1] - sent[1],
              now[2] - sent[2],
              now[3] - sent[3],
              Math.max(0, running.get()),
              now[4] - sent[4]);
      System.arraycopy(now, 0, sent, 0, 5);
    }
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(endpoint).openConnection();
      c.setConnectTimeout(2_000);
      c.setReadTimeout(2_000);
      c.setDoOutput(true);
      c.setRequestMethod("POST");
      c.setRequestProperty("Authorization", "Bearer " + secret);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
      c.getResponseCode();
      c.disconnect();
    } catch (IOException | RuntimeException e) {
      // Best effort, see above.
    }
  }

  /**
   * Counts relayed by a worker in another JVM: deltas, how many it is running now, and the cache
   * hits among the successes (a delta too). A worker not seen before is refused (false, nothing
   * added) once {@link #MAX_REMOTE_WORKERS} are remembered.
   */
  public boolean addRemote(
      String worker,
      long started,
      long succeeded,
      long failed,
      long aborted,
      long running,
      long cacheHits) {
    synchronized (remoteRunning) {
      if (!remoteRunning.containsKey(worker) && remoteRunning.size() >= MAX_REMOTE_WORKERS) {
        return false;
      }
      remoteRunning.put(worker, running);
    }
    active();
    this.cacheHits.addAndGet(cacheHits);
    this.started.addAndGet(started);
    this.succeeded.addAndGet(succeeded);
    this.failed.addAndGet(failed);
    this.aborted.addAndGet(aborted);
    return true;
  }

  /** How many remote workers are remembered. */
  public int remoteWorkers() {
    return remoteRunning.size();
  }

  /** Forgets a finished run; holders of the instance may still read it. */
  public static void release(String runId) {
    RUNS.remove(runId);
  }

  /** When the first element started or ended (epoch millis), or 0 while none did. */
  public long firstActivityMillis() {
    return firstActivity.get();
  }

  private void active() {
    if (firstActivity.get() == 0) {
      firstActivity.compareAndSet(0, System.currentTimeMillis());
    }
  }

  /** An element starts running. */
  public void started() {
    active();
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
    active();
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

  /** Successes whose outputs came from the element cache (counted as succeeded too). */
  public void cacheHits(long n) {
    cacheHits.addAndGet(n);
  }

  /**
   * The node executions inside an element that ran a whole workflow, counted when it ends. Kept in
   * this JVM only (not relayed from executors in other JVMs): on a cluster the map's verdict counts
   * them from the elements' outcomes.
   */
  public void nodes(NodeCounts counts) {
    if (!counts.isEmpty()) {
      nodesStarted.addAndGet(counts.started());
      nodesSucceeded.addAndGet(counts.succeeded());
      nodesFailed.addAndGet(counts.failed());
      nodeCacheHits.addAndGet(counts.cacheHits());
    }
  }

  /** The node executions inside the elements that ended in this JVM so far. */
  public NodeCounts nodes() {
    return new NodeCounts(
        nodesStarted.get(), nodesSucceeded.get(), nodesFailed.get(), nodeCacheHits.get());
  }

  /** The cache hits so far. */
  public long cacheHits() {
    return cacheHits.get();
  }

  /** A consistent-enough view for display (each counter read once). */
  public Snapshot snapshot() {
    long r = running.get();
    for (long remote : remoteRunning.values()) {
      r += remote;
    }
    return new Snapshot(
        started.get(), succeeded.get(), failed.get(), aborted.get(), Math.max(0, r));
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

package org.flytebeam.runner;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.exec.RunProgress;

/**
 * Prints a run's progress from a driver thread: on a terminal, one line rewritten in place
 * (carriage return); otherwise a log line when something changed. Before the elements run it names
 * the phase (starting the runner, indexing inputs), while they run the counts, with a rate and an
 * ETA from element completions only (over the last {@link #RATE_WINDOW_MILLIS}, so neither the
 * runner's start-up nor a slow first minute skews them), after them the writing of the outputs.
 * Nothing is printed before the first interval has passed, so a short run prints nothing; a line is
 * never repeated as it was (a log line only when the counts or the phase changed, or a heartbeat
 * saying how long nothing changed).
 *
 * <p>Reads the run's {@link RunProgress} in this JVM, which sees every element on the DirectRunner
 * and Spark {@code local[N]}; executors on a cluster relay their counts to it.
 */
final class ProgressPrinter implements RunObserver, AutoCloseable {
  /** The window of the rate: recent completions, not the average since the start. */
  static final long RATE_WINDOW_MILLIS = 20_000;

  /** Without a change, a log line again after this long, saying so. */
  static final long HEARTBEAT_MILLIS = 60_000;

  private static final String RUNNING = "running";

  private final PrintWriter err;
  private final boolean terminal;
  private final long intervalMillis;
  private final LongSupplier clock;
  private volatile RunProgress progress;
  private volatile long total;
  private volatile String phase;

  /** Shown while the run waits for its first element: the start-up phase it is in. */
  private String waiting = "";

  private long printerStart;

  /** When the current phase began: a phase is shown only once it has lasted an interval. */
  private long phaseStart;

  private Thread thread;
  private final boolean serveRemote;
  private ProgressServer server;
  private int lastWidth;
  private boolean printed;
  private boolean lineOpen;
  private String lastKey = "";
  private long lastPrintedAt;
  private long firstActivity = -1;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();

  ProgressPrinter(PrintWriter err, boolean terminal, Duration interval) {
    this(err, terminal, interval, false, System::currentTimeMillis);
  }

  /**
   * @param serveRemote whether executors run in other JVMs (a cluster): then serve an endpoint they
   *     relay their counts to, named in the run folder
   */
  ProgressPrinter(
      PrintWriter err,
      boolean terminal,
      Duration interval,
      boolean serveRemote,
      LongSupplier clock) {
    this.err = err;
    this.serveRemote = serveRemote;
    this.terminal = terminal;
    this.intervalMillis = Math.max(10, interval.toMillis());
    this.clock = clock;
  }

  /**
   * The run entered a phase before or after its elements run, e.g. {@code starting the
   * SparkRunner}; shown only if it lasts past the first interval.
   */
  @Override
  public synchronized void phase(String description) {
    if (RUNNING.equals(phase)) {
      finishCounts();
    }
    phase = description;
    phaseStart = clock.getAsLong();
    startThread();
  }

  @Override
  public synchronized void started(MapRunPlan plan) {
    if (plan.size() == 0) {
      return;
    }
    // Created here, before any worker, so the workers in this JVM update this very instance.
    progress = RunProgress.forRun(plan.runId());
    total = plan.size();
    waiting = phase != null && phase.startsWith("starting") ? phase : "starting the elements";
    phase = RUNNING;
    if (serveRemote) {
      try {
        server =
            ProgressServer.start(
                ProgressServer.driverHost(), progress, plan.progressSecret(), plan.size());
        org.flytebeam.beam.MapRunPlan.writeBytes(
            plan.workDir() + "/" + RunProgress.ENDPOINT_FILE,
            server.url().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (java.io.IOException | RuntimeException e) {
        // Progress is display only: without the endpoint the driver counts its own JVM's elements.
        err.println("warning: no progress from executors: " + FlyteBeam.rootMessage(e));
      }
    }
    startThread();
  }

  private void startThread() {
    if (thread != null) {
      return;
    }
    printerStart = clock.getAsLong();
    thread = new Thread(this::loop, "flyte-beam-progress");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(intervalMillis);
        tick();
      }
    } catch (InterruptedException e) {
      // close(): the final line is printed there.
    }
  }

  /**
   * Stops the thread and, if anything was printed, prints the last counts (ending the terminal
   * line); a run that ended before the first interval prints nothing.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
      thread = null;
      if (server != null) {
        server.close();
        server = null;
      }
    }
    if (t == null) {
      return;
    }
    t.interrupt();
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (RUNNING.equals(phase)) {
        finishCounts();
      }
      if (lineOpen) {
        err.print("\n");
        lineOpen = false;
      }
      err.flush();
    }
  }

  /** The final counts, once, when progress was shown and they are not the last line already. */
  private void finishCounts() {
    RunProgress p = progress;
    if (!printed || p == null) {
      return;
    }
    RunProgress.Snapshot snapshot = p.snapshot();
    String key = snapshot + " " + p.cacheHits();
    if (!terminal && key.equals(lastKey)) {
      return;
    }
    emit(key, countsLine(snapshot, p, clock.getAsLong()));
  }

  private synchronized void tick() {
    long now = clock.getAsLong();
    if (phase == null || now - printerStart < intervalMillis) {
      return;
    }
    RunProgress p = progress;
    if (!RUNNING.equals(phase) || p == null) {
      String key = "phase " + phase;
      // Not a phase that began since the last tick: writing the outputs of a small map takes
      // milliseconds, and would otherwise be shown after the final counts now and then.
      if (!key.equals(lastKey) && now - phaseStart >= intervalMillis) {
        emit(key, "progress: " + phase);
      }
      return;
    }
    RunProgress.Snapshot snapshot = p.snapshot();
    if (snapshot.started() == 0 && snapshot.done() == 0) {
      String key = "waiting";
      if (!key.equals(lastKey)) {
        emit(key, "progress: " + waiting + ", " + total + " elements to run");
      }
      return;
    }
    String key = snapshot + " " + p.cacheHits();
    String line = countsLine(snapshot, p, now);
    if (terminal || !key.equals(lastKey)) {
      emit(key, line);
    } else if (now - lastPrintedAt >= HEARTBEAT_MILLIS) {
      // Alive, though nothing ended: say for how long, so the line is not the same again.
      emit(key, line + ", no change for " + formatSeconds((now - lastPrintedAt) / 1000.0));
      lastPrintedAt = now;
    }
  }

  /** The counts, with a rate and an ETA from the completions of the last rate window. */
  private String countsLine(RunProgress.Snapshot snapshot, RunProgress p, long now) {
    long done = Math.min(total, snapshot.done());
    if (firstActivity < 0 && (snapshot.started() > 0 || done > 0)) {
      firstActivity = Math.min(now, Math.max(printerStart, p.firstActivityMillis()));
      samples.addLast(new long[] {firstActivity, 0});
    }
    if (firstActivity < 0) {
      return line(snapshot, p.cacheHits(), total, 0, 0);
    }
    samples.addLast(new long[] {now, done});
    while (samples.size() > 2 && samples.peekFirst()[0] < now - RATE_WINDOW_MILLIS) {
      samples.removeFirst();
    }
    long[] oldest = samples.peekFirst();
    double rate = now > oldest[0] ? (done - oldest[1]) * 1000.0 / (now - oldest[0]) : 0;
    return line(snapshot, p.cacheHits(), total, now - firstActivity, rate);
  }

  private void emit(String key, String line) {
    printed = true;
    lastKey = key;
    lastPrintedAt = clock.getAsLong();
    if (terminal) {
      String padded = line + " ".repeat(Math.max(0, lastWidth - line.length()));
      lastWidth = line.length();
      err.print("\r" + padded);
      lineOpen = true;
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** {@code progress: 1200/10000 done (1190 succeeded, 10 failed, 2 running), 600/s, ETA 15s}. */
  static String line(RunProgress.Snapshot s, long total, long elapsedMillis) {
    return line(s, 0, total, elapsedMillis);
  }

  /** As below, the rate being the average since the first element started. */
  static String line(RunProgress.Snapshot s, long cacheHits, long total, long elapsedMillis) {
    long done = Math.min(total, s.done());
    return line(
        s, cacheHits, total, elapsedMillis, elapsedMillis > 0 ? done * 1000.0 / elapsedMillis : 0);
  }

  /**
   * The counts, naming the cache hits among the successes when there are some ({@code 1190
   * succeeded (700 from cache)}); a rate and an ETA once an element ended, {@code took} at the end.
   *
   * @param elapsedMillis since the first element started
   * @param rate elements ending per second, recently
   */
  static String line(
      RunProgress.Snapshot s, long cacheHits, long total, long elapsedMillis, double rate) {
    long done = Math.min(total, s.done());
    StringBuilder b = new StringBuilder("progress: ");
    b.append(done).append('/').append(total).append(" done (");
    b.append(s.succeeded()).append(" succeeded");
    if (cacheHits > 0) {
      b.append(" (").append(cacheHits).append(" from cache)");
    }
    b.append(", ").append(s.failed()).append(" failed, ");
    if (s.aborted() > 0) {
      b.append(s.aborted()).append(" aborted, ");
    }
    b.append(s.running()).append(" running)");
    if (done >= total) {
      double average = elapsedMillis > 0 ? done * 1000.0 / elapsedMillis : 0;
      b.append(", ").append(formatRate(average)).append("/s");
      b.append(", took ").append(formatSeconds(elapsedMillis / 1000.0));
    } else if (done > 0 && rate > 0) {
      b.append(", ").append(formatRate(rate)).append("/s");
      b.append(", ETA ").append(formatSeconds((total - done) / rate));
    }
    return b.toString();
  }

  private static String formatRate(double rate) {
    return rate >= 10 ? String.valueOf(Math.round(rate)) : String.format(Locale.ROOT, "%.1f", rate);
  }

  static String formatSeconds(double seconds) {
    long s = (long) Math.ceil(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
    }
    return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
  }
}

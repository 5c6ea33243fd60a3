package org.flytebeam.runner;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.exec.RunProgress;

/**
 * Prints a run's progress from a driver thread: on a terminal, one line rewritten in place
 * (carriage return); otherwise a log line per interval. Reads the run's {@link RunProgress} in this
 * JVM, which sees every element on the DirectRunner and Spark {@code local[N]}.
 */
final class ProgressPrinter implements RunObserver, AutoCloseable {
  private final PrintWriter err;
  private final boolean terminal;
  private final long intervalMillis;
  private final LongSupplier clock;
  private volatile RunProgress progress;
  private volatile long total;
  private volatile long startMillis;
  private Thread thread;
  private final boolean serveRemote;
  private ProgressServer server;
  private int lastWidth;
  private boolean printed;

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

  @Override
  public synchronized void started(MapRunPlan plan) {
    if (plan.size() == 0) {
      return;
    }
    // Created here, before any worker, so the workers in this JVM update this very instance.
    progress = RunProgress.forRun(plan.runId());
    total = plan.size();
    startMillis = clock.getAsLong();
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
    thread = new Thread(this::loop, "flyte-beam-progress");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(intervalMillis);
        print(false);
      }
    } catch (InterruptedException e) {
      // close(): the final line is printed there.
    }
  }

  /**
   * Stops the thread and prints the last counts (ending the terminal line), unless the run ended
   * before the first interval: a short run prints nothing.
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
      if (printed) {
        print(true);
      }
    }
  }

  /** The counts of the last line printed (not its rate or time, which change with the clock). */
  private String lastCounts = "";

  private synchronized void print(boolean last) {
    RunProgress p = progress;
    if (p == null) {
      return;
    }
    printed = true;
    RunProgress.Snapshot snapshot = p.snapshot();
    String counts = snapshot + " " + p.cacheHits();
    if (!terminal && last && counts.equals(lastCounts)) {
      return; // the loop already printed these final counts
    }
    lastCounts = counts;
    String line = line(snapshot, p.cacheHits(), total, clock.getAsLong() - startMillis);
    if (terminal) {
      String padded = line + " ".repeat(Math.max(0, lastWidth - line.length()));
      lastWidth = line.length();
      err.print("\r" + padded + (last ? "\n" : ""));
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** {@code progress: 1200/10000 done (1190 succeeded, 10 failed, 2 running), 600/s, ETA 15s}. */
  static String line(RunProgress.Snapshot s, long total, long elapsedMillis) {
    return line(s, 0, total, elapsedMillis);
  }

  /**
   * As above, naming the cache hits among the successes when there are some: {@code (1190 succeeded
   * (700 from cache), 10 failed, ...}.
   */
  static String line(RunProgress.Snapshot s, long cacheHits, long total, long elapsedMillis) {
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
    double rate = elapsedMillis > 0 ? done * 1000.0 / elapsedMillis : 0;
    b.append(", ").append(formatRate(rate)).append("/s");
    if (done >= total) {
      b.append(", took ").append(formatSeconds(elapsedMillis / 1000.0));
    } else if (rate > 0) {
      b.append(", ETA ").append(formatSeconds((total - done) / rate));
    } else {
      b.append(", ETA ?");
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

package org.flytebeam.runner;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.exec.NodeCounts;
import org.flytebeam.exec.RunProgress;

/**
 * A workflow run's warnings, once before its first node (also when quiet), and its progress on
 * stderr, one line per event: each node as it starts and ends (a map with its verdict), and every
 * interval the counts of each map still running, when they changed. Counts come from the maps'
 * {@link RunProgress} in this JVM: every element on the DirectRunner and Spark {@code local[N]}; on
 * a cluster, the nodes' starts and ends. For a map over launch plans or sub-workflows, also the
 * node executions inside the elements that ended in this JVM; on a cluster they are in the node's
 * end line, from the elements' outcomes.
 */
final class WorkflowProgress implements WorkflowObserver, AutoCloseable {
  private static final String PREFIX = "progress: ";

  /** A map still running: its counts, its size, when it started, what was last printed. */
  private static final class Running {
    final RunProgress progress;
    final long total;
    final long startedAt;
    String last = "";

    Running(RunProgress progress, long total, long startedAt) {
      this.progress = progress;
      this.total = total;
      this.startedAt = startedAt;
    }
  }

  private final PrintWriter err;
  private final long intervalMillis;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Thread thread;
  private final boolean quiet;

  /** {@code quiet}: the warnings only. */
  WorkflowProgress(PrintWriter err, Duration interval, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
    this.intervalMillis = Math.max(10, interval.toMillis());
    this.thread = new Thread(this::loop, "flyte-beam-workflow-progress");
    thread.setDaemon(true);
    if (!quiet) {
      thread.start();
    }
  }

  @Override
  public void warnings(List<String> warnings) {
    warnings.forEach(w -> say("warning: " + w));
  }

  @Override
  public void nodeStarted(String path) {
    if (!quiet) {
      say("node [" + path + "] started");
    }
  }

  @Override
  public void mapStarted(String path, MapRunPlan plan) {
    if (!quiet && plan.size() > 0) {
      // Made here, before any worker, so the workers in this JVM count into this very instance.
      running.put(
          path,
          new Running(RunProgress.forRun(plan.runId()), plan.size(), System.currentTimeMillis()));
    }
  }

  @Override
  public void nodeEnded(WorkflowResult.NodeOutcome outcome) {
    running.remove(outcome.path());
    if (quiet) {
      return;
    }
    String took =
        String.format(
            Locale.ROOT,
            "%.1fs",
            Duration.between(outcome.started(), outcome.ended()).toMillis() / 1000.0);
    String elements = outcome.elements().map(v -> ": " + v.summary()).orElse("");
    switch (outcome.status()) {
      case SUCCEEDED -> say("node [" + outcome.path() + "] succeeded in " + took + elements);
      case FAILED -> say("node [" + outcome.path() + "] failed after " + took + elements);
      case ABORTED -> say("node [" + outcome.path() + "] aborted after " + took + elements);
      case SKIPPED ->
          say("node [" + outcome.path() + "] skipped: an upstream node did not succeed");
    }
  }

  @Override
  public void sparkStarted(String master, String applicationId, Optional<String> uiUrl) {
    if (quiet) {
      return;
    }
    say(
        "spark: application "
            + applicationId
            + " on "
            + master
            + uiUrl.map(url -> ", UI at " + url).orElse(" (the Spark UI is off)"));
  }

  private synchronized void say(String line) {
    err.println(line);
    err.flush();
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(intervalMillis);
        tick();
      }
    } catch (InterruptedException e) {
      // close()
    }
  }

  private void tick() {
    long now = System.currentTimeMillis();
    running.forEach(
        (path, r) -> {
          RunProgress.Snapshot s = r.progress.snapshot();
          if (s.started() == 0 && s.done() == 0) {
            return;
          }
          String line = ProgressPrinter.line(s, r.progress.cacheHits(), r.total, now - r.startedAt);
          NodeCounts nodes = r.progress.nodes();
          String counts =
              (line.startsWith(PREFIX) ? line.substring(PREFIX.length()) : line)
                  + (nodes.isEmpty() ? "" : "; " + nodes.summary());
          String key = s + " " + r.progress.cacheHits() + " " + nodes;
          if (!key.equals(r.last)) {
            r.last = key;
            say(PREFIX + "node [" + path + "] " + counts);
          }
        });
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

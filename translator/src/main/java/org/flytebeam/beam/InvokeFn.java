package org.flytebeam.beam;

import flyteidl.core.Literals.Literal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.beam.sdk.transforms.DoFn;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.cache.ElementCache;
import org.flytebeam.exec.ElementInvoker;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementRunner;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.InvalidElementException;
import org.flytebeam.exec.Invokers;
import org.flytebeam.exec.MapInputs;
import org.flytebeam.exec.NodeCounts;
import org.flytebeam.exec.OutputShards;
import org.flytebeam.exec.RangeResults;
import org.flytebeam.exec.RunControl;
import org.flytebeam.exec.RunProgress;
import org.flytebeam.spec.SubTask;

/**
 * Runs a lane: each of its ranges, element by element, each element its own invocation with its own
 * retries, timeout and outcome; with {@link MapRunPlan#sharedRanges()}, then ranges of other lanes
 * that no lane has started (see {@link SharedRanges}), still emitting only its own. Failures are
 * data: every outcome goes to the range's result file and into the summary this emits. A range
 * whose result file already exists (Spark re-running a task after a lost executor) is read back,
 * not run again. A cacheable sub-task's elements go through the element cache: looked up first,
 * stored as soon as they succeed.
 */
final class InvokeFn extends DoFn<Shard, RangeSummary> {
  private static final long serialVersionUID = 1L;

  private final MapRunPlan plan;
  private transient ElementInvoker invoker;
  private transient ElementRunner runner;
  private transient RunControl control;
  private transient MapInputs inputs;
  private transient RunProgress progress;
  private transient ElementCache cache;
  private transient List<String> outputNames;

  /**
   * Names this transform's shared ranges in the JVM: made with the transform, so that the same plan
   * in another pipeline (run again after a failure) shares a fresh set.
   */
  private final String lanes = java.util.UUID.randomUUID().toString();

  InvokeFn(MapRunPlan plan) {
    this.plan = plan;
  }

  @Setup
  public void setup() {
    SubTask subTask = plan.spec().subTask();
    inputs = plan.inputs();
    control =
        RunControl.forRun(
            plan.runId(),
            plan.size(),
            plan.required(),
            plan.spec().runAllSubNodes(),
            plan.stopFile());
    progress = RunProgress.forWorker(plan.runId(), plan.workDir(), plan.progressSecret());
    invoker = Invokers.create(plan.invokerContext(), plan.cache());
    runner = new ElementRunner(invoker, subTask.retries(), subTask.timeout(), control);
    cache = ElementCache.open(plan.cache(), subTask);
    outputNames = plan.outputNames();
  }

  @ProcessElement
  public void processElement(@Element Shard shard, OutputReceiver<RangeSummary> out) {
    if (!plan.sharedRanges()) {
      for (IndexRange range : shard.ranges()) {
        out.output(runRange(range));
      }
      return;
    }
    SharedRanges shared = SharedRanges.of(lanes, plan.shards());
    try {
      SharedRanges.Claim claim;
      while ((claim = shared.next(shard)) != null) {
        if (claim.forOwner() == null) {
          out.output(runRange(claim.range()));
          continue;
        }
        try {
          claim.forOwner().complete(runRange(claim.range()));
        } catch (RuntimeException | Error e) {
          claim.forOwner().completeExceptionally(e);
          throw e;
        }
      }
      for (CompletableFuture<RangeSummary> ranByOther : shared.takenFrom(shard)) {
        out.output(ranByOther.join());
      }
      shared.finished(shard);
    } catch (CompletionException e) {
      shared.abandon();
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime ? runtime : e;
    } catch (RuntimeException | Error e) {
      shared.abandon();
      throw e;
    }
  }

  private RangeSummary runRange(IndexRange range) {
    Optional<List<ElementOutcome>> done =
        RangeResults.read(plan.resultsDir(), range.start(), range.end());
    List<ElementOutcome> outcomes;
    long executed = 0;
    if (done.isPresent()) {
      outcomes = done.get();
      outcomes.forEach(o -> progress.count(o.status(), 1));
      progress.cacheHits(outcomes.stream().filter(ElementOutcome::cacheHit).count());
      outcomes.forEach(o -> progress.nodes(o.nodes()));
    } else {
      outcomes = new ArrayList<>((int) range.length());
      // One reader per range: inputs given by reference are read sequentially, not per element.
      try (MapInputs.Elements elements = inputs.read(range.start(), range.end())) {
        for (long i = range.start(); i < range.end(); i++) {
          ElementOutcome outcome = control.stopped() ? skipped(i) : next(i, elements);
          control.finished(i, outcome.status());
          executed += outcome.attempts();
          outcomes.add(outcome);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the inputs of elements [" + range.start() + ", " + range.end() + ")", e);
      }
      RangeResults.write(plan.resultsDir(), range.start(), range.end(), outcomes);
    }
    // Also for a range read back: its earlier run may have ended before its shard was renamed in.
    if (plan.outputsDir().isPresent()) {
      OutputShards.write(
          plan.outputsDir().get(), plan.runId(), range.start(), range.end(), outputNames, outcomes);
    }
    progress.flush();
    return summarize(range, outcomes, executed, cache.takeProblems());
  }

  private ElementOutcome skipped(long i) {
    progress.count(ElementStatus.ABORTED, 1);
    return ElementOutcome.aborted(i);
  }

  /** Runs element {@code i}; an item that cannot be read fails the element, not the range. */
  private ElementOutcome next(long i, MapInputs.Elements elements) throws IOException {
    Map<String, Literal> values;
    try {
      values = elements.next();
    } catch (InvalidElementException e) {
      progress.count(ElementStatus.FAILED, 1);
      return new ElementOutcome(
          i, ElementStatus.FAILED, 0, System.currentTimeMillis(), 0, e.getMessage(), List.of());
    }
    return runTracked(i, values);
  }

  private ElementOutcome runTracked(long i, Map<String, Literal> values) {
    progress.started();
    ElementStatus status = ElementStatus.ABORTED;
    try {
      ElementOutcome outcome = cache.run(i, values, runner);
      status = outcome.status();
      if (outcome.cacheHit()) {
        progress.cacheHits(1);
      }
      progress.nodes(outcome.nodes());
      return outcome;
    } finally {
      progress.ended(status);
    }
  }

  /**
   * The range's counts; {@code cacheProblems}: the entries its elements could not read or write.
   */
  static RangeSummary summarize(
      IndexRange range, List<ElementOutcome> outcomes, long executed, CacheCounts cacheProblems) {
    long succeeded = 0;
    long failed = 0;
    long timedOut = 0;
    long aborted = 0;
    long cacheHits = 0;
    NodeCounts nodes = NodeCounts.none();
    ErrorGroups errors = new ErrorGroups();
    for (ElementOutcome o : outcomes) {
      nodes = nodes.plus(o.nodes());
      switch (o.status()) {
        case SUCCEEDED:
          succeeded++;
          cacheHits += o.cacheHit() ? 1 : 0;
          continue;
        case FAILED:
          failed++;
          break;
        case TIMED_OUT:
          timedOut++;
          break;
        case ABORTED:
          aborted++;
          break;
        default:
          throw new AssertionError(o.status());
      }
      errors.add(o.index(), o.error(), o.stackTrace());
    }
    return new RangeSummary(
        range,
        succeeded,
        failed,
        timedOut,
        aborted,
        executed,
        errors,
        cacheProblems.withHits(cacheHits),
        nodes);
  }

  @Teardown
  public void teardown() {
    if (invoker != null) {
      invoker.close();
    }
  }
}

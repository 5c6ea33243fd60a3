package org.flytebeam.runner;

import java.util.Optional;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Runs the pipelines of one run (the index pass of reference inputs, then the map) on its runner.
 * On Spark they share one context, opened by the first and stopped on {@link #close} if this run
 * made it.
 */
final class PipelineRuns implements AutoCloseable {
  private final PipelineOptions pipelineOptions;
  private final RunOptions options;
  private final RunObserver observer;
  private SparkContexts.Opened spark;

  PipelineRuns(PipelineOptions pipelineOptions, RunOptions options, RunObserver observer) {
    this.pipelineOptions = pipelineOptions;
    this.options = options;
    this.observer = observer;
  }

  /** A new pipeline with the run's options. */
  Pipeline create() {
    return Pipeline.create(pipelineOptions);
  }

  /**
   * Runs {@code pipeline} to its end.
   *
   * @throws InfrastructureException when the runner fails or the pipeline does not finish
   */
  void run(Pipeline pipeline) {
    PipelineResult.State state;
    try {
      openSpark();
      state = pipeline.run().waitUntilFinish();
    } catch (RuntimeException e) {
      throw new InfrastructureException(
          "the " + options.runner() + " failed: " + FlyteBeam.rootMessage(e), e);
    }
    if (state != PipelineResult.State.DONE) {
      throw new InfrastructureException(
          "the " + options.runner() + " ended in state " + state + " before the map finished",
          null);
    }
  }

  /** Opens the run's one Spark context, once, whichever of a workflow's nodes comes first. */
  private synchronized void openSpark() {
    if (options.runner() == RunnerKind.SparkRunner && spark == null) {
      SparkContextOptions sparkOptions = pipelineOptions.as(SparkContextOptions.class);
      spark = SparkContexts.open(sparkOptions, sparkOptions.getFilesToStage(), options.sparkConf());
      org.apache.spark.SparkContext context = spark.context().sc();
      observer.sparkStarted(
          context.master(),
          context.applicationId(),
          Optional.ofNullable(context.uiWebUrl().getOrElse(() -> null)));
      sparkOptions.setUsesProvidedSparkContext(true);
      sparkOptions.setProvidedSparkContext(spark.context());
    }
  }

  @Override
  public synchronized void close() {
    if (spark != null) {
      spark.close();
      spark = null;
    }
  }
}

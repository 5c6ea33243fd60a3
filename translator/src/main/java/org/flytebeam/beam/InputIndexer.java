package org.flytebeam.beam;

/**
 * Runs the index pass of a map whose mapped inputs are given by reference ({@link IndexInputs}): in
 * a pipeline of its own on the run's runner, so the workers count the files in parallel, or in this
 * JVM ({@link #inProcess()}). Called by {@link MapRunPlan#prepare} only when some input is a
 * reference.
 */
@FunctionalInterface
public interface InputIndexer {

  /** Runs {@code pass} to its end; its results are in the run folder afterwards. */
  void run(IndexInputs pass);

  /** Runs the pass's tasks one after the other in this JVM, without a pipeline. */
  static InputIndexer inProcess() {
    return IndexInputs::runHere;
  }
}

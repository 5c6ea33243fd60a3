package org.flytebeam.beam;

import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PDone;
import org.flytebeam.exec.IndexTask;

/**
 * The index pass as a Beam transform: the pieces of the reference inputs (byte chunks of JSON Lines
 * files, whole offloaded literals) spread over the workers, each counted by one task that writes
 * its counts and checkpoints to the run folder. Its collection holds only the few tasks, never the
 * items. Run it in a pipeline of its own before the map's:
 *
 * <pre>{@code
 * Pipeline pass = Pipeline.create(options);
 * pass.apply("IndexInputs", indexInputs);
 * pass.run().waitUntilFinish();
 * }</pre>
 */
public final class IndexInputs extends PTransform<PBegin, PDone> {
  private static final long serialVersionUID = 1L;

  private final List<IndexTask> tasks;

  IndexInputs(List<IndexTask> tasks) {
    this.tasks = List.copyOf(tasks);
  }

  /** The pieces to count. */
  public List<IndexTask> tasks() {
    return tasks;
  }

  /** Runs every task in this JVM, one after the other. */
  public void runHere() {
    tasks.forEach(IndexTask::run);
  }

  @Override
  public PDone expand(PBegin begin) {
    begin
        .apply(
            "CreateIndexTasks", Create.of(tasks).withCoder(SerializableCoder.of(IndexTask.class)))
        .apply("SpreadIndexTasks", Reshuffle.viaRandomKey())
        .apply("CountLines", ParDo.of(new IndexFn()));
    return PDone.in(begin.getPipeline());
  }

  /** Runs one task of the pass. */
  static final class IndexFn extends DoFn<IndexTask, Void> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void processElement(@Element IndexTask task) {
      task.run();
    }
  }
}

package org.flytebeam.beam;

import static java.util.Objects.requireNonNull;

import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * A map task as a Beam transform: lanes of index ranges, one sub-task invocation per element in a
 * {@code ParDo}, outcomes written per range, and a combine step that enforces the success criteria.
 * Embed it in a pipeline of your own:
 *
 * <pre>{@code
 * MapRunPlan plan = MapRunPlan.prepare(spec, inputs, "/tmp/run-1", "run-1");
 * PCollection<MapVerdict> verdict = pipeline.apply(MapTaskTransform.of(plan));
 * pipeline.run().waitUntilFinish();
 * MapResult result = MapResult.read(plan);
 * }</pre>
 */
public final class MapTaskTransform extends PTransform<PBegin, PCollection<MapVerdict>> {
  private static final long serialVersionUID = 1L;

  private final MapRunPlan plan;

  private MapTaskTransform(MapRunPlan plan) {
    this.plan = requireNonNull(plan, "plan");
  }

  public static MapTaskTransform of(MapRunPlan plan) {
    return new MapTaskTransform(plan);
  }

  @Override
  public PCollection<MapVerdict> expand(PBegin begin) {
    String task = plan.spec().subTask().id().name();
    PCollection<Shard> shards =
        begin.apply(
            "CreateShards", Create.of(plan.shards()).withCoder(SerializableCoder.of(Shard.class)));
    if (plan.shards().size() > 1) {
      // Spreads the lanes over the workers; they are few, so the shuffle is cheap. One lane (a
      // task node, a small map) has nothing to spread.
      shards = shards.apply("SpreadShards", Reshuffle.viaRandomKey());
    }
    Combine.Globally<RangeSummary, MapVerdict> count =
        Combine.globally(new CountOutcomesFn(plan.size(), plan.required()));
    if (!plan.shards().isEmpty()) {
      // Every range's summary reaches the combine, so it always has an input to count: no empty
      // default, which Beam makes with a side input of the result and another Create (about a
      // dozen more steps for the runner to plan and wait on). An empty map keeps the default.
      count = count.withoutDefaults();
    }
    return shards
        .apply("Invoke[" + task + "]", ParDo.of(new InvokeFn(plan)))
        .setCoder(RangeSummaryCoder.of())
        .apply("CountOutcomes", count)
        .setCoder(SerializableCoder.of(MapVerdict.class))
        .apply("EnforceSuccessCriteria", ParDo.of(new WriteVerdictFn(plan.verdictFile())))
        .setCoder(SerializableCoder.of(MapVerdict.class));
  }
}

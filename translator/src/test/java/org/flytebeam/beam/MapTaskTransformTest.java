package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auto.service.AutoService;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map as a transform inside a pipeline of one's own, on the DirectRunner. A whole plan run
 * again (thousands of elements, twice) is {@link MapTaskTransformRerunIT}.
 */
class MapTaskTransformTest {
  static final AtomicInteger CALLS = new AtomicInteger();

  public record In(long x) {}

  public record Out(long o0) {}

  /** Counts its invocations; fails non-recoverably on 13. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Triple extends JavaTask<In, Out> {
    private static final long serialVersionUID = 1L;

    public Triple() {
      super("transform_test_triple", In.class, Out.class);
    }

    @Override
    public Out run(In input, TaskContext context) {
      CALLS.incrementAndGet();
      if (input.x() == 13) {
        throw new IllegalArgumentException("unlucky");
      }
      return new Out(3 * input.x());
    }
  }

  public record Pair(long doubled, String text) {}

  /** Two outputs; fails non-recoverably on 7. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Describe extends JavaTask<In, Pair> {
    private static final long serialVersionUID = 1L;

    public Describe() {
      super("transform_test_describe", In.class, Pair.class);
    }

    @Override
    public Pair run(In input, TaskContext context) {
      if (input.x() == 7) {
        throw new IllegalArgumentException("seven");
      }
      return new Pair(2 * input.x(), "x=" + input.x());
    }
  }

  @TempDir Path dir;

  @BeforeEach
  void reset() {
    CALLS.set(0);
  }

  static PipelineOptions direct() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(DirectRunner.class);
    return options;
  }

  private MapRunPlan plan(MapTaskSpec spec, int n) {
    return plan(dir, spec, n);
  }

  /** A plan over {@code x = 0 .. n-1}, its run folder in {@code dir}. */
  static MapRunPlan plan(Path dir, MapTaskSpec spec, int n) {
    List<Literal> xs = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      xs.add(Literals.of(i));
    }
    LiteralMap inputs = LiteralMap.newBuilder().putLiterals("x", Literals.collection(xs)).build();
    String runId = UUID.randomUUID().toString();
    return MapRunPlan.prepare(spec, inputs, dir.resolve(runId).toString(), runId);
  }

  @Test
  void shouldComposeWithTheUsersOwnTransforms() {
    MapRunPlan plan = plan(MapTask.of(new Triple()).minSuccessRatio(0.9f).build(), 100);
    Pipeline pipeline = Pipeline.create(direct());

    PCollection<String> summary = summary(pipeline, "MyMap", plan);
    PAssert.thatSingleton(summary)
        .isEqualTo("map succeeded: 99 of 100 elements succeeded (90 required)");
    pipeline.run().waitUntilFinish();

    MapResult result = MapResult.read(plan);
    List<Literal> o0 =
        result.nodeOutputs().getLiteralsMap().get("o0").getCollection().getLiteralsList();
    assertThat(o0).hasSize(100);
    assertThat(o0.get(13)).isEqualTo(Literals.none());
    assertThat(o0.get(14)).isEqualTo(Literals.of(42L));
    assertThat(result.verdict().errors().format())
        .isEqualTo("[13]: IllegalArgumentException: unlucky");
  }

  /**
   * The map of {@code plan} applied to {@code pipeline} as {@code name}, and its verdict's summary.
   */
  private static PCollection<String> summary(Pipeline pipeline, String name, MapRunPlan plan) {
    return pipeline
        .apply(name, MapTaskTransform.of(plan))
        .apply(
            name + "Summary", MapElements.into(TypeDescriptors.strings()).via(MapVerdict::summary));
  }

  /** The full names of a pipeline's transforms, composites and primitives. */
  private static List<String> transformNames(Pipeline pipeline) {
    List<String> names = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
          }
        });
    return names;
  }

  @Test
  void shouldRunOneLaneWithoutAShuffleAndCountWithoutAnEmptyDefault() {
    MapRunPlan one = plan(MapTask.of(new Triple()).build(), 1);
    MapRunPlan many = plan(MapTask.of(new Triple()).minSuccessRatio(0.9f).build(), 100);
    assertThat(one.shards()).hasSize(1);
    assertThat(many.shards().size()).isGreaterThan(1);
    Pipeline pipeline = Pipeline.create(direct());

    PAssert.thatSingleton(summary(pipeline, "One", one))
        .isEqualTo("map succeeded: 1 of 1 elements succeeded (1 required)");
    PAssert.thatSingleton(summary(pipeline, "Many", many))
        .isEqualTo("map succeeded: 99 of 100 elements succeeded (90 required)");
    List<String> names = transformNames(pipeline);
    pipeline.run().waitUntilFinish();

    assertThat(names).anyMatch(n -> n.startsWith("Many/SpreadShards"));
    assertThat(names).noneMatch(n -> n.startsWith("One/SpreadShards"));
    // Beam's empty default is a side input of the combined result and a Create of its own
    assertThat(names)
        .filteredOn(n -> n.startsWith("One/CountOutcomes") || n.startsWith("Many/CountOutcomes"))
        .isNotEmpty()
        .noneMatch(n -> n.contains("View") || n.contains("CreateVoid"));
    assertThat(MapResult.read(one).verdict().succeeded()).isEqualTo(1);
  }

  @Test
  void shouldGiveAnEmptyMapInAPipelineAVerdictOfNothing() {
    MapRunPlan empty = plan(MapTask.of(new Triple()).build(), 0);
    assertThat(empty.shards()).isEmpty();
    Pipeline pipeline = Pipeline.create(direct());

    PCollection<String> summary = summary(pipeline, "MapTaskTransform", empty);
    PAssert.thatSingleton(summary)
        .isEqualTo("map succeeded: 0 of 0 elements succeeded (0 required)");
    // the empty default Beam inserts: what a map with lanes goes without
    assertThat(transformNames(pipeline))
        .anyMatch(n -> n.startsWith("MapTaskTransform/CountOutcomes") && n.contains("CreateVoid"))
        .anyMatch(n -> n.startsWith("MapTaskTransform/CountOutcomes") && n.contains("View"));
    pipeline.run().waitUntilFinish();

    assertThat(CALLS.get()).isZero();
    MapVerdict verdict = MapResult.read(empty).verdict();
    assertThat(verdict.succeeded()).isZero();
    assertThat(verdict.failed()).isZero();
  }

  /** Slow on the first lane's elements, so that the other lanes run out of ranges of their own. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Uneven extends JavaTask<In, Out> {
    private static final long serialVersionUID = 1L;

    public Uneven() {
      super("transform_test_uneven", In.class, Out.class);
    }

    @Override
    public Out run(In input, TaskContext context) {
      CALLS.incrementAndGet();
      if (input.x() < 20) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (input.x() == 13) {
        throw new IllegalArgumentException("unlucky");
      }
      return new Out(3 * input.x());
    }
  }

  @Test
  void shouldRunEveryElementOnceAndCountItOnceWhenLanesShareTheirRanges() {
    // given: a plan for workers in this JVM, whose lanes share their ranges
    List<Literal> xs = new ArrayList<>();
    for (long i = 0; i < 2000; i++) {
      xs.add(Literals.of(i));
    }
    String runId = UUID.randomUUID().toString();
    MapRunPlan plan =
        MapRunPlan.prepare(
                MapTask.of(new Uneven()).minSuccessRatio(0.9f).build(),
                LiteralMap.newBuilder().putLiterals("x", Literals.collection(xs)).build(),
                dir.resolve(runId).toString(),
                runId,
                org.flytebeam.exec.ProcessSettings.defaults(),
                InputIndexer.inProcess(),
                true)
            .withMaxLanes(8);
    assertThat(plan.sharedRanges()).isTrue();
    assertThat(plan.shards()).hasSize(8);
    int maps = SharedRanges.live();

    // when
    Pipeline pipeline = Pipeline.create(direct());
    PCollection<String> summary = summary(pipeline, "MapTaskTransform", plan);
    PAssert.thatSingleton(summary)
        .isEqualTo("map succeeded: 1999 of 2000 elements succeeded (1800 required)");
    pipeline.run().waitUntilFinish();

    // then: each element ran once, every output in its place, and the map was forgotten after
    assertThat(CALLS.get()).isEqualTo(2000);
    List<Literal> o0 =
        MapResult.read(plan)
            .nodeOutputs()
            .getLiteralsMap()
            .get("o0")
            .getCollection()
            .getLiteralsList();
    assertThat(o0).hasSize(2000);
    assertThat(o0.get(13)).isEqualTo(Literals.none());
    assertThat(o0.get(1999)).isEqualTo(Literals.of(5997L));
    assertThat(SharedRanges.live()).isEqualTo(maps);
  }

  @Test
  void shouldStreamTheSameOutputsItAssembles() throws Exception {
    MapRunPlan plan = plan(MapTask.of(new Describe()).minSuccessRatio(0.5f).build(), 3000);
    Pipeline pipeline = Pipeline.create(direct());
    pipeline.apply(MapTaskTransform.of(plan));
    pipeline.run().waitUntilFinish();
    // A range whose file is gone reads as never run: none for each of its elements.
    IndexRange lost = plan.shards().get(1).ranges().get(0);
    java.nio.file.Files.delete(
        Path.of(org.flytebeam.exec.RangeResults.path(plan.resultsDir(), lost.start(), lost.end())));
    MapResult result = MapResult.read(plan);

    java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
    result.writeOutputs(streamed);

    LiteralMap assembled = result.outputs();
    assertThat(LiteralMap.parseFrom(streamed.toByteArray())).isEqualTo(assembled);
    List<Literal> texts = assembled.getLiteralsMap().get("text").getCollection().getLiteralsList();
    assertThat(texts).hasSize(3000);
    assertThat(texts.get(7)).isEqualTo(Literals.none());
    assertThat(texts.get((int) lost.start())).isEqualTo(Literals.none());
    assertThat(texts.get(8)).isEqualTo(Literals.of("x=8"));
    assertThat(assembled.getLiteralsMap().get("doubled").getCollection().getLiterals(2999))
        .isEqualTo(Literals.of(5998L));
  }
}

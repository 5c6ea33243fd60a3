package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.LiteralMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.util.SerializableUtils;
import org.flytebeam.exec.MapInputs;
import org.flytebeam.exec.ProcessSettings;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapRunPlanTest {
  @TempDir Path dir;

  private static final Path RAW_CONTAINER =
      Path.of(System.getProperty("user.dir"))
          .resolve("../../shared/examples/arraynode-rawcontainer.def.json")
          .normalize();

  private MapRunPlan prepare(MapTaskSpec spec, LiteralMap inputs, boolean workersInThisJvm) {
    return MapRunPlan.prepare(
        spec,
        inputs,
        dir.resolve("run").toString(),
        "plan-test-" + workersInThisJvm,
        ProcessSettings.defaults(),
        InputIndexer.inProcess(),
        workersInThisJvm);
  }

  private static LiteralMap xs(long... values) {
    List<flyteidl.core.Literals.Literal> list = new ArrayList<>();
    for (long v : values) {
      list.add(Literals.of(v));
    }
    return LiteralMap.newBuilder().putLiterals("x", Literals.collection(list)).build();
  }

  private static List<Long> firstInputs(MapRunPlan plan) throws Exception {
    List<Long> read = new ArrayList<>();
    try (MapInputs.Elements elements = plan.inputs().read(0, plan.size())) {
      for (long i = 0; i < plan.size(); i++) {
        read.add(elements.next().get("x").getScalar().getPrimitive().getInteger());
      }
    }
    return read;
  }

  @Test
  void shouldKeepTheInputsInMemoryWhenEveryWorkerOfAJavaTaskIsInThisJvm() throws Exception {
    MapTaskSpec spec = MapTask.of(new MapTaskTransformTest.Triple()).build();

    MapRunPlan plan = prepare(spec, xs(4, 5, 6), true);

    assertThat(plan.inputsWritten()).isFalse();
    assertThat(Path.of(plan.inputsFile())).doesNotExist();
    assertThat(firstInputs(plan)).containsExactly(4L, 5L, 6L);
    // After the run (the report reads them then): checked again from memory.
    plan.release();
    assertThat(firstInputs(plan)).containsExactly(4L, 5L, 6L);
    plan.release();
  }

  @Test
  void shouldWriteTheInputsForWorkersInOtherJvms() throws Exception {
    MapTaskSpec spec = MapTask.of(new MapTaskTransformTest.Triple()).build();

    MapRunPlan plan = prepare(spec, xs(4, 5, 6), false);

    assertThat(plan.inputsWritten()).isTrue();
    assertThat(Path.of(plan.inputsFile())).isRegularFile();
    plan.release();
    // A worker elsewhere gets the plan without the driver's memory: it reads the file.
    MapRunPlan shipped = SerializableUtils.clone(plan);
    assertThat(firstInputs(shipped)).containsExactly(4L, 5L, 6L);
    shipped.release();
  }

  @Test
  void shouldWriteTheInputsForAProcessTaskThatReadsThemFromTheFile() throws Exception {
    MapTaskSpec spec = DefinitionReader.read(RAW_CONTAINER);
    LiteralMap inputs = xs(1, 2).toBuilder().putLiterals("k", Literals.of(3L)).build();

    MapRunPlan plan = prepare(spec, inputs, true);

    assertThat(plan.inputsWritten()).isTrue();
    assertThat(LiteralMap.parseFrom(Files.readAllBytes(Path.of(plan.inputsFile()))))
        .isEqualTo(inputs);
    plan.release();
  }

  private static List<IndexRange> covered(List<Shard> shards) {
    List<IndexRange> ranges = new ArrayList<>();
    shards.forEach(s -> ranges.addAll(s.ranges()));
    ranges.sort((a, b) -> Long.compare(a.start(), b.start()));
    return ranges;
  }

  private static void assertCoversExactly(List<Shard> shards, long size) {
    long next = 0;
    for (IndexRange r : covered(shards)) {
      assertThat(r.start()).isEqualTo(next);
      assertThat(r.length()).isPositive();
      next = r.end();
    }
    assertThat(next).isEqualTo(size);
  }

  @Test
  void shouldCoverEveryIndexOnceWhenUnbounded() {
    for (long size : new long[] {1, 2, 63, 64, 65, 2000, 100_000, 1_000_000}) {
      List<Shard> shards = MapRunPlan.planShards(size, 0);
      assertCoversExactly(shards, size);
      assertThat(shards).allSatisfy(s -> assertThat(s.ranges()).hasSize(1));
      assertThat(covered(shards))
          .allSatisfy(r -> assertThat(r.length()).isLessThanOrEqualTo(MapRunPlan.MAX_RANGE));
    }
  }

  @Test
  void shouldMakeAtMostParallelismLanesWhenBounded() {
    for (int parallelism : new int[] {1, 2, 3, 99}) {
      List<Shard> shards = MapRunPlan.planShards(10_000, parallelism);
      assertThat(shards).hasSizeLessThanOrEqualTo(parallelism);
      assertCoversExactly(shards, 10_000);
    }
  }

  @Test
  void shouldPlanNoShardsWhenEmpty() {
    assertThat(MapRunPlan.planShards(0, 0)).isEmpty();
    assertThat(MapRunPlan.planShards(0, 3)).isEmpty();
  }

  @Test
  void shouldGroupRangesIntoAtMostMaxLanesWhileTheSmallerParallelismWins() {
    // 1M elements: 489 ranges of at most 2048
    assertThat(MapRunPlan.planShards(1_000_000, 0, 16)).hasSize(16);
    assertCoversExactly(MapRunPlan.planShards(1_000_000, 0, 16), 1_000_000);
    assertThat(MapRunPlan.planShards(1_000_000, 3, 16)).hasSize(3);
    assertThat(MapRunPlan.planShards(1_000_000, 100, 16)).hasSize(16);
    assertThat(MapRunPlan.planShards(100, 0, 16)).hasSize(16);
    // ranges are the same whatever the lanes: only their grouping changes
    assertThat(covered(MapRunPlan.planShards(1_000_000, 0, 16)))
        .isEqualTo(covered(MapRunPlan.planShards(1_000_000, 0)));
  }
}

package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.beam.MapTaskTransformTest.direct;
import static org.flytebeam.beam.MapTaskTransformTest.plan;

import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.flytebeam.beam.MapTaskTransformTest.Triple;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole plan of 5,000 elements run twice on the DirectRunner, as Spark runs ranges again after
 * losing an executor: finished ranges are read back, not run, and their shards stay whole and
 * single. An integration test for its time (tens of seconds on two cores), not for a process.
 */
class MapTaskTransformRerunIT {
  @TempDir Path dir;

  @BeforeEach
  void reset() {
    MapTaskTransformTest.CALLS.set(0);
  }

  @Test
  void shouldReadFinishedRangesBackInsteadOfRunningThemAgain() {
    // What Spark does after losing an executor: the same plan runs again.
    MapRunPlan plan = plan(dir, MapTask.of(new Triple()).minSuccessRatio(0.5f).build(), 5000);

    Pipeline first = Pipeline.create(direct());
    first.apply(MapTaskTransform.of(plan));
    first.run().waitUntilFinish();
    LiteralMap firstOutputs = MapResult.read(plan).nodeOutputs();
    Pipeline second = Pipeline.create(direct());
    second.apply(MapTaskTransform.of(plan));
    second.run().waitUntilFinish();

    assertThat(MapTaskTransformTest.CALLS.get()).isEqualTo(5000);
    MapResult again = MapResult.read(plan);
    assertThat(again.nodeOutputs()).isEqualTo(firstOutputs);
    assertThat(again.verdict().succeeded()).isEqualTo(4999);
    assertThat(again.verdict().failed()).isEqualTo(1);
  }

  private static Map<String, String> shards(Path outputsDir) throws IOException {
    Map<String, String> byName = new TreeMap<>();
    try (Stream<Path> files = Files.list(outputsDir.resolve("elements"))) {
      for (Path f : files.toList()) {
        byName.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    return byName;
  }

  @Test
  void shouldLeaveOneCompleteShardPerRangeWhenRangesRunAgain() throws IOException {
    // given: a run that wrote every range's results and shard
    Path out = dir.resolve("out");
    MapRunPlan plan =
        plan(dir, MapTask.of(new Triple()).minSuccessRatio(0.5f).build(), 5000)
            .withOutputsDir(out.toString());
    // The run claims its outputs folder before any shard is written, as the runner does.
    org.flytebeam.exec.OutputShards.claim(out.toString(), plan.runId());
    Pipeline first = Pipeline.create(direct());
    first.apply(MapTaskTransform.of(plan));
    first.run().waitUntilFinish();
    Map<String, String> written = shards(out);
    assertThat(written).hasSize(64);
    assertThat(written.get("part-000000000000-000000000079.jsonl"))
        .startsWith("{\"index\":0,\"outputs\":{\"o0\":0}}\n{\"index\":1,\"outputs\":{\"o0\":3}}\n")
        .contains("{\"index\":13,\"outputs\":{\"o0\":null}}\n")
        .endsWith("{\"index\":78,\"outputs\":{\"o0\":234}}\n");
    // a worker died between a range's results and its shard
    Files.delete(out.resolve("elements/part-000000000079-000000000158.jsonl"));

    // when: every range runs again (Spark after a lost executor)
    Pipeline second = Pipeline.create(direct());
    second.apply(MapTaskTransform.of(plan));
    second.run().waitUntilFinish();

    // then: read back, not run; the same shards, each once, and nothing left half-written
    assertThat(MapTaskTransformTest.CALLS.get()).isEqualTo(5000);
    assertThat(shards(out)).isEqualTo(written);
    try (Stream<Path> temporary = Files.list(out.resolve("_temporary"))) {
      assertThat(temporary).isEmpty();
    }
    plan.release();
  }
}

package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.ProcessSettings;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Blob;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A map over a JSON Lines input, its index pass a pipeline of its own on the DirectRunner. */
class ReferenceInputsTransformTest {
  @TempDir Path dir;

  @BeforeEach
  void reset() {
    MapTaskTransformTest.CALLS.set(0);
  }

  private static PipelineOptions direct() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(DirectRunner.class);
    return options;
  }

  /** Runs the index pass as a pipeline, as the runner does. */
  private static final InputIndexer PIPELINE =
      pass -> {
        Pipeline pipeline = Pipeline.create(direct());
        pipeline.apply("IndexInputs", pass);
        pipeline.run().waitUntilFinish();
      };

  @Test
  void shouldMapOverEveryLineAndFailOnlyTheElementOfABadLine() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append(i == 4321 ? "\"x\"" : Integer.toString(i)).append(i % 7 == 0 ? "\r\n" : "\n");
    }
    Path file = Files.writeString(dir.resolve("x.jsonl"), text);
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals("x", Literals.of(new Blob(file.toString(), "jsonl", false)))
            .build();
    String runId = UUID.randomUUID().toString();
    MapRunPlan plan =
        MapRunPlan.prepare(
            MapTask.of(new MapTaskTransformTest.Triple()).minSuccessRatio(0.5f).build(),
            inputs,
            dir.resolve(runId).toString(),
            runId,
            ProcessSettings.defaults(),
            PIPELINE);

    Pipeline pipeline = Pipeline.create(direct());
    pipeline.apply(MapTaskTransform.of(plan));
    pipeline.run().waitUntilFinish();

    MapResult result = MapResult.read(plan);
    assertThat(plan.size()).isEqualTo(5000);
    assertThat(result.verdict().succeeded()).isEqualTo(4998);
    List<Literal> o0 =
        result.nodeOutputs().getLiteralsMap().get("o0").getCollection().getLiteralsList();
    assertThat(o0.get(4999)).isEqualTo(Literals.of(3 * 4999L));
    assertThat(o0.get(4321)).isEqualTo(Literals.none());
    assertThat(o0.get(13)).isEqualTo(Literals.none());
    List<ElementOutcome> failed = new ArrayList<>();
    for (Iterator<ElementOutcome> it = result.outcomes(); it.hasNext(); ) {
      ElementOutcome o = it.next();
      if (o.status() != ElementStatus.SUCCEEDED) {
        failed.add(o);
      }
    }
    assertThat(failed).extracting(ElementOutcome::index).containsExactly(13L, 4321L);
    assertThat(failed.get(1).status()).isEqualTo(ElementStatus.FAILED);
    assertThat(failed.get(1).attempts()).isZero();
    assertThat(failed.get(1).error())
        .isEqualTo(
            file + ":4322: variable [x[4321]] expects [int] but found [str \"x\"]; fix that line");
    // The bad element never reached the task; every other one did, once.
    assertThat(MapTaskTransformTest.CALLS.get()).isEqualTo(4999);
    plan.release();
  }

  public record SN(String s, long n) {}

  public record Text(String o0) {}

  /** Never run here: only its interface matters. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @com.google.auto.service.AutoService(org.flytebeam.task.JavaTask.class)
  public static final class Repeat extends org.flytebeam.task.JavaTask<SN, Text> {
    private static final long serialVersionUID = 1L;

    public Repeat() {
      super("reference_test_repeat", SN.class, Text.class);
    }

    @Override
    public Text run(SN input, org.flytebeam.task.TaskContext context) {
      return new Text(input.s().repeat((int) input.n()));
    }
  }

  @Test
  void shouldRefuseABadBoundValueBeforeTheIndexPassReadsAnyFile() throws IOException {
    Path file = Files.writeString(dir.resolve("s.jsonl"), "\"a\"\n\"b\"\n");
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals("s", Literals.of(new Blob(file.toString(), "jsonl", false)))
            .putLiterals("n", Literals.of("not a number"))
            .build();
    java.util.concurrent.atomic.AtomicInteger passes =
        new java.util.concurrent.atomic.AtomicInteger();
    String runId = UUID.randomUUID().toString();

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                MapRunPlan.prepare(
                    MapTask.of(new Repeat()).boundInputs(java.util.Set.of("n")).build(),
                    inputs,
                    dir.resolve(runId).toString(),
                    runId,
                    ProcessSettings.defaults(),
                    pass -> passes.incrementAndGet()))
        .isInstanceOf(org.flytebeam.InvalidDefinitionException.class)
        .hasMessageContaining("bound input [n]");
    assertThat(passes).hasValue(0);
  }
}

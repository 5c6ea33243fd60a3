package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.flytebeam.examples.Square;
import org.flytebeam.examples.Total;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.Promises;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A big map whose outputs only feed another map passes them on as references to the shards its
 * workers wrote (the driver never holds them); one whose outputs a task also reads passes the
 * values. Both give the same outputs, on the DirectRunner and Spark {@code local[2]}.
 */
class WorkflowReferencesIT {
  private static final int N = (int) WorkflowEngine.REFERENCE_THRESHOLD + 2_000;
  private static final TaskTemplate SQUARE = MapTask.javaTaskTemplate(new Square());
  private static final TaskTemplate TOTAL = MapTask.javaTaskTemplate(new Total());

  @TempDir Path work;

  /** n0 = squares(xs); n1 = squares(n0); with {@code alsoTotal}, t = total(n0) beside n1. */
  private static FlytePackage workflow(boolean alsoTotal) {
    var list = TOTAL.getInterface().getInputs().getVariablesOrThrow("xs");
    var sum = TOTAL.getInterface().getOutputs().getVariablesOrThrow("o0");
    VariableMap.Builder outputs = VariableMap.newBuilder().putVariables("fourth", list);
    WorkflowTemplate.Builder wf =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setName("wf.squares_of_squares"))
            .addNodes(WorkflowEngineTest.map("n0", SQUARE, Promises.START_NODE, "xs"))
            .addNodes(WorkflowEngineTest.map("n1", SQUARE, "n0", "o0"))
            .addOutputs(WorkflowEngineTest.promise("fourth", "n1", "o0"));
    if (alsoTotal) {
      outputs.putVariables("total", sum);
      wf.addNodes(
              Node.newBuilder()
                  .setId("t")
                  .addInputs(WorkflowEngineTest.promise("xs", "n0", "o0"))
                  .setTaskNode(TaskNode.newBuilder().setReferenceId(TOTAL.getId())))
          .addOutputs(WorkflowEngineTest.promise("total", "t", "o0"));
    }
    wf.setInterface(
        TypedInterface.newBuilder()
            .setInputs(VariableMap.newBuilder().putVariables("xs", list))
            .setOutputs(outputs));
    WorkflowTemplate built = wf.build();
    return new FlytePackage(
        "[test]",
        Map.of(SQUARE.getId().getName(), SQUARE, TOTAL.getId().getName(), TOTAL),
        Map.of(built.getId().getName(), built),
        Map.of(),
        Optional.empty());
  }

  private static LiteralMap inputs() {
    List<Literal> xs = new ArrayList<>();
    for (long i = 0; i < N; i++) {
      xs.add(Literals.of(i % 100));
    }
    return LiteralMap.newBuilder().putLiterals("xs", Literals.collection(xs)).build();
  }

  private static List<Literal> expectedFourthPowers() {
    List<Literal> out = new ArrayList<>();
    for (long i = 0; i < N; i++) {
      long x = i % 100;
      out.add(Literals.of(x * x * x * x));
    }
    return out;
  }

  private static List<Path> shardsOf(Path workDir, String node) throws IOException {
    try (Stream<Path> files = Files.walk(workDir)) {
      return files
          .filter(p -> p.toString().contains("/node-" + node + "/outputs/elements/"))
          .filter(p -> p.getFileName().toString().endsWith(".jsonl"))
          .toList();
    }
  }

  private WorkflowResult run(boolean alsoTotal, RunOptions options, Path dir) {
    return FlyteBeam.runWorkflow(
        workflow(alsoTotal),
        "wf.squares_of_squares",
        inputs(),
        options.withWorkDir(dir.toString()));
  }

  @Test
  void aMapFeedingOnlyAMapPassesItsOutputsByReferenceOnBothRunners() throws IOException {
    Path direct = work.resolve("direct");
    Path spark = work.resolve("spark");

    WorkflowResult onDirect = run(false, RunOptions.defaults(), direct);
    WorkflowResult onSpark =
        run(
            false,
            RunOptions.defaults().withRunner(RunnerKind.SparkRunner).withSparkMaster("local[2]"),
            spark);

    for (WorkflowResult r : List.of(onDirect, onSpark)) {
      assertThat(r.error()).isEmpty();
      assertThat(r.outputs().getLiteralsOrThrow("fourth").getCollection().getLiteralsList())
          .isEqualTo(expectedFourthPowers());
    }
    assertThat(onSpark.outputs()).isEqualTo(onDirect.outputs());
    // n0's outputs went to n1 as shards; n1's, the workflow's outputs, came back as values.
    assertThat(shardsOf(direct, "n0")).isNotEmpty();
    assertThat(shardsOf(spark, "n0")).isNotEmpty();
    assertThat(shardsOf(direct, "n1")).isEmpty();
  }

  @Test
  void aMapWhoseOutputsATaskAlsoReadsPassesValues() throws IOException {
    WorkflowResult r = run(true, RunOptions.defaults(), work);

    assertThat(r.error()).isEmpty();
    assertThat(r.outputs().getLiteralsOrThrow("fourth").getCollection().getLiteralsList())
        .isEqualTo(expectedFourthPowers());
    long total = 0;
    for (long i = 0; i < N; i++) {
      total += (i % 100) * (i % 100);
    }
    assertThat(r.outputs().getLiteralsOrThrow("total")).isEqualTo(Literals.of(total));
    assertThat(shardsOf(work, "n0")).isEmpty();
  }
}

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
import flyteidl.core.Workflow.WorkflowMetadata;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.Promises;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure policies with a node still running when another fails: a map of {@code N} elements
 * that wait at a gate, beside a task node that fails at once. FAIL_IMMEDIATELY aborts the map (no
 * element starts once the abort is written, the gate is opened only then, so at most the elements
 * already waiting ran); FAIL_AFTER_EXECUTABLE_NODES_COMPLETE lets it run every element.
 */
class WorkflowAbortTest {
  private static final int N = 200;
  private static final TaskTemplate GATED = MapTask.javaTaskTemplate(new TestTasks.Gated());
  private static final TaskTemplate COUNTED = MapTask.javaTaskTemplate(new TestTasks.Counted());

  @TempDir Path work;

  @AfterEach
  void openGate() {
    TestTasks.gate.countDown();
  }

  /** slow = map(gated, xs); bad = counted(x), failing for x < 0; outputs: slow's list. */
  private static FlytePackage workflow(OnFailurePolicy policy) {
    Node slow = WorkflowEngineTest.map("slow", GATED, Promises.START_NODE, "xs");
    Node bad =
        Node.newBuilder()
            .setId("bad")
            .addInputs(WorkflowEngineTest.promise("x", Promises.START_NODE, "x"))
            .setTaskNode(TaskNode.newBuilder().setReferenceId(COUNTED.getId()))
            .build();
    var item = GATED.getInterface().getInputs().getVariablesOrThrow("x");
    var out = GATED.getInterface().getOutputs().getVariablesOrThrow("o0");
    var list =
        item.toBuilder()
            .setType(flyteidl.core.Types.LiteralType.newBuilder().setCollectionType(item.getType()))
            .build();
    var outList =
        out.toBuilder()
            .setType(flyteidl.core.Types.LiteralType.newBuilder().setCollectionType(out.getType()))
            .build();
    WorkflowTemplate wf =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setName("wf.slow_beside_bad"))
            .setMetadata(WorkflowMetadata.newBuilder().setOnFailure(policy))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        VariableMap.newBuilder().putVariables("xs", list).putVariables("x", item))
                    .setOutputs(
                        VariableMap.newBuilder()
                            .putVariables("o0", outList)
                            .putVariables("o1", out)))
            .addNodes(slow)
            .addNodes(bad)
            .addOutputs(WorkflowEngineTest.promise("o0", "slow", "o0"))
            .addOutputs(WorkflowEngineTest.promise("o1", "bad", "o0"))
            .build();
    return new FlytePackage(
        "[test]",
        Map.of(GATED.getId().getName(), GATED, COUNTED.getId().getName(), COUNTED),
        Map.of(wf.getId().getName(), wf),
        Map.of(),
        Optional.empty());
  }

  private static LiteralMap inputs() {
    List<Literal> xs = new ArrayList<>();
    LongStream.range(0, N).forEach(i -> xs.add(Literals.of(i)));
    return LiteralMap.newBuilder()
        .putLiterals("xs", Literals.collection(xs))
        .putLiterals("x", Literals.of(-1L))
        .build();
  }

  private static WorkflowResult.NodeOutcome node(WorkflowResult r, String path) {
    return r.nodes().stream().filter(n -> n.path().equals(path)).findFirst().orElseThrow();
  }

  /** Opens the gate from another thread once {@code ready} holds (at most 60 s from now). */
  private static Thread openGateWhen(java.util.function.BooleanSupplier ready) {
    Thread t =
        new Thread(
            () -> {
              long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
              while (!ready.getAsBoolean() && System.nanoTime() < end) {
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
              TestTasks.gate.countDown();
            },
            "open-gate");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Whether a map's stop file has been written anywhere under {@code dir}. */
  private static boolean stopFileUnder(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().equals("stop"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UncheckedIOException e) {
      // A folder removed while walking: not there yet.
      return false;
    }
  }

  @Test
  void failImmediatelyAbortsTheRunningMapAndNamesBothNodes() throws Exception {
    TestTasks.reset();
    TestTasks.gate = new CountDownLatch(1);
    Thread opener = openGateWhen(() -> stopFileUnder(work));

    WorkflowResult r =
        FlyteBeam.runWorkflow(
            workflow(OnFailurePolicy.FAIL_IMMEDIATELY),
            "wf.slow_beside_bad",
            inputs(),
            RunOptions.defaults().withWorkDir(work.toString()));
    opener.join(TimeUnit.SECONDS.toMillis(5));

    assertThat(r.success()).isFalse();
    assertThat(node(r, "bad").status()).isEqualTo(WorkflowResult.Status.FAILED);
    assertThat(node(r, "slow").status()).isEqualTo(WorkflowResult.Status.ABORTED);
    assertThat(r.error().orElseThrow())
        .contains("node [bad] failed")
        .contains("negative: -1")
        .contains("node [slow] aborted");
    // Only elements that were already waiting at the gate when the abort came ran.
    assertThat(TestTasks.calls("test_gated")).isLessThan(N);
  }

  @Test
  void failAfterExecutableNodesCompleteRunsTheMapToItsEnd() {
    TestTasks.reset();
    TestTasks.gate = new CountDownLatch(1);
    TestTasks.gateEntered = new CountDownLatch(1);
    openGateWhen(() -> TestTasks.gateEntered.getCount() == 0);

    WorkflowResult r =
        FlyteBeam.runWorkflow(
            workflow(OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE),
            "wf.slow_beside_bad",
            inputs(),
            RunOptions.defaults().withWorkDir(work.toString()));

    assertThat(r.success()).isFalse();
    assertThat(node(r, "bad").status()).isEqualTo(WorkflowResult.Status.FAILED);
    assertThat(node(r, "slow").status()).isEqualTo(WorkflowResult.Status.SUCCEEDED);
    assertThat(TestTasks.calls("test_gated")).isEqualTo(N);
    assertThat(r.error().orElseThrow()).contains("node [bad] failed").doesNotContain("aborted");
  }
}

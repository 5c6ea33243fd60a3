package org.flytebeam.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.idl.PackageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workflow-map line's definitions and its output check, without running them. */
class WorkflowMapLineTest {
  @TempDir Path dir;

  private static Path outputs(Path dir, long... values) throws Exception {
    LiteralCollection.Builder list = LiteralCollection.newBuilder();
    for (long v : values) {
      list.addLiterals(
          Literal.newBuilder()
              .setScalar(Scalar.newBuilder().setPrimitive(Primitive.newBuilder().setInteger(v))));
    }
    Path file = dir.resolve("outputs.pb");
    Files.write(
        file,
        LiteralMap.newBuilder()
            .putLiterals("o0", Literal.newBuilder().setCollection(list).build())
            .build()
            .toByteArray());
    return file;
  }

  @Test
  void shouldAcceptEveryElementInOrderAndRefuseAnyOtherList() throws Exception {
    int n = 5;
    Checksum expected = WorkflowMapLine.expected(n);
    long[] right = LongStream.range(0, n).map(i -> i * i + 2).toArray();

    assertThat(WorkflowMapLine.check(outputs(dir, right), n, expected, "t")).isEqualTo(expected);
    // Two elements swapped: same sum, wrong order.
    long[] swapped = right.clone();
    swapped[1] = right[2];
    swapped[2] = right[1];
    assertThatThrownBy(() -> WorkflowMapLine.check(outputs(dir, swapped), n, expected, "t"))
        .hasMessageContaining("o0[1] is");
    assertThatThrownBy(() -> WorkflowMapLine.check(outputs(dir, 2, 3, 6, 11), n, expected, "t"))
        .hasMessageContaining("wrote 4 items of o0, not 5");
  }

  @Test
  void shouldWriteALaunchPlanMapAndItsTwinThatTheReaderTakes() throws Exception {
    FlytePackage lp = PackageReader.read(WorkflowMapLine.writeLaunchPlanPackage(dir.resolve("lp")));

    assertThat(lp.launchPlans()).containsOnlyKeys(WorkflowMapLine.LAUNCH_PLAN);
    assertThat(lp.workflows())
        .containsOnlyKeys(WorkflowMapLine.LP_WORKFLOW, WorkflowMapLine.ELEMENT_WORKFLOW);
    assertThat(lp.workflows().get(WorkflowMapLine.ELEMENT_WORKFLOW).getNodesList())
        .extracting(node -> node.getTaskNode().getReferenceId().getName())
        .containsExactly("square", "increment", "increment");
    var map = lp.workflows().get(WorkflowMapLine.LP_WORKFLOW).getNodes(0).getArrayNode();
    assertThat(map.getNode().getWorkflowNode().getLaunchplanRef().getName())
        .isEqualTo(WorkflowMapLine.LAUNCH_PLAN);

    var twin = WorkflowMapLine.threeMaps().getWorkflow();
    assertThat(twin.getNodesList()).hasSize(3).allMatch(node -> node.hasArrayNode());
    assertThat(twin.getNodesList())
        .extracting(node -> node.getArrayNode().getNode().getTaskNode().getReferenceId().getName())
        .containsExactly("square", "increment", "increment");
  }
}

package org.flytebeam.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Interface.TypedInterface;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.ExecutionGraph.ArrayWorkflowCall;
import org.flytebeam.idl.PackageReader;
import org.junit.jupiter.api.Test;

/**
 * The compiler over flytekit's map of a launch plan with a fixed input (the fixture {@code
 * workflow-maps/lp-fixed-inputs}, see its README): the map's inputs are the launch plan's others as
 * lists; a missing launch plan is named with its node; a bound fixed input is refused.
 */
class WorkflowMapCompileTest {
  private static final String TOP =
      "tests.flytekit.unit.core.test_array_node.grandparent_wf_fixed_inputs";

  private static FlytePackage fixture() throws Exception {
    return PackageReader.read(
        Path.of(
            WorkflowMapCompileTest.class.getResource("/workflow-maps/lp-fixed-inputs").toURI()));
  }

  @Test
  void theMapsInputsAreTheLaunchPlansUnfixedInputsAsLists() throws Exception {
    FlytePackage pkg = fixture();

    ExecutionGraph g = WorkflowCompiler.compile(pkg, pkg.select(Optional.of(TOP)));

    ExecutionGraph.GraphNode n0 = g.nodes().get(0);
    ArrayWorkflowCall call = (ArrayWorkflowCall) n0.target();
    assertThat(call.launchPlan().orElseThrow().name()).isEqualTo("parent_wf_lp_fixed_inputs");
    TypedInterface element = call.elementInterface();
    assertThat(element.getInputs().getVariablesMap()).containsOnlyKeys("b", "c");
    assertThat(n0.iface().getInputs().getVariablesOrThrow("c").getType().getCollectionType())
        .isEqualTo(element.getInputs().getVariablesOrThrow("c").getType());
    assertThat(call.arrayNode().getParallelism()).isEqualTo(10);
    assertThat(call.arrayNode().getMinSuccessRatio()).isEqualTo(0.9f);
  }

  @Test
  void aMissingLaunchPlanIsNamedWithItsNode() throws Exception {
    FlytePackage pkg = fixture();
    FlytePackage missing =
        new FlytePackage(pkg.source(), pkg.tasks(), pkg.workflows(), Map.of(), Optional.empty());

    assertThatThrownBy(() -> WorkflowCompiler.compile(missing, missing.select(Optional.of(TOP))))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("node [n0]")
        .hasMessageContaining("launch plan [parent_wf_lp_fixed_inputs] is not in");
  }

  @Test
  void aBoundFixedInputIsRefused() throws Exception {
    FlytePackage pkg = fixture();
    var top = pkg.workflows().get(TOP).toBuilder();
    var n0 = top.getNodesBuilder(0);
    n0.addInputs(n0.getInputs(1).toBuilder().setVar("a"));
    Map<String, flyteidl.core.Workflow.WorkflowTemplate> workflows =
        new java.util.LinkedHashMap<>(pkg.workflows());
    workflows.put(TOP, top.build());
    FlytePackage broken =
        new FlytePackage(pkg.source(), pkg.tasks(), workflows, pkg.launchPlans(), Optional.empty());

    assertThatThrownBy(() -> WorkflowCompiler.compile(broken, broken.select(Optional.of(TOP))))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input [a] is fixed by launch plan [parent_wf_lp_fixed_inputs]");
  }
}

package org.flytebeam.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Compiler.CompiledWorkflow;
import flyteidl.core.Compiler.CompiledWorkflowClosure;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Types.SimpleType;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.ExecutionGraph.ArrayWorkflowCall;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.WorkflowCompiler;
import org.flytebeam.idl.PackageReader;
import org.junit.jupiter.api.Test;

/**
 * The builder of maps over launch plans and sub-workflows writes flytekit 1.16's form ({@code
 * tests/flytekit/unit/core/test_array_node.py}: {@code test_lp_serialization}), and what it writes
 * reads back and compiles to the same map.
 */
class WorkflowMapTest {
  private static final LiteralType INT =
      LiteralType.newBuilder().setSimple(SimpleType.INTEGER).build();

  private static BindingData xs() {
    return BindingData.newBuilder()
        .setPromise(OutputReference.newBuilder().setNodeId("").setVar("xs"))
        .build();
  }

  @Test
  void aLaunchPlanMapIsWrittenAsFlytekitWritesIt() {
    Identifier lp =
        Identifier.newBuilder()
            .setName("tests.flytekit.unit.core.test_array_node.parent_wf")
            .build();

    Node n =
        WorkflowMap.overLaunchPlan(lp, Set.of("a"))
            .concurrency(10)
            .minSuccessRatio(0.9f)
            .input("b", xs())
            .node("n0");

    ArrayNode a = n.getArrayNode();
    assertThat(a.getMinSuccessRatio()).isEqualTo(0.9f);
    assertThat(a.getParallelism()).isEqualTo(10);
    assertThat(a.getIsOriginalSubNodeInterface().getValue()).isTrue();
    assertThat(a.getExecutionMode()).isEqualTo(ArrayNode.ExecutionMode.FULL_STATE);
    assertThat(a.getNode().getWorkflowNode().getLaunchplanRef().getResourceType())
        .isEqualTo(ResourceType.LAUNCH_PLAN);
    assertThat(a.getNode().getWorkflowNode().getLaunchplanRef().getName()).isEqualTo(lp.getName());
    assertThat(a.getNode().getId()).isEqualTo("tests-flytekit-unit-core-test-array-node-parent-wf");
    assertThat(n.getInputsList()).extracting(Binding::getVar).containsExactly("b");
    assertThat(n.getMetadata().getCacheable()).isFalse();
  }

  @Test
  void minSuccessesWinsAndNeitherMeansRatioOne() {
    Identifier lp = Identifier.newBuilder().setName("lp").build();

    assertThat(
            WorkflowMap.overLaunchPlan(lp, Set.of())
                .minSuccesses(3)
                .minSuccessRatio(0.1f)
                .node("n")
                .getArrayNode()
                .getSuccessCriteriaCase())
        .isEqualTo(ArrayNode.SuccessCriteriaCase.MIN_SUCCESSES);
    ArrayNode plain = WorkflowMap.overLaunchPlan(lp, Set.of()).node("n").getArrayNode();
    assertThat(plain.getSuccessCriteriaCase())
        .isEqualTo(ArrayNode.SuccessCriteriaCase.MIN_SUCCESS_RATIO);
    assertThat(plain.getMinSuccessRatio()).isEqualTo(1.0f);
    assertThat(plain.getParallelismOptionCase())
        .isEqualTo(ArrayNode.ParallelismOptionCase.PARALLELISMOPTION_NOT_SET);
  }

  @Test
  void aFixedInputCannotBeBound() {
    assertThatThrownBy(
            () ->
                WorkflowMap.overLaunchPlan(
                        Identifier.newBuilder().setName("lp").build(), Set.of("a"))
                    .input("a", xs())
                    .node("n0"))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input [a] is fixed by launch plan [lp]");
  }

  @Test
  void dnsifyFollowsFlytekit() {
    assertThat(WorkflowMap.dnsify("my_wf.Sub_LP")).isEqualTo("my-wf-sub-l-p");
    assertThat(WorkflowMap.dnsify("_lead")).isEqualTo("lead");
    String longName = "a".repeat(70);
    assertThat(WorkflowMap.dnsify(longName)).hasSize(63).endsWith("a".repeat(52));
  }

  @Test
  void aSubWorkflowMapRoundTripsThroughJsonAndCompiles() throws Exception {
    TypedInterface subIface =
        TypedInterface.newBuilder()
            .setInputs(
                VariableMap.newBuilder()
                    .putVariables("x", Variable.newBuilder().setType(INT).build()))
            .setOutputs(
                VariableMap.newBuilder()
                    .putVariables("o0", Variable.newBuilder().setType(INT).build()))
            .build();
    WorkflowTemplate sub =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setResourceType(ResourceType.WORKFLOW).setName("wf.sub"))
            .setInterface(subIface)
            .addOutputs(
                Binding.newBuilder()
                    .setVar("o0")
                    .setBinding(
                        BindingData.newBuilder()
                            .setPromise(OutputReference.newBuilder().setNodeId("").setVar("x"))))
            .build();
    TypedInterface mapped = MappedInterface.of(subIface, List.of(), Optional.of(0.5f));
    WorkflowTemplate top =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setResourceType(ResourceType.WORKFLOW).setName("wf.top"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        VariableMap.newBuilder()
                            .putVariables("xs", mapped.getInputs().getVariablesOrThrow("x")))
                    .setOutputs(mapped.getOutputs()))
            .addNodes(
                WorkflowMap.overSubWorkflow(sub.getId())
                    .minSuccessRatio(0.5f)
                    .concurrency(2)
                    .input("x", xs())
                    .node("n0"))
            .addOutputs(
                Binding.newBuilder()
                    .setVar("o0")
                    .setBinding(
                        BindingData.newBuilder()
                            .setPromise(OutputReference.newBuilder().setNodeId("n0").setVar("o0"))))
            .build();
    CompiledWorkflowClosure closure =
        CompiledWorkflowClosure.newBuilder()
            .setPrimary(CompiledWorkflow.newBuilder().setTemplate(top))
            .addSubWorkflows(CompiledWorkflow.newBuilder().setTemplate(sub))
            .build();
    String json = JsonFormat.printer().print(closure);

    FlytePackage pkg = PackageReader.read("map.json", json.getBytes(StandardCharsets.UTF_8));
    ExecutionGraph g = WorkflowCompiler.compile(pkg, pkg.select(Optional.of("wf.top")));

    assertThat(pkg.workflows().get("wf.top")).isEqualTo(top);
    ArrayWorkflowCall call = (ArrayWorkflowCall) g.nodes().get(0).target();
    assertThat(call.graph().name()).isEqualTo("wf.sub");
    assertThat(call.launchPlan()).isEmpty();
    assertThat(call.arrayNode().getParallelism()).isEqualTo(2);
    assertThat(g.nodes().get(0).iface()).isEqualTo(mapped);
  }
}

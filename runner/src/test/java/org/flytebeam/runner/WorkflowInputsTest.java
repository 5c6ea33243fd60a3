package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Interface.Parameter;
import flyteidl.core.Interface.ParameterMap;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.util.List;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.LaunchPlanDef;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

class WorkflowInputsTest {
  private static final Variable INT =
      Variable.newBuilder().setType(LiteralType.newBuilder().setSimpleValue(1)).build();

  /** A graph of inputs a, b, c and no nodes: only its interface matters here. */
  private static final ExecutionGraph GRAPH =
      new ExecutionGraph(
          "wf",
          TypedInterface.newBuilder()
              .setInputs(
                  VariableMap.newBuilder()
                      .putVariables("a", INT)
                      .putVariables("b", INT)
                      .putVariables("c", INT))
              .build(),
          List.of(),
          List.of(),
          OnFailurePolicy.FAIL_IMMEDIATELY);

  private static final LaunchPlanDef LP =
      new LaunchPlanDef(
          "lp",
          "wf",
          ParameterMap.newBuilder()
              .putParameters("a", Parameter.newBuilder().setVar(INT).setRequired(true).build())
              .putParameters(
                  "b", Parameter.newBuilder().setVar(INT).setDefault(Literals.of(2)).build())
              .build(),
          LiteralMap.newBuilder().putLiterals("c", Literals.of(3)).build());

  private static LiteralMap given(String name, long value) {
    return LiteralMap.newBuilder().putLiterals(name, Literals.of(value)).build();
  }

  @Test
  void aLaunchPlanFillsItsDefaultsAndFixedInputs() {
    LiteralMap in = WorkflowInputs.of(new FlytePackage.LaunchPlanEntity(LP), GRAPH, given("a", 1));

    assertThat(in.getLiteralsMap())
        .containsEntry("a", Literals.of(1))
        .containsEntry("b", Literals.of(2))
        .containsEntry("c", Literals.of(3));
  }

  @Test
  void aGivenInputOverridesADefault() {
    LiteralMap in =
        WorkflowInputs.of(
            new FlytePackage.LaunchPlanEntity(LP),
            GRAPH,
            given("a", 1).toBuilder().putLiterals("b", Literals.of(20)).build());

    assertThat(in.getLiteralsMap()).containsEntry("b", Literals.of(20));
  }

  @Test
  void overridingAFixedInputOrMissingARequiredOneIsRefused() {
    assertThatThrownBy(
            () -> WorkflowInputs.of(new FlytePackage.LaunchPlanEntity(LP), GRAPH, given("c", 9)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input [c] is fixed by launch plan [lp]")
        .hasMessageContaining("input [a] of [lp] is required");
  }

  @Test
  void aWorkflowNeedsEveryInput() {
    WorkflowTemplate wf =
        WorkflowTemplate.newBuilder()
            .setId(flyteidl.core.IdentifierOuterClass.Identifier.newBuilder().setName("wf"))
            .build();
    assertThatThrownBy(
            () -> WorkflowInputs.of(new FlytePackage.WorkflowEntity(wf), GRAPH, given("a", 1)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input [b] of [wf] is required")
        .hasMessageContaining("input [c] of [wf] is required");
  }
}

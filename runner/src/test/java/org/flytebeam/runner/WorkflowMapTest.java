package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Literals.Literal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.runner.WorkflowMaps.Criteria;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * Maps over launch plans on the DirectRunner: the contract over {@code [1,2,3,4]} with an element
 * workflow failing on 1, the launch plan's fixed and default inputs, the failure text naming the
 * node inside the element.
 */
class WorkflowMapTest {

  static WorkflowResult run(Criteria criteria, RunOptions options) {
    FlytePackage pkg = WorkflowMaps.mapOverLaunchPlan(criteria, Optional.empty(), Duration.ZERO);
    return FlyteBeam.runWorkflow(pkg, WorkflowMaps.TOP, WorkflowMaps.xs(1, 2, 3, 4), options);
  }

  static List<Literal> outputs(WorkflowResult r) {
    return r.outputs().getLiteralsOrThrow("o0").getCollection().getLiteralsList();
  }

  static final List<Literal> EXPECTED =
      List.of(Literals.none(), Literals.of(20), Literals.of(30), Literals.of(40));

  @Test
  void enoughElementsSucceedingGiveNoneForTheFailedOneAndTheOthersInOrder() {
    for (Criteria c :
        List.of(Criteria.ratio(0.75f), Criteria.ratio(0.5f), Criteria.min(1), Criteria.min(3))) {
      WorkflowResult r = run(c, RunOptions.defaults());

      assertThat(r.success()).as(c + ": " + r.error()).isTrue();
      assertThat(outputs(r)).as(c.toString()).isEqualTo(EXPECTED);
    }
  }

  @Test
  void tooFewSucceedingFailsTheRunNamingTheElementTheNodeInsideAndItsError() {
    List<String> errors = new ArrayList<>();
    for (Criteria c : List.of(Criteria.min(4), Criteria.all())) {
      WorkflowResult r = run(c, RunOptions.defaults());

      assertThat(r.success()).as(c.toString()).isFalse();
      errors.add(r.error().orElseThrow());
    }
    assertThat(errors)
        .allSatisfy(
            e ->
                assertThat(e)
                    .contains("node [n0] failed")
                    .contains("[0]: n0 (fail_if_equal): ")
                    .contains("x must not be 1"));
  }

  @Test
  void aFixedInputCannotBeBoundOnTheMap() {
    FlytePackage pkg =
        WorkflowMaps.mapOverLaunchPlan(Criteria.all(), Optional.empty(), Duration.ZERO);
    var top = pkg.workflows().get(WorkflowMaps.TOP).toBuilder();
    top.getNodesBuilder(0).addInputs(WorkflowMaps.promise("bad", "start-node", "xs"));
    FlytePackage bound = WorkflowMaps.pkg(top.build(), pkg.workflows().get("wf.element"));

    assertThatThrownBy(
            () ->
                FlyteBeam.runWorkflow(
                    bound, WorkflowMaps.TOP, WorkflowMaps.xs(1), RunOptions.defaults()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input [bad] is fixed by launch plan [lp.element]");
  }

  @Test
  void aMissingLaunchPlanIsNamedWithTheNode() {
    FlytePackage pkg =
        WorkflowMaps.mapOverLaunchPlan(Criteria.all(), Optional.empty(), Duration.ZERO);
    FlytePackage missing =
        new FlytePackage(
            pkg.source(), pkg.tasks(), pkg.workflows(), java.util.Map.of(), Optional.empty());

    assertThatThrownBy(
            () ->
                FlyteBeam.runWorkflow(
                    missing, WorkflowMaps.TOP, WorkflowMaps.xs(1), RunOptions.defaults()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("node [n0]")
        .hasMessageContaining("launch plan [lp.element] is not in [test]");
  }
}

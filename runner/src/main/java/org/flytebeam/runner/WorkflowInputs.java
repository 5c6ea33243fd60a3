package org.flytebeam.runner;

import flyteidl.core.Interface.Parameter;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.LaunchPlanDef;

/**
 * The inputs a run gives its entity, checked before anything runs: keyed by the entity's input
 * names, a launch plan's defaults filling what is not given, its fixed inputs not to be given.
 */
final class WorkflowInputs {
  private WorkflowInputs() {}

  /**
   * The workflow inputs of {@code graph} for a run of {@code entity} given {@code given}.
   *
   * @throws InvalidDefinitionException listing every unknown, missing or fixed input given
   */
  static LiteralMap of(FlytePackage.Entity entity, ExecutionGraph graph, LiteralMap given) {
    List<String> problems = new ArrayList<>();
    Map<String, Literal> in = given.getLiteralsMap();
    java.util.Set<String> declared = graph.iface().getInputs().getVariablesMap().keySet();
    for (String name : in.keySet()) {
      if (!declared.contains(name)) {
        problems.add(
            "input ["
                + name
                + "] is not an input of ["
                + entity.name()
                + "] (inputs: "
                + new TreeSet<>(declared)
                + ")");
      }
    }
    LiteralMap.Builder out = LiteralMap.newBuilder();
    if (entity instanceof FlytePackage.LaunchPlanEntity lpe) {
      LaunchPlanDef lp = lpe.launchPlan();
      for (String name : in.keySet()) {
        if (lp.fixedInputs().getLiteralsMap().containsKey(name)) {
          problems.add(
              "input ["
                  + name
                  + "] is fixed by launch plan ["
                  + lp.name()
                  + "]: remove it from the inputs");
        }
      }
      for (Map.Entry<String, Parameter> p : lp.defaultInputs().getParametersMap().entrySet()) {
        if (p.getValue().hasDefault()) {
          out.putLiterals(p.getKey(), p.getValue().getDefault());
        }
      }
      out.putAllLiterals(in);
      out.putAllLiterals(lp.fixedInputs().getLiteralsMap());
    } else {
      out.putAllLiterals(in);
    }
    for (String name : declared) {
      if (!out.getLiteralsMap().containsKey(name)) {
        problems.add(
            "input [" + name + "] of [" + entity.name() + "] is required: give it in --inputs");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return out.build();
  }
}

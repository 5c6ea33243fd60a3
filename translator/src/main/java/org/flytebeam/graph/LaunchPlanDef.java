package org.flytebeam.graph;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Interface.ParameterMap;
import flyteidl.core.Literals.LiteralMap;
import java.io.Serializable;

/**
 * A launch plan as a package holds it: the workflow it launches, by name, with its default inputs
 * (which a run may override) and its fixed inputs (which it may not).
 *
 * @param name the launch plan's name (it may differ from its workflow's)
 * @param workflowName the name of the workflow it launches
 * @param defaultInputs the launch plan's parameters: every input with its type, a default or
 *     required
 * @param fixedInputs inputs set by the launch plan, not given by a run
 */
public record LaunchPlanDef(
    String name, String workflowName, ParameterMap defaultInputs, LiteralMap fixedInputs)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public LaunchPlanDef {
    requireNonNull(name, "name");
    requireNonNull(workflowName, "workflowName");
    requireNonNull(defaultInputs, "defaultInputs");
    requireNonNull(fixedInputs, "fixedInputs");
  }

  /**
   * The workflow inputs of one launch: the defaults, overridden by {@code given}, and the fixed
   * inputs, which nothing overrides.
   */
  public LiteralMap inputsWith(LiteralMap given) {
    LiteralMap.Builder in = LiteralMap.newBuilder();
    defaultInputs
        .getParametersMap()
        .forEach(
            (name, p) -> {
              if (p.hasDefault()) {
                in.putLiterals(name, p.getDefault());
              }
            });
    in.putAllLiterals(given.getLiteralsMap());
    in.putAllLiterals(fixedInputs.getLiteralsMap());
    return in.build();
  }
}

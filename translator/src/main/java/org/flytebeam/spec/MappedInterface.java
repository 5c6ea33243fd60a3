package org.flytebeam.spec;

import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Types.LiteralType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.types.LiteralTypes;

/**
 * The interface of a map task, from the interface of the task it maps (SPEC section 2), and back.
 *
 * <ul>
 *   <li>every input that is not bound becomes {@code List[T]} ({@code List[X]} becomes {@code
 *       List[List[X]]});
 *   <li>bound inputs keep their type: they are passed whole to every element;
 *   <li>every output becomes {@code List[T]}, or {@code List[Optional[T]]} when a {@code
 *       min_success_ratio} is set and is not 1 (flytekit's rule), so failed elements can be {@code
 *       None}. Any number of outputs is allowed.
 * </ul>
 *
 * <p>For example {@code (a: int, b: float, c: str) -> str} with {@code c} bound maps to {@code (a:
 * List[int], b: List[float], c: str) -> List[str]}.
 */
public final class MappedInterface {
  private MappedInterface() {}

  /** Whether the outputs are {@code List[Optional[T]]}: a ratio is set and is not 1. */
  public static boolean outputsOptional(Optional<Float> minSuccessRatio) {
    return minSuccessRatio.isPresent() && minSuccessRatio.get() != 1f;
  }

  /** The mapped interface of a task whose interface (one invocation's) is {@code scalar}. */
  public static TypedInterface of(
      TypedInterface scalar, Collection<String> boundInputs, Optional<Float> minSuccessRatio) {
    boolean optional = outputsOptional(minSuccessRatio);
    VariableMap.Builder inputs = VariableMap.newBuilder();
    for (Map.Entry<String, Variable> in : scalar.getInputs().getVariablesMap().entrySet()) {
      Variable v = in.getValue();
      inputs.putVariables(
          in.getKey(),
          boundInputs.contains(in.getKey())
              ? v
              : v.toBuilder().setType(LiteralTypes.listOf(v.getType())).build());
    }
    VariableMap.Builder outputs = VariableMap.newBuilder();
    for (Map.Entry<String, Variable> out : scalar.getOutputs().getVariablesMap().entrySet()) {
      Variable v = out.getValue();
      LiteralType element = optional ? LiteralTypes.optionalOf(v.getType()) : v.getType();
      outputs.putVariables(
          out.getKey(), v.toBuilder().setType(LiteralTypes.listOf(element)).build());
    }
    return TypedInterface.newBuilder().setInputs(inputs).setOutputs(outputs).build();
  }

  /**
   * The interface of one invocation, from a mapped (list form) interface as flytekit writes it in a
   * sub-task template with {@code is_original_sub_node_interface} false, or in a legacy {@code
   * container_array} template: one collection level comes off every input that is not bound and off
   * every output, and the {@code Optional} that the ratio rule put on output elements comes off
   * too. An {@code Optional} the task declared itself can not be told apart from that one when the
   * rule applies, and comes off as well.
   *
   * @param where names the template, for messages
   * @throws InvalidDefinitionException listing every input or output that is not a collection
   */
  public static TypedInterface toScalar(
      TypedInterface mapped,
      Collection<String> boundInputs,
      Optional<Float> minSuccessRatio,
      String where) {
    List<String> problems = new ArrayList<>();
    TypedInterface scalar = toScalar(mapped, boundInputs, minSuccessRatio, where, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return scalar;
  }

  static TypedInterface toScalar(
      TypedInterface mapped,
      Collection<String> boundInputs,
      Optional<Float> minSuccessRatio,
      String where,
      List<String> problems) {
    boolean optional = outputsOptional(minSuccessRatio);
    VariableMap.Builder inputs = VariableMap.newBuilder();
    for (Map.Entry<String, Variable> in : mapped.getInputs().getVariablesMap().entrySet()) {
      Variable v = in.getValue();
      if (boundInputs.contains(in.getKey())) {
        inputs.putVariables(in.getKey(), v);
      } else if (LiteralTypes.isCollection(v.getType())) {
        inputs.putVariables(
            in.getKey(), v.toBuilder().setType(LiteralTypes.elementType(v.getType())).build());
      } else {
        problems.add(
            String.format(
                "input [%s] of %s is [%s], not a list: in a mapped (list form) interface every"
                    + " input that is not bound must be a list; list it in bound_inputs if it is"
                    + " passed whole",
                in.getKey(), where, LiteralTypes.describe(v.getType())));
      }
    }
    VariableMap.Builder outputs = VariableMap.newBuilder();
    for (Map.Entry<String, Variable> out : mapped.getOutputs().getVariablesMap().entrySet()) {
      Variable v = out.getValue();
      if (LiteralTypes.isCollection(v.getType())) {
        LiteralType element = LiteralTypes.elementType(v.getType());
        if (optional) {
          element = LiteralTypes.stripOptional(element);
        }
        outputs.putVariables(out.getKey(), v.toBuilder().setType(element).build());
      } else {
        problems.add(
            String.format(
                "output [%s] of %s is [%s], not a list: in a mapped (list form) interface every"
                    + " output must be a list",
                out.getKey(), where, LiteralTypes.describe(v.getType())));
      }
    }
    return TypedInterface.newBuilder().setInputs(inputs).setOutputs(outputs).build();
  }
}

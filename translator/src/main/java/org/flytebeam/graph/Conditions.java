package org.flytebeam.graph;

import flyteidl.core.Condition.BooleanExpression;

/**
 * Evaluates a branch node's condition as flytepropeller does: comparisons of primitives, scalars
 * and promised values, conjunctions and disjunctions.
 */
public final class Conditions {
  private Conditions() {}

  /**
   * Whether {@code expression} holds, its variables read from {@code promises}.
   *
   * @throws BindingException when an operand has no value or two operands cannot be compared
   */
  @SuppressWarnings("DoNotCallSuggester") // a placeholder until the body is written
  public static boolean evaluate(BooleanExpression expression, Promises promises) {
    throw new UnsupportedOperationException("Conditions.evaluate: not written yet");
  }
}

package org.flytebeam.graph;

import flyteidl.core.Types.LiteralType;
import java.util.Optional;

/**
 * Whether a value of one Flyte type may be bound to an input of another, by the rules of
 * flytepropeller's compiler (its type-checker of bindings).
 */
public final class TypeChecks {
  private TypeChecks() {}

  /**
   * Empty when a value of type {@code upstream} may be bound to an input of type {@code
   * downstream}; otherwise why not, in a phrase naming both types.
   */
  @SuppressWarnings("DoNotCallSuggester") // a placeholder until the body is written
  public static Optional<String> castProblem(LiteralType upstream, LiteralType downstream) {
    throw new UnsupportedOperationException("TypeChecks.castProblem: not written yet");
  }
}

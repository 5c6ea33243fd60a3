package org.flytebeam.graph;

import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;

/**
 * Turns a node's input binding into the literal its task receives: scalars as written, collections
 * and maps of bindings element by element, promises on upstream outputs (with their {@code
 * attr_path}), unions wrapped as their {@code union} info says.
 */
public final class BindingResolver {
  private BindingResolver() {}

  /**
   * The literal {@code data} denotes, its promises read from {@code promises}.
   *
   * @throws BindingException naming the binding when a promise has no value or its attribute path
   *     does not lead to one
   */
  @SuppressWarnings("DoNotCallSuggester") // a placeholder until the body is written
  public static Literal resolve(BindingData data, Promises promises) {
    throw new UnsupportedOperationException("BindingResolver.resolve: not written yet");
  }
}

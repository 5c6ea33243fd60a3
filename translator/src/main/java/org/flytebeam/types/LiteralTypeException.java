package org.flytebeam.types;

import java.util.List;
import org.flytebeam.InvalidDefinitionException;

/**
 * A Java type has no Flyte equivalent, or a value does not fit its declared Flyte type. The message
 * names the variable, the expected type and what was found, e.g. {@code input [a] expects [int] but
 * found [str "x"]}.
 */
public class LiteralTypeException extends InvalidDefinitionException {
  private static final long serialVersionUID = 1L;

  /** One problem, e.g. {@code input [a] expects [int] but found [str "x"]}. */
  public LiteralTypeException(String problem) {
    super(problem);
  }

  /** Several problems found together, e.g. every bad key of a JSON object. */
  public LiteralTypeException(List<String> problems) {
    super(problems);
  }

  /** One problem, caused by another exception. */
  public LiteralTypeException(String problem, Throwable cause) {
    super(problem, cause);
  }
}

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

  public LiteralTypeException(String problem) {
    super(problem);
  }

  public LiteralTypeException(List<String> problems) {
    super(problems);
  }

  public LiteralTypeException(String problem, Throwable cause) {
    super(problem, cause);
  }
}

package org.flytebeam;

import java.util.List;

/**
 * A map-task definition, its settings or its inputs are wrong; found before any element runs. It
 * carries every problem found, not only the first.
 */
public class InvalidDefinitionException extends FlyteBeamException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InvalidDefinitionException(String problem) {
    this(List.of(problem));
  }

  public InvalidDefinitionException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidDefinitionException(String problem, Throwable cause) {
    super(problem, cause);
    this.problems = List.of(problem);
  }

  public List<String> problems() {
    return problems;
  }
}

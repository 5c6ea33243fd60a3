package org.flytebeam.runner;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.flytebeam.exec.ElementStatus;

/**
 * The result of {@link FlyteBeam#map}: each element's output record (empty unless it succeeded) and
 * outcome, in index order, and the map's verdict.
 *
 * <pre>{@code
 * TypedMapResult<SayHello.Output> result =
 *     FlyteBeam.map(new SayHello(), List.of(new SayHello.Input("earth")), RunOptions.defaults());
 * result.outputs().get(0).map(SayHello.Output::o0);   // Optional["hello earth!"]
 * }</pre>
 *
 * @param success whether the map met its success criteria
 * @param summary the one-line verdict, as the command prints it
 * @param elements every element, in index order
 * @param <O> the task's output record
 */
public record TypedMapResult<O extends Record>(
    boolean success, String summary, List<Element<O>> elements) {

  public TypedMapResult {
    requireNonNull(summary, "summary");
    elements = List.copyOf(elements);
  }

  /**
   * One element's outcome.
   *
   * @param index its index in the inputs
   * @param status how it ended
   * @param output its output record; present only when it succeeded
   * @param attempts attempts made (0: never ran, or its output came from the cache)
   * @param durationMillis from its first attempt's start to its last attempt's end
   * @param error the error of its last attempt; empty when it succeeded
   * @param cacheHit whether its output came from the element cache
   * @param <O> the task's output record
   */
  public record Element<O extends Record>(
      long index,
      ElementStatus status,
      Optional<O> output,
      int attempts,
      long durationMillis,
      Optional<String> error,
      boolean cacheHit) {
    public Element {
      requireNonNull(status, "status");
      requireNonNull(output, "output");
      requireNonNull(error, "error");
    }
  }

  /** Each element's output in index order, empty for an element that did not succeed. */
  public List<Optional<O>> outputs() {
    return elements.stream().map(Element::output).toList();
  }

  /** The elements that did not succeed. */
  public List<Element<O>> failures() {
    return elements.stream().filter(e -> !e.status().succeeded()).toList();
  }
}

package org.flytebeam.spec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A flytekit task's container command line, as flytekit 1.16 writes it for a Python function task:
 * {@code [pyflyte-fast-execute --additional-distribution D --dest-dir T --] pyflyte-execute
 * --inputs {{.input}} ... --resolver R -- <R's loader args>}. A map over such a task runs {@code
 * pyflyte-map-execute} with flytekit's map resolver, which loads the task through {@code R} and
 * knows the bound inputs from {@code vars <csv>}: see {@link #mapArgs}.
 *
 * @param fastPrefix {@code pyflyte-fast-execute ... --} when the task is fast-registered, else
 *     empty
 * @param resolver the task's resolver, e.g. {@code
 *     flytekit.core.python_auto_container.default_task_resolver}
 * @param loaderArgs what follows the {@code --} after the resolver, e.g. {@code task-module m
 *     task-name f}
 */
public record FlytekitCommand(List<String> fastPrefix, String resolver, List<String> loaderArgs) {
  /** flytekit's command for one task. */
  public static final String EXECUTE = "pyflyte-execute";

  /** flytekit's command for an element of a map. */
  public static final String MAP_EXECUTE = "pyflyte-map-execute";

  /** flytekit's wrapper of a fast-registered task's command. */
  public static final String FAST_EXECUTE = "pyflyte-fast-execute";

  /** The resolver of {@code map_task} (ArrayNode form). */
  public static final String ARRAY_NODE_RESOLVER =
      "flytekit.core.array_node_map_task.ArrayNodeMapTaskResolver";

  /** The resolver of the legacy {@code MapPythonTask} ({@code container_array}). */
  public static final String LEGACY_RESOLVER = "flytekit.core.legacy_map_task.MapTaskResolver";

  public FlytekitCommand {
    fastPrefix = List.copyOf(fastPrefix);
    requireNonNull(resolver, "resolver");
    loaderArgs = List.copyOf(loaderArgs);
  }

  /**
   * The flytekit command in {@code args} (a container's command then args), when they run {@code
   * pyflyte-execute} (fast-registered or not) with a resolver; empty for any other program.
   */
  public static Optional<FlytekitCommand> parse(List<String> args) {
    int start = 0;
    if (!args.isEmpty() && args.get(0).equals(FAST_EXECUTE)) {
      start = args.indexOf("--") + 1;
      if (start == 0) {
        return Optional.empty();
      }
    }
    if (start >= args.size() || !args.get(start).equals(EXECUTE)) {
      return Optional.empty();
    }
    List<String> rest = args.subList(start, args.size());
    int resolverAt = rest.indexOf("--resolver");
    int separator = rest.indexOf("--");
    if (resolverAt < 0 || resolverAt + 1 >= rest.size() || separator < resolverAt + 2) {
      return Optional.empty();
    }
    return Optional.of(
        new FlytekitCommand(
            args.subList(0, start),
            rest.get(resolverAt + 1),
            rest.subList(separator + 1, rest.size())));
  }

  /**
   * The container args of a map over this task, as flytekit's {@code ArrayNodeMapTask} and {@code
   * MapPythonTask} write them: the fast prefix, {@code pyflyte-map-execute} with the map resolver,
   * then {@code vars <bound csv> resolver <this resolver> <its loader args>}.
   *
   * @param mapResolver {@link #ARRAY_NODE_RESOLVER} or {@link #LEGACY_RESOLVER}
   * @param boundCsv the bound input names, sorted, joined by commas ({@code ""} for none)
   */
  public List<String> mapArgs(String mapResolver, String boundCsv) {
    List<String> args = new ArrayList<>(fastPrefix);
    args.add(MAP_EXECUTE);
    args.addAll(MapTask.CONTAINER_DATA_ARGS);
    args.addAll(List.of("--resolver", mapResolver, "--", "vars", boundCsv, "resolver", resolver));
    args.addAll(loaderArgs);
    return args;
  }
}

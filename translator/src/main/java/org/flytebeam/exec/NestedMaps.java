package org.flytebeam.exec;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.ExecutionGraph.ArrayCall;
import org.flytebeam.graph.ExecutionGraph.ArrayWorkflowCall;
import org.flytebeam.graph.ExecutionGraph.Branch;
import org.flytebeam.graph.ExecutionGraph.Case;
import org.flytebeam.graph.ExecutionGraph.GraphNode;
import org.flytebeam.graph.ExecutionGraph.LaunchPlanCall;
import org.flytebeam.graph.ExecutionGraph.SubWorkflow;
import org.flytebeam.graph.ExecutionGraph.TaskCall;
import org.flytebeam.graph.NodeOverrides;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.types.Literals;

/**
 * The pure rules of running a map over workflows "lifted" ({@link LiftedWorkflowMap}): which maps
 * are lifted, the waves of outer elements, an inner map's criteria applied per outer element, and
 * the outer map's verdict, each as the in-worker path ({@link WorkflowInvoker}) decides it. No Beam
 * here: everything is testable on plain values.
 */
public final class NestedMaps {
  private NestedMaps() {}

  /**
   * The most outer elements a lifted map runs: its elements' inputs, promises and outputs are held
   * by the driver; a bigger map over workflows runs in the workers (in-worker path).
   */
  public static final int MAX_ELEMENTS = 10_000;

  /**
   * The most (outer element, inner item) pairs one stage map gets; a stage with more runs as
   * several maps one after another, so no single map's inputs grow without bound.
   */
  public static final int MAX_PAIRS = 100_000;

  /** The error of an item the in-worker path never starts once its map can no longer succeed. */
  public static final String ABORTED = "aborted: the map could no longer succeed";

  /**
   * Whether {@code graph} holds a map at any depth: an array node (over a task or a workflow) or a
   * task node over a legacy {@code container_array} task, in its own nodes, its sub-workflows,
   * launch plans and branches.
   */
  public static boolean holdsMap(ExecutionGraph graph) {
    for (GraphNode n : graph.nodes()) {
      if (holdsMap(n)) {
        return true;
      }
    }
    return false;
  }

  private static boolean holdsMap(GraphNode n) {
    var target = n.target();
    if (target instanceof ArrayCall || target instanceof ArrayWorkflowCall) {
      return true;
    } else if (target instanceof TaskCall t) {
      return DefinitionReader.CONTAINER_ARRAY_TYPE.equals(
          NodeOverrides.apply(t.task(), n.metadata()).getType());
    } else if (target instanceof SubWorkflow s) {
      return holdsMap(s.graph());
    } else if (target instanceof LaunchPlanCall l) {
      return holdsMap(l.graph());
    } else if (target instanceof Branch b) {
      for (Case c : b.cases()) {
        if (holdsMap(c.then())) {
          return true;
        }
      }
      return b.elseNode().map(NestedMaps::holdsMap).orElse(false);
    }
    return false;
  }

  /**
   * Why {@code graph}'s maps cannot run lifted, or empty: a map over a task that runs as a process
   * (its items would see other array indices and input files than inside one element) keeps the
   * in-worker path.
   */
  public static Optional<String> unliftable(ExecutionGraph graph) {
    for (GraphNode n : graph.nodes()) {
      Optional<String> why = unliftable(n);
      if (why.isPresent()) {
        return why;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> unliftable(GraphNode n) {
    var target = n.target();
    boolean taskMap =
        target instanceof ArrayCall
            || (target instanceof TaskCall t
                && DefinitionReader.CONTAINER_ARRAY_TYPE.equals(
                    NodeOverrides.apply(t.task(), n.metadata()).getType()));
    if (taskMap) {
      if (!WorkflowInvoker.buildSpec(n).subTask().isJavaTask()) {
        return Optional.of("node [" + n.id() + "] maps a task that runs as a process");
      }
    } else if (target instanceof ArrayWorkflowCall a) {
      return unliftable(a.graph());
    } else if (target instanceof SubWorkflow s) {
      return unliftable(s.graph());
    } else if (target instanceof LaunchPlanCall l) {
      return unliftable(l.graph());
    } else if (target instanceof Branch b) {
      for (Case c : b.cases()) {
        Optional<String> why = unliftable(c.then());
        if (why.isPresent()) {
          return why;
        }
      }
      if (b.elseNode().isPresent()) {
        return unliftable(b.elseNode().get());
      }
    }
    return Optional.empty();
  }

  /**
   * The waves in which {@code size} outer elements run: all at once, or, with a parallelism N above
   * 0 and below the size, consecutive groups of at most N (an element's workflow is in flight from
   * its first node to its last, so at most N are).
   *
   * @return each wave as {@code [start, end)}
   */
  public static List<int[]> waves(int size, OptionalInt parallelism) {
    int n =
        parallelism.isPresent() && parallelism.getAsInt() > 0 && parallelism.getAsInt() < size
            ? parallelism.getAsInt()
            : Math.max(size, 1);
    List<int[]> waves = new ArrayList<>();
    for (int start = 0; start < size; start += n) {
      waves.add(new int[] {start, Math.min(size, start + n)});
    }
    return waves;
  }

  /** Whether a map that needs {@code required} of {@code size} can still succeed. */
  public static boolean canStillSucceed(long size, long required, long failed) {
    return size - failed >= required;
  }

  /**
   * One item of an inner map, as it ended in its stage: its outputs, or its error ({@code ""} when
   * it succeeded).
   */
  public record Item(List<Literal> outputs, String error) {
    public Item {
      outputs = List.copyOf(outputs);
      Objects.requireNonNull(error, "error");
    }

    public boolean succeeded() {
      return error.isEmpty();
    }
  }

  /**
   * The items the in-worker path would have run (one after another), given every item's outcome:
   * with fail fast ({@code runAll} false), an item after which the map can no longer succeed is
   * followed by items marked {@link #ABORTED} (never started there, so their counts and cache hits
   * are not the element's).
   *
   * @return per item whether it counts as run
   */
  public static boolean[] ranInWorker(List<Item> items, long required, boolean runAll) {
    boolean[] ran = new boolean[items.size()];
    long failed = 0;
    for (int j = 0; j < items.size(); j++) {
      ran[j] = runAll || canStillSucceed(items.size(), required, failed);
      if (!ran[j] || !items.get(j).succeeded()) {
        failed++;
      }
    }
    return ran;
  }

  /**
   * An inner map's node inside one outer element, decided by its own criteria as the in-worker path
   * decides it: per output one list in item order ({@code none} for a failed or aborted item), or
   * the node's error {@code <path> (<what>): S of N elements succeeded, R required; [j]: <first
   * error>}.
   *
   * @param ran from {@link #ranInWorker}: items not run count as aborted
   * @return the node's outputs, or its error
   */
  public static Decided decide(
      String path,
      String what,
      List<Item> items,
      boolean[] ran,
      long required,
      List<String> outputs) {
    int size = items.size();
    List<List<Literal>> lists = new ArrayList<>();
    outputs.forEach(o -> lists.add(new ArrayList<>(size)));
    long failed = 0;
    String firstError = "";
    for (int j = 0; j < size; j++) {
      Item item = ran[j] ? items.get(j) : new Item(List.of(), ABORTED);
      boolean ok = item.succeeded() && item.outputs().size() == outputs.size();
      if (!ok) {
        failed++;
        if (firstError.isEmpty()) {
          firstError = "[" + j + "]: " + item.error();
        }
      }
      for (int k = 0; k < outputs.size(); k++) {
        lists.get(k).add(ok ? item.outputs().get(k) : Literals.none());
      }
    }
    long succeeded = size - failed;
    if (succeeded < required) {
      return new Decided(
          LiteralMap.getDefaultInstance(),
          path
              + " ("
              + what
              + "): "
              + succeeded
              + " of "
              + size
              + " elements succeeded, "
              + required
              + " required; "
              + firstError);
    }
    LiteralMap.Builder out = LiteralMap.newBuilder();
    for (int k = 0; k < outputs.size(); k++) {
      out.putLiterals(outputs.get(k), Literals.collection(lists.get(k)));
    }
    return new Decided(out.build(), "");
  }

  /** A node's end for one element: its outputs, or its error ({@code ""}: it succeeded). */
  public record Decided(LiteralMap outputs, String error) {
    public Decided {
      Objects.requireNonNull(outputs, "outputs");
      Objects.requireNonNull(error, "error");
    }

    public boolean succeeded() {
      return error.isEmpty();
    }
  }

  /**
   * The outer map's verdict from its elements' outcomes, as the map's combine step sums them
   * (counts, error groups by index, the node executions inside the elements).
   */
  public static MapVerdict verdict(long size, long required, List<ElementOutcome> outcomes) {
    long succeeded = 0;
    long failed = 0;
    long timedOut = 0;
    long aborted = 0;
    long cacheHits = 0;
    NodeCounts nodes = NodeCounts.none();
    ErrorGroups errors = new ErrorGroups();
    for (ElementOutcome o : outcomes) {
      nodes = nodes.plus(o.nodes());
      switch (o.status()) {
        case SUCCEEDED:
          succeeded++;
          cacheHits += o.cacheHit() ? 1 : 0;
          continue;
        case FAILED:
          failed++;
          break;
        case TIMED_OUT:
          timedOut++;
          break;
        case ABORTED:
          aborted++;
          break;
        default:
          throw new AssertionError(o.status());
      }
      errors.add(o.index(), o.error(), o.stackTrace());
    }
    return new MapVerdict(
        size,
        required,
        succeeded,
        failed,
        timedOut,
        aborted,
        errors,
        CacheCounts.none().withHits(cacheHits),
        nodes);
  }
}

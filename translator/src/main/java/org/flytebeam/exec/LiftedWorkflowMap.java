package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.flytebeam.graph.BindingException;
import org.flytebeam.graph.BindingResolver;
import org.flytebeam.graph.Conditions;
import org.flytebeam.graph.ExecutionGraph;
import org.flytebeam.graph.ExecutionGraph.ArrayCall;
import org.flytebeam.graph.ExecutionGraph.ArrayWorkflowCall;
import org.flytebeam.graph.ExecutionGraph.Branch;
import org.flytebeam.graph.ExecutionGraph.Case;
import org.flytebeam.graph.ExecutionGraph.GraphNode;
import org.flytebeam.graph.ExecutionGraph.LaunchPlanCall;
import org.flytebeam.graph.ExecutionGraph.Sleep;
import org.flytebeam.graph.ExecutionGraph.SubWorkflow;
import org.flytebeam.graph.ExecutionGraph.TaskCall;
import org.flytebeam.graph.LaunchPlanDef;
import org.flytebeam.graph.Promises;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.MappedInterface;
import org.flytebeam.types.Literals;

/**
 * Runs a map over workflows "lifted", on the driver: instead of one map whose every element runs
 * its whole workflow inside one worker ({@link WorkflowInvoker}), the element workflow's nodes are
 * walked in upstream order and each runs once for all live outer elements as one ordinary map (a
 * stage, run by {@link Stages}), so its items spread over every worker. A task node is a stage over
 * the elements; a map inside the elements is one stage over every (element, item) pair, then
 * regrouped per element and decided by its own criteria ({@link NestedMaps#decide}); a map over
 * workflows inside recurses with the pairs as elements; sub-workflows and launch plans recurse over
 * the same elements; a branch is evaluated per element and each chosen node runs for its partition;
 * a sleep sleeps once for the stage.
 *
 * <p>Every element's outcome, node path, error line and node count is the one the in-worker path
 * gives (an inner map's items as if run one after another). Not thread-safe: one per map.
 */
public final class LiftedWorkflowMap {

  /** Runs one stage: an ordinary map on the run's runner. */
  public interface Stages {
    /**
     * Runs {@code spec} over {@code inputs} (each a list of {@code size} items), every item to its
     * end whatever the others do.
     *
     * @param path the node path of the stage, inner indices as {@code []}
     * @return each item's outcome, in index order
     */
    List<ElementOutcome> run(String path, MapTaskSpec spec, LiteralMap inputs, int size);

    /** Sleeps for a sleep node's stage; false when the run was stopped while sleeping. */
    boolean sleep(Duration duration);
  }

  private final ArrayWorkflowCall call;
  private final Stages stages;
  private final IdentityHashMap<GraphNode, MapTaskSpec> specs = new IdentityHashMap<>();

  public LiftedWorkflowMap(ArrayWorkflowCall call, Stages stages) {
    this.call = requireNonNull(call, "call");
    this.stages = requireNonNull(stages, "stages");
  }

  /** What one workflow (an element's, a sub-workflow's, an item's) has done so far. */
  private static final class Frame {
    final Counts counts;
    final String prefix;
    final LiteralMap inputs;
    final Map<String, LiteralMap> done = new HashMap<>();
    final Set<String> failed = new HashSet<>();
    final List<String> errors = new ArrayList<>();
    boolean stopped;
    final Promises promises;

    Frame(Counts counts, String prefix, LiteralMap inputs) {
      this.counts = counts;
      this.prefix = prefix;
      this.inputs = inputs;
      this.promises =
          (nodeId, var) -> {
            if (nodeId.isEmpty() || nodeId.equals(Promises.START_NODE)) {
              return Optional.ofNullable(this.inputs.getLiteralsMap().get(var));
            }
            LiteralMap outputs = done.get(nodeId);
            return outputs == null
                ? Optional.empty()
                : Optional.ofNullable(outputs.getLiteralsMap().get(var));
          };
    }
  }

  /** An element's node executions, counted as {@link WorkflowInvoker} counts them. */
  private static final class Counts {
    long started;
    long succeeded;
    long failed;
    long cacheHits;
    boolean aborted;

    NodeCounts value() {
      return new NodeCounts(started, succeeded, failed, cacheHits);
    }

    void add(Counts other) {
      started += other.started;
      succeeded += other.succeeded;
      failed += other.failed;
      cacheHits += other.cacheHits;
    }
  }

  /** One run of a node for one workflow: the node's path there. */
  private record Call(Frame frame, String path) {}

  /**
   * Runs the map's elements.
   *
   * @param elements each outer element's inputs (as the map gives them to the element: mapped items
   *     and bound values, by element input name)
   * @param outputNames the element's outputs, in the map's sub-task order
   * @param required successes the outer map needs
   * @param runAll whether every element runs to its end even once the map can no longer succeed
   * @param parallelism the outer map's parallelism (waves of at most N elements)
   * @return every element's outcome, in index order
   */
  public List<ElementOutcome> run(
      List<Map<String, Literal>> elements,
      List<String> outputNames,
      long required,
      boolean runAll,
      OptionalInt parallelism) {
    int size = elements.size();
    ElementOutcome[] outcomes = new ElementOutcome[size];
    long failed = 0;
    for (int[] wave : NestedMaps.waves(size, parallelism)) {
      if (!runAll && !NestedMaps.canStillSucceed(size, required, failed)) {
        for (int i = wave[0]; i < wave[1]; i++) {
          outcomes[i] = ElementOutcome.aborted(i);
        }
        continue;
      }
      long startMillis = System.currentTimeMillis();
      long startNanos = System.nanoTime();
      List<Frame> frames = new ArrayList<>();
      for (int i = wave[0]; i < wave[1]; i++) {
        LiteralMap given = LiteralMap.newBuilder().putAllLiterals(elements.get(i)).build();
        LiteralMap in = call.launchPlan().map(lp -> lp.inputsWith(given)).orElse(given);
        frames.add(new Frame(new Counts(), "", in));
      }
      long failedBefore = failed;
      List<NestedMaps.Decided> ends =
          walk(
              frames,
              "",
              call.graph(),
              new OuterCheck(size, required, runAll, failedBefore, frames));
      long millis = (System.nanoTime() - startNanos) / 1_000_000;
      for (int k = 0; k < frames.size(); k++) {
        int i = wave[0] + k;
        Frame f = frames.get(k);
        NestedMaps.Decided end = ends.get(k);
        NodeCounts nodes = f.counts.value();
        if (f.counts.aborted) {
          outcomes[i] = ElementOutcome.aborted(i).withNodes(nodes);
          failed++;
          continue;
        }
        String error = end.error();
        List<Literal> outputs = new ArrayList<>();
        if (error.isEmpty()) {
          for (String name : outputNames) {
            Literal v = end.outputs().getLiteralsMap().get(name);
            if (v == null) {
              error = "the workflow did not produce output [" + name + "]";
              break;
            }
            outputs.add(v);
          }
        }
        if (error.isEmpty()) {
          outcomes[i] =
              new ElementOutcome(
                  i,
                  ElementStatus.SUCCEEDED,
                  1,
                  startMillis,
                  millis,
                  "",
                  outputs,
                  false,
                  List.of(),
                  nodes);
        } else {
          failed++;
          outcomes[i] =
              new ElementOutcome(
                  i,
                  ElementStatus.FAILED,
                  1,
                  startMillis,
                  millis,
                  error,
                  List.of(),
                  false,
                  List.of(new AttemptError(1, error, "")),
                  nodes);
        }
      }
    }
    return List.of(outcomes);
  }

  /**
   * The outer map's fail fast, between the top-level nodes of a wave: an element whose workflow
   * fails immediately is failed once one of its nodes failed; when the map can then no longer
   * succeed, every element of the wave not failed is aborted.
   */
  private static final class OuterCheck {
    private final long size;
    private final long required;
    private final boolean runAll;
    private final long failedBefore;
    private final List<Frame> frames;

    OuterCheck(long size, long required, boolean runAll, long failedBefore, List<Frame> frames) {
      this.size = size;
      this.required = required;
      this.runAll = runAll;
      this.failedBefore = failedBefore;
      this.frames = frames;
    }

    /** After a top-level node; {@code last}: every element not stopped has ended. */
    void afterNode(boolean last) {
      if (runAll || last) {
        return;
      }
      long failed = failedBefore;
      for (Frame f : frames) {
        if (!f.errors.isEmpty()) {
          failed++;
        }
      }
      if (!NestedMaps.canStillSucceed(size, required, failed)) {
        for (Frame f : frames) {
          if (f.errors.isEmpty()) {
            f.counts.aborted = true;
          }
        }
      }
    }
  }

  /** Runs {@code g} in every frame; per frame its outputs or its error. */
  private List<NestedMaps.Decided> walk(
      List<Frame> frames, String stagePrefix, ExecutionGraph g, OuterCheck outer) {
    for (int at = 0; at < g.nodes().size(); at++) {
      GraphNode n = g.nodes().get(at);
      List<Call> calls = new ArrayList<>();
      for (Frame f : frames) {
        if (f.counts.aborted || f.stopped) {
          continue;
        }
        if (n.upstream().stream().anyMatch(f.failed::contains)) {
          f.failed.add(n.id());
          continue;
        }
        if (!f.errors.isEmpty()
            && g.onFailure() != OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE) {
          f.stopped = true;
          continue;
        }
        calls.add(new Call(f, f.prefix + n.id()));
      }
      if (calls.isEmpty()) {
        continue;
      }
      List<NestedMaps.Decided> ends = counted(calls, stagePrefix + n.id(), n);
      for (int k = 0; k < calls.size(); k++) {
        Frame f = calls.get(k).frame();
        NestedMaps.Decided end = ends.get(k);
        if (end.succeeded()) {
          f.done.put(n.id(), end.outputs());
        } else {
          f.failed.add(n.id());
          f.errors.add(end.error());
        }
      }
      if (outer != null) {
        outer.afterNode(at == g.nodes().size() - 1);
      }
    }
    List<NestedMaps.Decided> out = new ArrayList<>(frames.size());
    for (Frame f : frames) {
      if (!f.errors.isEmpty()) {
        out.add(failure(String.join("; ", f.errors)));
        continue;
      }
      if (f.counts.aborted) {
        out.add(failure(NestedMaps.ABORTED));
        continue;
      }
      LiteralMap.Builder values = LiteralMap.newBuilder();
      String error = "";
      for (Binding b : g.outputs()) {
        try {
          values.putLiterals(b.getVar(), BindingResolver.resolve(b.getBinding(), f.promises));
        } catch (BindingException e) {
          error = f.prefix + "outputs input [" + b.getVar() + "]: " + e.getMessage();
          break;
        }
      }
      out.add(error.isEmpty() ? new NestedMaps.Decided(values.build(), "") : failure(error));
    }
    return out;
  }

  private static NestedMaps.Decided failure(String error) {
    return new NestedMaps.Decided(LiteralMap.getDefaultInstance(), error);
  }

  /** Runs node {@code n} for every call, each counted as one node execution of its element. */
  private List<NestedMaps.Decided> counted(List<Call> calls, String stagePath, GraphNode n) {
    calls.forEach(c -> c.frame().counts.started++);
    List<NestedMaps.Decided> ends = runNode(calls, stagePath, n);
    for (int k = 0; k < calls.size(); k++) {
      Counts counts = calls.get(k).frame().counts;
      if (ends.get(k).succeeded()) {
        counts.succeeded++;
      } else {
        counts.failed++;
      }
    }
    return ends;
  }

  /** A node input that cannot be resolved: the in-worker path's error line. */
  private static final class Unresolved extends Exception {
    private static final long serialVersionUID = 1L;

    Unresolved(String message) {
      super(message);
    }
  }

  private static LiteralMap inputsOf(String path, GraphNode n, Promises promises)
      throws Unresolved {
    LiteralMap.Builder in = LiteralMap.newBuilder();
    for (Binding b : n.inputs()) {
      try {
        in.putLiterals(b.getVar(), BindingResolver.resolve(b.getBinding(), promises));
      } catch (BindingException e) {
        throw new Unresolved(path + " input [" + b.getVar() + "]: " + e.getMessage());
      }
    }
    return in.build();
  }

  private MapTaskSpec specOf(GraphNode n) {
    return specs.computeIfAbsent(n, WorkflowInvoker::buildSpec);
  }

  private List<NestedMaps.Decided> runNode(List<Call> calls, String stagePath, GraphNode n) {
    var target = n.target();
    if (target instanceof TaskCall t) {
      MapTaskSpec spec = specOf(n);
      if (spec.form() == MapTaskSpec.Form.LEGACY) {
        return runTaskMap(calls, stagePath, n, spec);
      }
      return runTask(calls, stagePath, n, spec, t.task().getId().getName());
    } else if (target instanceof ArrayCall) {
      return runTaskMap(calls, stagePath, n, specOf(n));
    } else if (target instanceof ArrayWorkflowCall a) {
      return runWorkflowMap(calls, stagePath, n, a);
    } else if (target instanceof SubWorkflow s) {
      return runSubGraph(calls, stagePath, n, s.graph(), Optional.empty());
    } else if (target instanceof LaunchPlanCall l) {
      return runSubGraph(calls, stagePath, n, l.graph(), Optional.of(l.launchPlan()));
    } else if (target instanceof Branch b) {
      return runBranch(calls, stagePath, b);
    } else if (target instanceof Sleep s) {
      boolean slept = stages.sleep(s.duration());
      List<NestedMaps.Decided> out = new ArrayList<>();
      for (Call c : calls) {
        out.add(
            slept
                ? new NestedMaps.Decided(LiteralMap.getDefaultInstance(), "")
                : failure(c.path() + ": interrupted while sleeping"));
      }
      return out;
    }
    throw new AssertionError(target);
  }

  /** One item of a stage: which call it belongs to, and the values its task gets. */
  private record Pair(int call, Map<String, Literal> values) {}

  /**
   * Runs the pairs as stage maps (one per set of input names, at most {@link NestedMaps#MAX_PAIRS}
   * items each) and returns their outcomes in pair order.
   */
  private List<ElementOutcome> runPairs(
      String stagePath, MapTaskSpec spec, List<Pair> pairs, OptionalInt parallelism) {
    ElementOutcome[] outcomes = new ElementOutcome[pairs.size()];
    Map<Set<String>, List<Integer>> byNames = new LinkedHashMap<>();
    for (int p = 0; p < pairs.size(); p++) {
      byNames.computeIfAbsent(pairs.get(p).values().keySet(), k -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<Set<String>, List<Integer>> group : byNames.entrySet()) {
      List<Integer> members = group.getValue();
      for (int from = 0; from < members.size(); from += NestedMaps.MAX_PAIRS) {
        List<Integer> chunk =
            members.subList(from, Math.min(members.size(), from + NestedMaps.MAX_PAIRS));
        Map<String, LiteralCollection.Builder> lists = new LinkedHashMap<>();
        group.getKey().forEach(name -> lists.put(name, LiteralCollection.newBuilder()));
        for (int p : chunk) {
          pairs.get(p).values().forEach((name, v) -> lists.get(name).addLiterals(v));
        }
        LiteralMap.Builder inputs = LiteralMap.newBuilder();
        lists.forEach(
            (name, list) ->
                inputs.putLiterals(name, Literal.newBuilder().setCollection(list).build()));
        List<ElementOutcome> ran =
            stages.run(
                stagePath,
                stageSpec(spec, group.getKey(), parallelism),
                inputs.build(),
                chunk.size());
        if (ran.size() != chunk.size()) {
          throw new IllegalStateException(
              "stage [" + stagePath + "] gave " + ran.size() + " outcomes for " + chunk.size());
        }
        for (int k = 0; k < chunk.size(); k++) {
          outcomes[chunk.get(k)] = ran.get(k);
        }
      }
    }
    return List.of(outcomes);
  }

  /** A task node in every call: one stage over the calls. */
  private List<NestedMaps.Decided> runTask(
      List<Call> calls, String stagePath, GraphNode n, MapTaskSpec spec, String task) {
    NestedMaps.Decided[] out = new NestedMaps.Decided[calls.size()];
    List<Pair> pairs = new ArrayList<>();
    List<String> scalar =
        List.copyOf(spec.subTask().scalarInterface().getInputs().getVariablesMap().keySet());
    for (int k = 0; k < calls.size(); k++) {
      Call c = calls.get(k);
      try {
        LiteralMap in = inputsOf(c.path(), n, c.frame().promises);
        Map<String, Literal> values = new LinkedHashMap<>();
        for (String var : scalar) {
          Literal v = in.getLiteralsMap().get(var);
          if (v != null) {
            values.put(var, v);
          }
        }
        pairs.add(new Pair(k, values));
      } catch (Unresolved e) {
        out[k] = failure(e.getMessage());
      }
    }
    List<ElementOutcome> outcomes = runPairs(stagePath, spec, pairs, OptionalInt.empty());
    List<String> names =
        List.copyOf(spec.subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
    for (int p = 0; p < pairs.size(); p++) {
      int k = pairs.get(p).call();
      ElementOutcome o = outcomes.get(p);
      if (o.cacheHit()) {
        calls.get(k).frame().counts.cacheHits++;
      }
      if (o.status().succeeded()) {
        LiteralMap.Builder byName = LiteralMap.newBuilder();
        for (int j = 0; j < names.size() && j < o.outputs().size(); j++) {
          byName.putLiterals(names.get(j), o.outputs().get(j));
        }
        out[k] = new NestedMaps.Decided(byName.build(), "");
      } else {
        out[k] = failure(calls.get(k).path() + " (" + task + "): " + o.error().strip());
      }
    }
    return List.of(out);
  }

  /** The length of a map's mapped lists in {@code inputs}, as the in-worker path checks it. */
  private static int sizeOf(String path, LiteralMap inputs, List<String> mapped) throws Unresolved {
    int size = -1;
    for (String var : mapped) {
      Literal v = inputs.getLiteralsMap().get(var);
      if (v == null || !v.hasCollection()) {
        throw new Unresolved(path + ": mapped input [" + var + "] is not a list");
      }
      int count = v.getCollection().getLiteralsCount();
      if (size >= 0 && count != size) {
        throw new Unresolved(
            path + ": mapped inputs have different lengths (" + size + " and " + count + ")");
      }
      size = count;
    }
    return Math.max(size, 0);
  }

  /** A map over a task in every call: one stage over every (call, item) pair. */
  private List<NestedMaps.Decided> runTaskMap(
      List<Call> calls, String stagePath, GraphNode n, MapTaskSpec spec) {
    NestedMaps.Decided[] out = new NestedMaps.Decided[calls.size()];
    List<String> mapped = spec.mappedInputs();
    List<String> scalar =
        List.copyOf(spec.subTask().scalarInterface().getInputs().getVariablesMap().keySet());
    List<String> outputs =
        List.copyOf(spec.subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
    List<Pair> pairs = new ArrayList<>();
    int[] sizes = new int[calls.size()];
    for (int k = 0; k < calls.size(); k++) {
      Call c = calls.get(k);
      try {
        LiteralMap in = inputsOf(c.path(), n, c.frame().promises);
        sizes[k] = sizeOf(c.path(), in, mapped);
        for (int j = 0; j < sizes[k]; j++) {
          Map<String, Literal> values = new LinkedHashMap<>();
          for (String var : scalar) {
            Literal v = in.getLiteralsMap().get(var);
            if (v != null) {
              values.put(var, mapped.contains(var) ? v.getCollection().getLiterals(j) : v);
            }
          }
          pairs.add(new Pair(k, values));
        }
      } catch (Unresolved e) {
        out[k] = failure(e.getMessage());
      }
    }
    // The inner map's bound holds per element: as many items at once in all as in the elements.
    OptionalInt parallelism = OptionalInt.empty();
    if (spec.parallelism().isPresent() && spec.parallelism().getAsInt() > 0) {
      long elements = java.util.Arrays.stream(sizes).filter(z -> z > 0).count();
      parallelism =
          OptionalInt.of(
              (int) Math.min(Integer.MAX_VALUE, spec.parallelism().getAsInt() * elements));
    }
    List<ElementOutcome> outcomes = runPairs(stagePath + "[]", spec, pairs, parallelism);
    int p = 0;
    for (int k = 0; k < calls.size(); k++) {
      if (out[k] != null) {
        continue;
      }
      List<NestedMaps.Item> items = new ArrayList<>(sizes[k]);
      List<ElementOutcome> mine = outcomes.subList(p, p + sizes[k]);
      p += sizes[k];
      for (ElementOutcome o : mine) {
        items.add(
            o.status().succeeded()
                ? new NestedMaps.Item(o.outputs(), "")
                : new NestedMaps.Item(List.of(), o.error().strip()));
      }
      long required = spec.requiredSuccesses(sizes[k]);
      boolean[] ran = NestedMaps.ranInWorker(items, required, spec.runAllSubNodes());
      for (int j = 0; j < ran.length; j++) {
        if (ran[j] && mine.get(j).cacheHit()) {
          calls.get(k).frame().counts.cacheHits++;
        }
      }
      out[k] =
          NestedMaps.decide(
              calls.get(k).path(), spec.subTask().id().name(), items, ran, required, outputs);
    }
    return List.of(out);
  }

  /** A map over workflows in every call: its items' workflows walked together as frames. */
  private List<NestedMaps.Decided> runWorkflowMap(
      List<Call> calls, String stagePath, GraphNode n, ArrayWorkflowCall a) {
    NestedMaps.Decided[] out = new NestedMaps.Decided[calls.size()];
    List<String> elementInputs =
        List.copyOf(a.elementInterface().getInputs().getVariablesMap().keySet());
    List<String> bound = a.arrayNode().getBoundInputsList();
    List<String> outputs =
        List.copyOf(a.elementInterface().getOutputs().getVariablesMap().keySet());
    List<Frame> items = new ArrayList<>();
    int[] sizes = new int[calls.size()];
    for (int k = 0; k < calls.size(); k++) {
      Call c = calls.get(k);
      try {
        LiteralMap in = inputsOf(c.path(), n, c.frame().promises);
        List<String> mapped =
            elementInputs.stream()
                .filter(v -> !bound.contains(v) && in.getLiteralsMap().containsKey(v))
                .toList();
        sizes[k] = sizeOf(c.path(), in, mapped);
        for (int j = 0; j < sizes[k]; j++) {
          LiteralMap.Builder given = LiteralMap.newBuilder();
          for (String var : elementInputs) {
            Literal v = in.getLiteralsMap().get(var);
            if (v != null) {
              given.putLiterals(var, mapped.contains(var) ? v.getCollection().getLiterals(j) : v);
            }
          }
          LiteralMap itemInputs =
              a.launchPlan().map(lp -> lp.inputsWith(given.build())).orElse(given.build());
          items.add(new Frame(new Counts(), c.path() + "[" + j + "]/", itemInputs));
        }
      } catch (Unresolved e) {
        out[k] = failure(e.getMessage());
      }
    }
    List<NestedMaps.Decided> ends = walk(items, stagePath + "[]/", a.graph(), null);
    String what = a.launchPlan().map(LaunchPlanDef::name).orElse(a.graph().name());
    int p = 0;
    for (int k = 0; k < calls.size(); k++) {
      if (out[k] != null) {
        continue;
      }
      List<NestedMaps.Item> mine = new ArrayList<>(sizes[k]);
      for (int j = 0; j < sizes[k]; j++) {
        NestedMaps.Decided end = ends.get(p + j);
        if (end.succeeded()) {
          List<Literal> values = new ArrayList<>();
          for (String o : outputs) {
            values.add(end.outputs().getLiteralsMap().getOrDefault(o, Literals.none()));
          }
          mine.add(new NestedMaps.Item(values, ""));
        } else {
          mine.add(new NestedMaps.Item(List.of(), end.error()));
        }
      }
      long required = WorkflowInvoker.requiredOf(a.arrayNode(), sizes[k]);
      boolean runAll = a.arrayNode().getRunAllSubNodes();
      boolean[] ran = NestedMaps.ranInWorker(mine, required, runAll);
      Counts counts = calls.get(k).frame().counts;
      for (int j = 0; j < sizes[k]; j++) {
        if (ran[j]) {
          counts.add(items.get(p + j).counts);
        }
      }
      p += sizes[k];
      out[k] = NestedMaps.decide(calls.get(k).path(), what, mine, ran, required, outputs);
    }
    return List.of(out);
  }

  /** A sub-workflow or launch plan in every call: walked together, counted in each element. */
  private List<NestedMaps.Decided> runSubGraph(
      List<Call> calls,
      String stagePath,
      GraphNode n,
      ExecutionGraph graph,
      Optional<LaunchPlanDef> launchPlan) {
    NestedMaps.Decided[] out = new NestedMaps.Decided[calls.size()];
    List<Frame> frames = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int k = 0; k < calls.size(); k++) {
      Call c = calls.get(k);
      try {
        LiteralMap in = inputsOf(c.path(), n, c.frame().promises);
        frames.add(
            new Frame(
                c.frame().counts,
                c.path() + "/",
                launchPlan.map(lp -> lp.inputsWith(in)).orElse(in)));
        owners.add(k);
      } catch (Unresolved e) {
        out[k] = failure(e.getMessage());
      }
    }
    List<NestedMaps.Decided> ends = walk(frames, stagePath + "/", graph, null);
    for (int f = 0; f < frames.size(); f++) {
      out[owners.get(f)] = ends.get(f);
    }
    return List.of(out);
  }

  /** A branch in every call: each call's node chosen in the driver, each chosen node run once. */
  private List<NestedMaps.Decided> runBranch(List<Call> calls, String stagePath, Branch b) {
    NestedMaps.Decided[] out = new NestedMaps.Decided[calls.size()];
    Map<GraphNode, List<Integer>> chosen = new LinkedHashMap<>();
    for (int k = 0; k < calls.size(); k++) {
      Call c = calls.get(k);
      try {
        Optional<GraphNode> node = choose(b, c.frame().promises);
        if (node.isPresent()) {
          chosen.computeIfAbsent(node.get(), x -> new ArrayList<>()).add(k);
        } else {
          out[k] =
              failure(
                  c.path()
                      + ": "
                      + b.elseFail().orElse("no case of the branch holds and it has no else"));
        }
      } catch (BindingException e) {
        out[k] = failure(c.path() + ": its condition cannot be evaluated: " + e.getMessage());
      }
    }
    for (Map.Entry<GraphNode, List<Integer>> part : chosen.entrySet()) {
      GraphNode then = part.getKey();
      List<Call> sub = new ArrayList<>();
      for (int k : part.getValue()) {
        Call c = calls.get(k);
        sub.add(new Call(c.frame(), c.path() + "/" + then.id()));
      }
      List<NestedMaps.Decided> ends = counted(sub, stagePath + "/" + then.id(), then);
      for (int s = 0; s < sub.size(); s++) {
        out[part.getValue().get(s)] = ends.get(s);
      }
    }
    return List.of(out);
  }

  /**
   * The node a branch runs for these promises: its first case that holds, else its else node; empty
   * when none holds and it has no else node.
   */
  static Optional<GraphNode> choose(Branch b, Promises promises) throws BindingException {
    for (Case c : b.cases()) {
      if (Conditions.evaluate(c.condition(), promises)) {
        return Optional.of(c.then());
      }
    }
    return b.elseNode();
  }

  /**
   * The map a stage runs for {@code spec}'s task: every input mapped (bound ones repeated per
   * item), no item failing the stage as a whole (ratio 0, every item to its end), no parallelism
   * bound; the task, its retries, timeout, cache and form as the in-worker path runs it. Only
   * {@code inputs} are given (an input the node leaves unbound is left to the task); {@code
   * parallelism}: the stage's bound (an inner map's, times its elements), empty for none.
   */
  static MapTaskSpec stageSpec(MapTaskSpec spec, Set<String> inputs, OptionalInt parallelism) {
    return new MapTaskSpec(
        spec.form() == MapTaskSpec.Form.LEGACY ? MapTaskSpec.Form.ARRAY_NODE : spec.form(),
        spec.name(),
        spec.subTask(),
        MappedInterface.of(spec.subTask().scalarInterface(), List.of(), Optional.of(0f)),
        startNodeBindings(inputs),
        List.of(),
        Map.of(),
        parallelism,
        OptionalLong.empty(),
        Optional.of(0f),
        true,
        spec.dataMode(),
        spec.originalSubNodeInterface());
  }

  static Map<String, BindingData> startNodeBindings(Set<String> names) {
    Map<String, BindingData> bindings = new LinkedHashMap<>();
    for (String name : names) {
      bindings.put(
          name,
          BindingData.newBuilder()
              .setPromise(
                  flyteidl.core.Types.OutputReference.newBuilder()
                      .setNodeId(Promises.START_NODE)
                      .setVar(name))
              .build());
    }
    return bindings;
  }
}

package org.flytebeam.runner;

import flyteidl.core.Interface.Parameter;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.flytebeam.FlyteBeamException;
import org.flytebeam.beam.MapResult;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.exec.AtomicFiles;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.LiftedWorkflowMap;
import org.flytebeam.exec.NestedMaps;
import org.flytebeam.exec.RunControl;
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
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.spec.MapTaskSpec;

/**
 * Runs a compiled workflow with flytepropeller's semantics on one runner: every task and array node
 * is a map (a task node a map of one element) submitted as its own pipeline on the run's one {@link
 * PipelineRuns}; the driver starts a node once its upstream nodes have succeeded, nodes that do not
 * wait for each other at the same time, on threads of its own.
 *
 * <p>When a node of a workflow that fails immediately ({@code FAIL_IMMEDIATELY}, the default)
 * fails, nothing more starts and the nodes still running in it (and in the sub-workflows they run)
 * are aborted: their maps start no further element nor attempt, a running process is stopped, and
 * they end as {@link WorkflowResult.Status#ABORTED}. With {@code
 * FAIL_AFTER_EXECUTABLE_NODES_COMPLETE} every node that does not depend on the failed one still
 * runs to its end.
 */
final class WorkflowEngine {
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");

  private final RunOptions options;
  private final PipelineRuns runs;
  private final String workDir;
  private final ExecutorService threads;
  private final Map<String, MapTaskSpec> specs;
  private final List<WorkflowResult.NodeOutcome> outcomes =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final Set<String> folders = ConcurrentHashMap.newKeySet();
  private final Map<String, MapVerdict> verdicts = new ConcurrentHashMap<>();
  private final WorkflowObserver observer;

  WorkflowEngine(
      RunOptions options,
      PipelineRuns runs,
      String workDir,
      ExecutorService threads,
      Map<String, MapTaskSpec> specs,
      WorkflowObserver observer) {
    this.options = options;
    this.runs = runs;
    this.workDir = workDir;
    this.threads = threads;
    this.specs = Map.copyOf(specs);
    this.observer = observer;
  }

  /** Records a node's outcome, with its map's verdict if it ran one, and tells the observer. */
  private void ended(
      String path, WorkflowResult.Status status, Instant start, Optional<String> error) {
    WorkflowResult.NodeOutcome outcome =
        new WorkflowResult.NodeOutcome(
            path, status, start, Instant.now(), error, Optional.ofNullable(verdicts.get(path)));
    outcomes.add(outcome);
    observer.nodeEnded(outcome);
  }

  List<WorkflowResult.NodeOutcome> outcomes() {
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  /**
   * The maps of every task and array node of {@code graph} and its sub-graphs, by node path, built
   * before anything runs (their problems are definition problems, exit 2); and one warning per task
   * node override a local process cannot honour.
   */
  static Map<String, MapTaskSpec> specs(ExecutionGraph graph, List<String> warnings) {
    Map<String, MapTaskSpec> out = new LinkedHashMap<>();
    collectSpecs("", graph, out, warnings);
    return out;
  }

  private static void collectSpecs(
      String prefix, ExecutionGraph graph, Map<String, MapTaskSpec> out, List<String> warnings) {
    for (GraphNode n : graph.nodes()) {
      collectNode(prefix + n.id(), n, out, warnings);
    }
  }

  private static void collectNode(
      String path, GraphNode n, Map<String, MapTaskSpec> out, List<String> warnings) {
    var target = n.target();

    if (target instanceof TaskCall t) {
      TaskTemplate task = NodeOverrides.apply(t.task(), n.metadata());
      warnings.addAll(NodeOverrides.unhonoured(path, task, t.overrides()));
      if (DefinitionReader.CONTAINER_ARRAY_TYPE.equals(task.getType())) {
        // A legacy map task (container_array) referenced by a task node: the map itself.
        out.put(path, DefinitionReader.read(task));
        return;
      }
      Node node =
          Node.newBuilder()
              .setId(n.id())
              .setMetadata(n.metadata().toBuilder().clearRetries())
              .addAllInputs(n.inputs())
              .setTaskNode(TaskNode.newBuilder().setReferenceId(task.getId()))
              .build();
      out.put(path, DefinitionReader.readTaskNode(node, task));
    } else if (target instanceof ArrayCall a) {
      Node sub = a.arrayNode().getNode();
      TaskTemplate task = NodeOverrides.apply(a.task(), sub.getMetadata());
      warnings.addAll(NodeOverrides.unhonoured(path, task, sub.getTaskNode().getOverrides()));
      Node node =
          Node.newBuilder()
              .setId(n.id())
              .setMetadata(n.metadata())
              .addAllInputs(n.inputs())
              .setArrayNode(a.arrayNode())
              .build();
      out.put(path, DefinitionReader.readArrayNode(node, task, n.iface()));
    } else if (target instanceof ArrayWorkflowCall a) {
      Node node =
          Node.newBuilder()
              .setId(n.id())
              .setMetadata(n.metadata())
              .addAllInputs(n.inputs())
              .setArrayNode(a.arrayNode())
              .build();
      out.put(path, DefinitionReader.readWorkflowArrayNode(node, a, n.iface()));
    } else if (target instanceof SubWorkflow s) {
      collectSpecs(path + "/", s.graph(), out, warnings);
    } else if (target instanceof LaunchPlanCall l) {
      collectSpecs(path + "/", l.graph(), out, warnings);
    } else if (target instanceof Branch b) {
      for (Case c : b.cases()) {
        collectNode(path + "/" + c.then().id(), c.then(), out, warnings);
      }
      b.elseNode().ifPresent(e -> collectNode(path + "/" + e.id(), e, out, warnings));
    }
  }

  /**
   * The nodes running in one workflow (or branch, or sub-workflow), to abort them together: the
   * maps they run, by run id and folder, and the scopes of the sub-workflows they run.
   */
  private static final class Scope {
    private final Map<String, String> maps = new LinkedHashMap<>();
    private final List<Scope> children = new ArrayList<>();
    private boolean aborted;

    synchronized Scope child() {
      Scope child = new Scope();
      if (aborted) {
        child.abort();
      }
      children.add(child);
      return child;
    }

    synchronized boolean aborted() {
      return aborted;
    }

    /** A map that starts in this scope: aborted at once if the scope already is. */
    synchronized void started(String runId, String folder) {
      maps.put(runId, folder);
      if (aborted) {
        stop(runId, folder);
      }
    }

    synchronized void ended(String runId) {
      maps.remove(runId);
    }

    synchronized void abort() {
      if (aborted) {
        return;
      }
      aborted = true;
      maps.forEach(Scope::stop);
      children.forEach(Scope::abort);
      notifyAll();
    }

    /** Waits up to {@code millis}, less if the scope is aborted; true if it was. */
    synchronized boolean awaitAbort(long millis) throws InterruptedException {
      long end = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
      long left = millis;
      while (!aborted && left > 0) {
        wait(left);
        left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
      }
      return aborted;
    }

    private static void stop(String runId, String folder) {
      RunControl.abort(runId);
      // Workers in other JVMs (a cluster's executors) look for the stop file.
      try {
        AtomicFiles.writeBytes(MapRunPlan.stopFile(folder), new byte[0]);
      } catch (RuntimeException e) {
        // The abort still holds in this JVM; remote workers then finish the node's elements.
      }
    }
  }

  /** A node that failed, naming it: fails the workflow it is in. */
  static final class NodeFailedException extends FlyteBeamException {
    private static final long serialVersionUID = 1L;

    NodeFailedException(String message) {
      super(message);
    }
  }

  /**
   * Runs {@code graph} over {@code inputs} and returns its outputs.
   *
   * @throws NodeFailedException naming the (first) node that failed
   */
  LiteralMap run(String prefix, ExecutionGraph graph, LiteralMap inputs) {
    return run(prefix, graph, inputs, new Scope());
  }

  private LiteralMap run(String prefix, ExecutionGraph graph, LiteralMap inputs, Scope scope) {
    Map<String, LiteralMap> done = new ConcurrentHashMap<>();
    Promises promises = promises(inputs, done);
    Set<String> started = new HashSet<>();
    Set<String> failedOrSkipped = new HashSet<>();
    List<String> errors = new ArrayList<>();
    List<String> aborted = new ArrayList<>();
    Set<String> referenced = byReference(prefix, graph);
    ExecutorCompletionService<Ended> completion = new ExecutorCompletionService<>(threads);
    int running = 0;
    boolean stop = false;
    while (true) {
      if (!stop) {
        for (GraphNode n : graph.nodes()) {
          if (started.contains(n.id())) {
            continue;
          }
          if (n.upstream().stream().anyMatch(failedOrSkipped::contains)) {
            started.add(n.id());
            failedOrSkipped.add(n.id());
            skipped(prefix + n.id());
          } else if (done.keySet().containsAll(n.upstream())) {
            started.add(n.id());
            boolean byReference = referenced.contains(n.id());
            completion.submit(() -> ended(prefix, n, promises, scope, byReference));
            running++;
          }
        }
      }
      if (running == 0) {
        break;
      }
      Ended ended;
      try {
        ended = completion.take().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeFailedException("the run was interrupted");
      } catch (ExecutionException e) {
        // ended() catches what a node throws: only an Error gets here.
        throw new AssertionError(e.getCause());
      }
      running--;
      if (ended.error().isEmpty()) {
        done.put(ended.nodeId(), ended.outputs());
      } else {
        failedOrSkipped.add(ended.nodeId());
        if (ended.aborted()) {
          aborted.add(prefix + ended.nodeId());
        } else {
          errors.add(ended.error().get());
        }
        if (graph.onFailure() != OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE) {
          // FAIL_IMMEDIATELY: start nothing more, and abort the nodes still running.
          stop = true;
          scope.abort();
        }
      }
    }
    for (GraphNode n : graph.nodes()) {
      if (!started.contains(n.id())) {
        skipped(prefix + n.id());
      }
    }
    if (!errors.isEmpty()) {
      for (String path : aborted) {
        errors.add("node [" + path + "] aborted: it was running when its workflow failed");
      }
      throw new NodeFailedException(String.join("\n", errors));
    }
    if (scope.aborted()) {
      // Aborted from outside (the workflow around this one failed): no error of its own.
      throw new NodeFailedException("aborted");
    }
    LiteralMap.Builder out = LiteralMap.newBuilder();
    for (Binding b : graph.outputs()) {
      out.putLiterals(b.getVar(), resolve(prefix + "outputs", b, promises));
    }
    return out.build();
  }

  /** A node's end: its outputs, or why it failed, or that it was aborted. */
  private record Ended(
      String nodeId, LiteralMap outputs, Optional<String> error, boolean aborted) {}

  private Ended ended(
      String prefix, GraphNode n, Promises promises, Scope scope, boolean byReference) {
    try {
      return new Ended(
          n.id(), runNode(prefix, n, promises, scope, byReference), Optional.empty(), false);
    } catch (NodeAbortedException e) {
      return new Ended(n.id(), LiteralMap.getDefaultInstance(), Optional.of("aborted"), true);
    } catch (RuntimeException e) {
      return new Ended(n.id(), LiteralMap.getDefaultInstance(), Optional.of(message(e)), false);
    }
  }

  /** A node that ended because its workflow was aborted, not by a failure of its own. */
  private static final class NodeAbortedException extends FlyteBeamException {
    private static final long serialVersionUID = 1L;

    NodeAbortedException(String message) {
      super(message);
    }
  }

  private static String message(Throwable t) {
    return t instanceof FlyteBeamException ? t.getMessage() : FlyteBeam.rootMessage(t);
  }

  private void skipped(String path) {
    ended(path, WorkflowResult.Status.SKIPPED, Instant.now(), Optional.empty());
  }

  private static Promises promises(LiteralMap inputs, Map<String, LiteralMap> done) {
    return (nodeId, var) -> {
      if (nodeId.isEmpty() || nodeId.equals(Promises.START_NODE)) {
        return Optional.ofNullable(inputs.getLiteralsMap().get(var));
      }
      LiteralMap outputs = done.get(nodeId);
      return outputs == null
          ? Optional.empty()
          : Optional.ofNullable(outputs.getLiteralsMap().get(var));
    };
  }

  private Literal resolve(String at, Binding b, Promises promises) {
    try {
      return BindingResolver.resolve(b.getBinding(), promises);
    } catch (BindingException e) {
      throw new NodeFailedException(at + " input [" + b.getVar() + "]: " + e.getMessage());
    }
  }

  private LiteralMap runNode(
      String prefix, GraphNode n, Promises promises, Scope scope, boolean byReference) {
    String path = prefix + n.id();
    Instant start = Instant.now();
    observer.nodeStarted(path);
    try {
      LiteralMap outputs = execute(path, n, promises, scope, byReference);
      ended(path, WorkflowResult.Status.SUCCEEDED, start, Optional.empty());
      return outputs;
    } catch (RuntimeException e) {
      if (scope.aborted()) {
        String why = "aborted: another node of its workflow failed";
        ended(path, WorkflowResult.Status.ABORTED, start, Optional.of(why));
        throw new NodeAbortedException("node [" + path + "] " + why);
      }
      String error = message(e);
      String named = error.startsWith("node [") ? error : "node [" + path + "] failed: " + error;
      ended(path, WorkflowResult.Status.FAILED, start, Optional.of(named));
      throw new NodeFailedException(named);
    }
  }

  private LiteralMap inputsOf(String path, GraphNode n, Promises promises) {
    LiteralMap.Builder in = LiteralMap.newBuilder();
    for (Binding b : n.inputs()) {
      in.putLiterals(b.getVar(), resolve("node [" + path + "]", b, promises));
    }
    return in.build();
  }

  /**
   * Runs node {@code n}; {@code byReference}: an array node whose outputs only feed other maps
   * passes them on as references to their shards when it is big.
   */
  private LiteralMap execute(
      String path, GraphNode n, Promises promises, Scope scope, boolean byReference) {
    var target = n.target();

    if (target instanceof TaskCall && isLegacyMap(path)) {
      return runMap(path, inputsOf(path, n, promises), scope, false);
    } else if (target instanceof TaskCall) {
      LiteralMap.Builder asLists = LiteralMap.newBuilder();
      inputsOf(path, n, promises)
          .getLiteralsMap()
          .forEach(
              (k, v) ->
                  asLists.putLiterals(
                      k,
                      Literal.newBuilder()
                          .setCollection(LiteralCollection.newBuilder().addLiterals(v))
                          .build()));
      LiteralMap lists = runMap(path, asLists.build(), scope, false);
      LiteralMap.Builder out = LiteralMap.newBuilder();
      lists
          .getLiteralsMap()
          .forEach((k, v) -> out.putLiterals(k, v.getCollection().getLiterals(0)));
      return out.build();
    } else if (target instanceof ArrayCall) {
      return runMap(path, inputsOf(path, n, promises), scope, byReference);
    } else if (target instanceof ArrayWorkflowCall a) {
      // A map over a workflow: its outputs pass by value (byReference considers task maps only).
      LiteralMap inputs = inputsOf(path, n, promises);
      Optional<List<Map<String, Literal>>> elements = liftedElements(path, a, inputs);
      if (elements.isPresent()) {
        return runLifted(path, a, elements.get(), scope);
      }
      return runMap(path, inputs, scope, false);
    } else if (target instanceof SubWorkflow s) {
      return run(path + "/", s.graph(), inputsOf(path, n, promises), scope.child());
    } else if (target instanceof LaunchPlanCall l) {
      return run(
          path + "/",
          l.graph(),
          launchPlanInputs(l.launchPlan(), inputsOf(path, n, promises)),
          scope.child());
    } else if (target instanceof Branch b) {
      for (Case c : b.cases()) {
        boolean holds;
        try {
          holds = Conditions.evaluate(c.condition(), promises);
        } catch (BindingException e) {
          throw new NodeFailedException(
              "node [" + path + "]: its condition cannot be evaluated: " + e.getMessage());
        }
        if (holds) {
          return execute(path + "/" + c.then().id(), c.then(), promises, scope, false);
        }
      }
      if (b.elseNode().isPresent()) {
        GraphNode e = b.elseNode().get();
        return execute(path + "/" + e.id(), e, promises, scope, false);
      }
      throw new NodeFailedException(
          "node ["
              + path
              + "] failed: "
              + b.elseFail().orElse("no case of the branch holds and it has no else"));
    } else if (target instanceof Sleep s) {
      try {
        if (scope.awaitAbort(s.duration().toMillis())) {
          throw new NodeFailedException("node [" + path + "]: aborted while sleeping");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeFailedException("node [" + path + "]: interrupted while sleeping");
      }
      return LiteralMap.getDefaultInstance();
    }
    throw new AssertionError(target);
  }

  /**
   * A launch plan's workflow inputs: its defaults, overridden by what the node binds, and its fixed
   * inputs (which the compiler made sure no node binds).
   */
  static LiteralMap launchPlanInputs(LaunchPlanDef lp, LiteralMap given) {
    LiteralMap.Builder in = LiteralMap.newBuilder();
    for (Map.Entry<String, Parameter> p : lp.defaultInputs().getParametersMap().entrySet()) {
      if (p.getValue().hasDefault()) {
        in.putLiterals(p.getKey(), p.getValue().getDefault());
      }
    }
    in.putAllLiterals(given.getLiteralsMap());
    in.putAllLiterals(lp.fixedInputs().getLiteralsMap());
    return in.build();
  }

  private boolean isLegacyMap(String path) {
    MapTaskSpec spec = specs.get(path);
    return spec != null && spec.form() == MapTaskSpec.Form.LEGACY;
  }

  /**
   * Elements from which a map whose outputs only feed other maps' mapped inputs passes them on as
   * references to shards its workers wrote, rather than through the driver's memory.
   */
  static final long REFERENCE_THRESHOLD = 10_000;

  /**
   * The map's number of elements as far as its inputs tell before it runs: the longest mapped list;
   * an input given by reference counts as big.
   */
  private static long size(MapTaskSpec spec, LiteralMap inputs) {
    long size = 0;
    for (Map.Entry<String, Literal> e : inputs.getLiteralsMap().entrySet()) {
      if (spec.boundInputs().contains(e.getKey())) {
        continue;
      }
      Literal value = e.getValue();
      if (value.hasCollection()) {
        size = Math.max(size, value.getCollection().getLiteralsCount());
      } else if (value.hasOffloadedMetadata()
          || (value.hasScalar() && value.getScalar().hasBlob())) {
        return Long.MAX_VALUE;
      }
    }
    return size;
  }

  /**
   * The array nodes of {@code graph} whose outputs may pass to the next nodes as references: every
   * use of them is a promise bound whole (no attribute path) to a mapped input of another array
   * node; none is read by a task, a branch, a sub-workflow or the workflow's outputs, which need
   * the values themselves.
   */
  Set<String> byReference(String prefix, ExecutionGraph graph) {
    Set<String> candidates = new HashSet<>();
    Set<String> used = new HashSet<>();
    Set<String> excluded = new HashSet<>();
    for (GraphNode n : graph.nodes()) {
      if (n.target() instanceof ArrayCall) {
        candidates.add(n.id());
      }
    }
    for (GraphNode n : graph.nodes()) {
      MapTaskSpec spec = n.target() instanceof ArrayCall ? specs.get(prefix + n.id()) : null;
      for (Binding b : n.inputs()) {
        BindingData d = b.getBinding();
        if (spec != null
            && d.hasPromise()
            && d.getPromise().getAttrPathCount() == 0
            && !spec.boundInputs().contains(b.getVar())) {
          used.add(d.getPromise().getNodeId());
        } else {
          Promises.nodeIds(d, excluded);
        }
      }
      if (n.target() instanceof Branch br) {
        // Conditions and the nodes a branch runs read the values.
        excluded.addAll(n.upstream());
        for (Case c : br.cases()) {
          c.then().inputs().forEach(b -> Promises.nodeIds(b.getBinding(), excluded));
        }
        br.elseNode()
            .ifPresent(e -> e.inputs().forEach(b -> Promises.nodeIds(b.getBinding(), excluded)));
      }
    }
    graph.outputs().forEach(b -> Promises.nodeIds(b.getBinding(), excluded));
    candidates.retainAll(used);
    candidates.removeAll(excluded);
    return candidates;
  }

  private LiteralMap runMap(String path, LiteralMap inputs, Scope scope, boolean byReference) {
    MapTaskSpec spec = specs.get(path);
    if (spec == null) {
      throw new AssertionError("no map prepared for node " + path);
    }
    String runId = UUID.randomUUID().toString();
    String folder = workDir + "/" + folderName(path);
    Optional<String> shards =
        byReference && size(spec, inputs) >= REFERENCE_THRESHOLD
            ? Optional.of(folder + "/outputs")
            : Optional.empty();
    scope.started(runId, folder);
    MapResult result;
    try {
      result =
          FlyteBeam.runNode(
              spec,
              inputs,
              options,
              runs,
              folder,
              runId,
              shards,
              plan -> observer.mapStarted(path, plan));
    } finally {
      scope.ended(runId);
    }
    if (spec.form() != MapTaskSpec.Form.TASK_NODE) {
      verdicts.put(path, result.verdict());
    }
    try {
      if (!result.success()) {
        throw failed(path, spec, result.verdict());
      }
      return result.outputs();
    } finally {
      result.plan().release();
    }
  }

  /** The failure of the map of node {@code path}, naming its elements' errors. */
  private static NodeFailedException failed(String path, MapTaskSpec spec, MapVerdict verdict) {
    String errors = verdict.errors().format();
    if (spec.form() == MapTaskSpec.Form.TASK_NODE && !errors.isEmpty()) {
      // One task run once: its own error, without the map's element index.
      return new NodeFailedException(
          "node [" + path + "] failed: " + errors.replaceFirst("^\\[0\\]: ", ""));
    }
    return new NodeFailedException(
        "node ["
            + path
            + "] failed: "
            + verdict.summary()
            + (errors.isEmpty() ? "" : "\n" + errors.replaceAll("(?m)^", "  ")));
  }

  /**
   * Whether maps over workflows that hold maps run lifted (on by default); tests switch it off to
   * compare with the in-worker path. Not a user setting.
   */
  static volatile boolean liftNestedMaps = true;

  /**
   * The outer elements' inputs of a map over workflows to run lifted ({@link LiftedWorkflowMap}):
   * its element workflow holds a map at any depth, every map inside over a Java task, every mapped
   * input a list given by value, of equal lengths, at most {@link NestedMaps#MAX_ELEMENTS}. Empty:
   * the map runs in the workers as one map (the in-worker path), which also reports any problem of
   * its inputs.
   */
  private Optional<List<Map<String, Literal>>> liftedElements(
      String path, ArrayWorkflowCall a, LiteralMap inputs) {
    MapTaskSpec spec = specs.get(path);
    if (!liftNestedMaps
        || spec == null
        || !NestedMaps.holdsMap(a.graph())
        || NestedMaps.unliftable(a.graph()).isPresent()) {
      return Optional.empty();
    }
    Set<String> names = spec.subTask().scalarInterface().getInputs().getVariablesMap().keySet();
    int size = -1;
    for (Map.Entry<String, Literal> e : inputs.getLiteralsMap().entrySet()) {
      if (!names.contains(e.getKey()) || spec.boundInputs().contains(e.getKey())) {
        continue;
      }
      if (!e.getValue().hasCollection()) {
        return Optional.empty();
      }
      int n = e.getValue().getCollection().getLiteralsCount();
      if ((size >= 0 && n != size) || n > NestedMaps.MAX_ELEMENTS) {
        return Optional.empty();
      }
      size = n;
    }
    if (size < 0) {
      return Optional.empty();
    }
    List<Map<String, Literal>> elements = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Map<String, Literal> element = new LinkedHashMap<>();
      for (String name : names) {
        Literal v = inputs.getLiteralsMap().get(name);
        if (v != null) {
          element.put(
              name, spec.boundInputs().contains(name) ? v : v.getCollection().getLiterals(i));
        }
      }
      elements.add(element);
    }
    return Optional.of(elements);
  }

  /**
   * Runs a map over workflows lifted: each node of the element workflow a map of its own over the
   * live elements (or their inner items), on this run's runner; its verdict, error lines and
   * outputs those of the in-worker path.
   */
  private LiteralMap runLifted(
      String path, ArrayWorkflowCall a, List<Map<String, Literal>> elements, Scope scope) {
    MapTaskSpec spec = specs.get(path);
    int size = elements.size();
    long required = spec.requiredSuccesses(size);
    List<String> outputNames =
        List.copyOf(spec.subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
    List<ElementOutcome> outcomes =
        new LiftedWorkflowMap(a, new LiftedStages(path, scope))
            .run(elements, outputNames, required, spec.runAllSubNodes(), spec.parallelism());
    if (scope.aborted()) {
      throw new NodeFailedException("node [" + path + "] aborted");
    }
    MapVerdict verdict = NestedMaps.verdict(size, required, outcomes);
    verdicts.put(path, verdict);
    if (!verdict.success()) {
      throw failed(path, spec, verdict);
    }
    List<LiteralCollection.Builder> lists = new ArrayList<>();
    outputNames.forEach(o -> lists.add(LiteralCollection.newBuilder()));
    for (ElementOutcome o : outcomes) {
      for (int k = 0; k < outputNames.size(); k++) {
        lists
            .get(k)
            .addLiterals(
                o.status().succeeded() ? o.outputs().get(k) : org.flytebeam.types.Literals.none());
      }
    }
    LiteralMap.Builder node = LiteralMap.newBuilder();
    for (int k = 0; k < outputNames.size(); k++) {
      node.putLiterals(
          outputNames.get(k), Literal.newBuilder().setCollection(lists.get(k)).build());
    }
    if (spec.workflowOutputs().isEmpty()) {
      return node.build();
    }
    LiteralMap.Builder out = LiteralMap.newBuilder();
    for (Map.Entry<String, String> e : spec.workflowOutputs().entrySet()) {
      Literal value = node.getLiteralsMap().get(e.getValue());
      if (value == null) {
        throw new NodeFailedException("node [" + path + "]: no node output [" + e.getValue() + "]");
      }
      out.putLiterals(e.getKey(), value);
    }
    return out.build();
  }

  /** The stages of a lifted map: ordinary maps in the node's scope, on this run's runner. */
  private final class LiftedStages implements LiftedWorkflowMap.Stages {
    private final String path;
    private final Scope scope;

    LiftedStages(String path, Scope scope) {
      this.path = path;
      this.scope = scope;
    }

    @Override
    public List<ElementOutcome> run(
        String stagePath, MapTaskSpec spec, LiteralMap inputs, int size) {
      if (scope.aborted()) {
        throw new NodeFailedException("node [" + path + "] aborted");
      }
      String runId = UUID.randomUUID().toString();
      String folder = workDir + "/" + folderName(path + "-lifted-" + stagePath);
      scope.started(runId, folder);
      MapResult result;
      try {
        result =
            FlyteBeam.runNode(
                spec,
                inputs,
                options,
                runs,
                folder,
                runId,
                Optional.empty(),
                plan -> observer.mapStarted(path, plan));
      } finally {
        scope.ended(runId);
      }
      List<ElementOutcome> outcomes = new ArrayList<>(size);
      try {
        result.outcomes().forEachRemaining(outcomes::add);
      } finally {
        result.plan().release();
      }
      if (scope.aborted()) {
        throw new NodeFailedException("node [" + path + "] aborted");
      }
      return outcomes;
    }

    @Override
    public boolean sleep(Duration duration) {
      try {
        return !scope.awaitAbort(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** A folder name from a node path: ids are the definition's, so nothing of them leaves it. */
  private String folderName(String path) {
    String base = "node-" + UNSAFE.matcher(path).replaceAll("_");
    String name = base;
    for (int i = 1; !folders.add(name); i++) {
      name = base + "-" + i;
    }
    return name;
  }
}

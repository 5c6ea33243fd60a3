package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.cache.CacheSettings;
import org.flytebeam.cache.ElementCache;
import org.flytebeam.exec.process.LocalFiles;
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
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.LaunchPlanDef;
import org.flytebeam.graph.NodeOverrides;
import org.flytebeam.graph.Promises;
import org.flytebeam.graph.WorkflowBundle;
import org.flytebeam.graph.WorkflowCompiler;
import org.flytebeam.graph.WorkflowElements;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;

/**
 * Runs one map element as a whole workflow (a launch plan's or a sub-workflow's), inside the worker
 * that runs the element: the workflow is compiled again from the element template's {@link
 * WorkflowBundle}; its nodes run one after another in upstream order; each task node is invoked as
 * a map element is (its own invoker, retries, timeout and cache entry); branches, sub-workflows,
 * launch plans and nested maps run inside the element, a nested map's own criteria deciding its
 * node. A failed node fails the element with {@code <node path> (<task>): <error>}, never retried
 * as a whole: retries are the task nodes'.
 *
 * <p>One per worker DoFn instance, one element at a time per calling thread, like every invoker.
 */
public final class WorkflowInvoker implements ElementInvoker {
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");

  private final InvokerContext context;
  private final CacheSettings cache;
  private final ExecutionGraph graph;
  private final Optional<LaunchPlanDef> launchPlan;
  private final List<String> outputNames;
  private final Map<String, MapTaskSpec> specs = new ConcurrentHashMap<>();

  /** The node executions of the element each thread ran last, until taken. */
  private final ThreadLocal<NodeCounts> lastCounts = ThreadLocal.withInitial(NodeCounts::none);

  /**
   * The invoker of {@code context}'s element template.
   *
   * @param cache the run's element cache settings, used per task node inside the element
   */
  public WorkflowInvoker(InvokerContext context, CacheSettings cache) {
    this.context = requireNonNull(context, "context");
    this.cache = requireNonNull(cache, "cache");
    TaskTemplate template = context.subTask().template();
    WorkflowBundle.Contents contents =
        WorkflowBundle.decode(
            WorkflowElements.bundle(template)
                .orElseThrow(
                    () ->
                        new InvalidDefinitionException(
                            "task [" + template.getId().getName() + "] is no workflow element")),
            "the element workflow [" + template.getId().getName() + "]");
    this.graph = WorkflowCompiler.compile(contents.pkg(), contents.entity());
    this.launchPlan =
        contents.entity() instanceof FlytePackage.LaunchPlanEntity lp
            ? Optional.of(lp.launchPlan())
            : Optional.empty();
    this.outputNames =
        List.copyOf(context.subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
  }

  /**
   * Checks before anything runs that every task of the element's workflow can run here.
   *
   * @return the warnings of its task nodes (overrides a local process cannot honour, ...)
   * @throws InvalidDefinitionException listing the problems
   */
  public static List<String> check(InvokerContext context) {
    WorkflowInvoker invoker = new WorkflowInvoker(context, CacheSettings.disabled());
    List<String> warnings = new ArrayList<>();
    invoker.checkGraph("", invoker.graph, warnings);
    return warnings;
  }

  private void checkGraph(String prefix, ExecutionGraph g, List<String> warnings) {
    for (GraphNode n : g.nodes()) {
      checkNode(prefix + n.id(), n, warnings);
    }
  }

  private void checkNode(String path, GraphNode n, List<String> warnings) {
    var target = n.target();
    if (target instanceof TaskCall t) {
      TaskTemplate task = NodeOverrides.apply(t.task(), n.metadata());
      warnings.addAll(NodeOverrides.unhonoured(path, task, t.overrides()));
      warnings.addAll(Invokers.checkRunnable(innerContext(specOf(path, n), path, 0)));
    } else if (target instanceof ArrayCall) {
      warnings.addAll(Invokers.checkRunnable(innerContext(specOf(path, n), path, 0)));
    } else if (target instanceof ArrayWorkflowCall a) {
      checkGraph(path + "[]/", a.graph(), warnings);
    } else if (target instanceof SubWorkflow s) {
      checkGraph(path + "/", s.graph(), warnings);
    } else if (target instanceof LaunchPlanCall l) {
      checkGraph(path + "/", l.graph(), warnings);
    } else if (target instanceof Branch b) {
      for (Case c : b.cases()) {
        checkNode(path + "/" + c.then().id(), c.then(), warnings);
      }
      b.elseNode().ifPresent(e -> checkNode(path + "/" + e.id(), e, warnings));
    }
  }

  /** A node that failed inside the element; its message names the node. */
  private static final class NodeFailure extends Exception {
    private static final long serialVersionUID = 1L;

    NodeFailure(String message) {
      super(message);
    }
  }

  @Override
  public List<Literal> invoke(
      long index, int attempt, Map<String, Literal> inputs, Optional<Duration> timeout)
      throws AttemptFailedException {
    LiteralMap given = LiteralMap.newBuilder().putAllLiterals(inputs).build();
    LiteralMap in = launchPlan.map(lp -> lp.inputsWith(given)).orElse(given);
    Scope scope = new Scope(index);
    try (scope) {
      LiteralMap out = runGraph(scope, "", graph, in);
      List<Literal> outputs = new ArrayList<>(outputNames.size());
      for (String name : outputNames) {
        Literal v = out.getLiteralsMap().get(name);
        if (v == null) {
          throw new AttemptFailedException(
              FailureKind.NON_RECOVERABLE, "the workflow did not produce output [" + name + "]");
        }
        outputs.add(v);
      }
      return outputs;
    } catch (NodeFailure e) {
      throw new AttemptFailedException(FailureKind.NON_RECOVERABLE, e.getMessage());
    } finally {
      lastCounts.set(lastCounts.get().plus(scope.counts()));
    }
  }

  @Override
  public NodeCounts takeNodeCounts() {
    NodeCounts counts = lastCounts.get();
    lastCounts.remove();
    return counts;
  }

  /** The task invokers of one element, by node path; closed when the element ends. */
  private final class Scope implements AutoCloseable {
    private final long index;
    // By node path and thread: items of a nested map running at once each have their own invoker.
    private final Map<String, TaskRun> runs = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();

    Scope(long index) {
      this.index = index;
    }

    NodeCounts counts() {
      return new NodeCounts(started.get(), succeeded.get(), failed.get(), cacheHits.get());
    }

    ElementOutcome run(String path, MapTaskSpec spec, long at, Map<String, Literal> values) {
      TaskRun run =
          runs.computeIfAbsent(
              path + "\u0000" + Thread.currentThread().getId(),
              k -> {
                ElementInvoker invoker = Invokers.create(innerContext(spec, path, index));
                RunControl control = RunControl.forRun(context.runId(), 1, 0, true);
                return new TaskRun(
                    invoker,
                    new ElementRunner(
                        invoker, spec.subTask().retries(), spec.subTask().timeout(), control),
                    ElementCache.open(cache, spec.subTask()));
              });
      ElementOutcome outcome = run.cache().run(at, values, run.runner());
      if (outcome.cacheHit()) {
        cacheHits.incrementAndGet();
      }
      return outcome;
    }

    String folder(String path) {
      return LocalFiles.join(
          LocalFiles.join(LocalFiles.join(context.workDir(), "elements"), Long.toString(index)),
          safe(path));
    }

    @Override
    public void close() {
      runs.values().forEach(r -> r.invoker().close());
    }
  }

  private record TaskRun(ElementInvoker invoker, ElementRunner runner, ElementCache cache) {}

  private static String safe(String path) {
    return "node-" + UNSAFE.matcher(path).replaceAll("_");
  }

  private InvokerContext innerContext(MapTaskSpec spec, String path, long element) {
    String folder =
        LocalFiles.join(
            LocalFiles.join(LocalFiles.join(context.workDir(), "elements"), Long.toString(element)),
            safe(path));
    return new InvokerContext(
        spec.subTask(),
        spec.form(),
        spec.dataMode(),
        spec.name(),
        context.runId() + "-" + element + "-" + UNSAFE.matcher(path).replaceAll("_"),
        folder,
        LocalFiles.join(folder, "inputs.pb"),
        context.process());
  }

  private LiteralMap runGraph(Scope scope, String prefix, ExecutionGraph g, LiteralMap inputs)
      throws NodeFailure {
    Map<String, LiteralMap> done = new HashMap<>();
    Promises promises =
        (nodeId, var) -> {
          if (nodeId.isEmpty() || nodeId.equals(Promises.START_NODE)) {
            return Optional.ofNullable(inputs.getLiteralsMap().get(var));
          }
          LiteralMap outputs = done.get(nodeId);
          return outputs == null
              ? Optional.empty()
              : Optional.ofNullable(outputs.getLiteralsMap().get(var));
        };
    Set<String> failed = new HashSet<>();
    List<String> errors = new ArrayList<>();
    for (GraphNode n : g.nodes()) {
      if (n.upstream().stream().anyMatch(failed::contains)) {
        failed.add(n.id());
        continue;
      }
      if (!errors.isEmpty()
          && g.onFailure() != OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE) {
        break;
      }
      try {
        done.put(n.id(), countedNode(scope, prefix + n.id(), n, promises));
      } catch (NodeFailure e) {
        failed.add(n.id());
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new NodeFailure(String.join("; ", errors));
    }
    LiteralMap.Builder out = LiteralMap.newBuilder();
    for (Binding b : g.outputs()) {
      out.putLiterals(b.getVar(), resolve(prefix + "outputs", b, promises));
    }
    return out.build();
  }

  private static Literal resolve(String at, Binding b, Promises promises) throws NodeFailure {
    try {
      return BindingResolver.resolve(b.getBinding(), promises);
    } catch (BindingException e) {
      throw new NodeFailure(at + " input [" + b.getVar() + "]: " + e.getMessage());
    }
  }

  private static LiteralMap inputsOf(String path, GraphNode n, Promises promises)
      throws NodeFailure {
    LiteralMap.Builder in = LiteralMap.newBuilder();
    for (Binding b : n.inputs()) {
      in.putLiterals(b.getVar(), resolve(path, b, promises));
    }
    return in.build();
  }

  /** Runs node {@code n}, counted as one node execution of the element. */
  private LiteralMap countedNode(Scope scope, String path, GraphNode n, Promises promises)
      throws NodeFailure {
    scope.started.incrementAndGet();
    try {
      LiteralMap out = runNode(scope, path, n, promises);
      scope.succeeded.incrementAndGet();
      return out;
    } catch (NodeFailure | RuntimeException e) {
      scope.failed.incrementAndGet();
      throw e;
    }
  }

  private LiteralMap runNode(Scope scope, String path, GraphNode n, Promises promises)
      throws NodeFailure {
    var target = n.target();
    if (target instanceof TaskCall t) {
      MapTaskSpec spec = specOf(path, n);
      if (spec.form() == MapTaskSpec.Form.LEGACY) {
        return runTaskMap(scope, path, spec, inputsOf(path, n, promises));
      }
      LiteralMap in = inputsOf(path, n, promises);
      Map<String, Literal> values = new LinkedHashMap<>();
      for (String var : spec.subTask().scalarInterface().getInputs().getVariablesMap().keySet()) {
        Literal v = in.getLiteralsMap().get(var);
        if (v != null) {
          values.put(var, v);
        }
      }
      ElementOutcome outcome = scope.run(path, spec, scope.index, values);
      if (!outcome.status().succeeded()) {
        throw new NodeFailure(
            path + " (" + t.task().getId().getName() + "): " + outcome.error().strip());
      }
      return byName(spec, outcome.outputs());
    } else if (target instanceof ArrayCall) {
      return runTaskMap(scope, path, specOf(path, n), inputsOf(path, n, promises));
    } else if (target instanceof ArrayWorkflowCall a) {
      return runWorkflowMap(scope, path, a, inputsOf(path, n, promises));
    } else if (target instanceof SubWorkflow s) {
      return runGraph(scope, path + "/", s.graph(), inputsOf(path, n, promises));
    } else if (target instanceof LaunchPlanCall l) {
      return runGraph(
          scope, path + "/", l.graph(), l.launchPlan().inputsWith(inputsOf(path, n, promises)));
    } else if (target instanceof Branch b) {
      for (Case c : b.cases()) {
        boolean holds;
        try {
          holds = Conditions.evaluate(c.condition(), promises);
        } catch (BindingException e) {
          throw new NodeFailure(path + ": its condition cannot be evaluated: " + e.getMessage());
        }
        if (holds) {
          return countedNode(scope, path + "/" + c.then().id(), c.then(), promises);
        }
      }
      if (b.elseNode().isPresent()) {
        GraphNode e = b.elseNode().get();
        return countedNode(scope, path + "/" + e.id(), e, promises);
      }
      throw new NodeFailure(
          path + ": " + b.elseFail().orElse("no case of the branch holds and it has no else"));
    } else if (target instanceof Sleep s) {
      try {
        Thread.sleep(s.duration().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeFailure(path + ": interrupted while sleeping");
      }
      return LiteralMap.getDefaultInstance();
    }
    throw new AssertionError(target);
  }

  private static LiteralMap byName(MapTaskSpec spec, List<Literal> outputs) {
    LiteralMap.Builder out = LiteralMap.newBuilder();
    List<String> names =
        List.copyOf(spec.subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
    for (int k = 0; k < names.size() && k < outputs.size(); k++) {
      out.putLiterals(names.get(k), outputs.get(k));
    }
    return out.build();
  }

  /** The map of a task or array node at {@code path}, built once per invoker. */
  private MapTaskSpec specOf(String path, GraphNode n) {
    return specs.computeIfAbsent(path, p -> buildSpec(n));
  }

  /** The map of a task or array node (a task node: a map of one), as the element runs it. */
  static MapTaskSpec buildSpec(GraphNode n) {
    if (n.target() instanceof TaskCall t) {
      TaskTemplate task = NodeOverrides.apply(t.task(), n.metadata());
      if (DefinitionReader.CONTAINER_ARRAY_TYPE.equals(task.getType())) {
        return DefinitionReader.read(task);
      }
      Node node =
          Node.newBuilder()
              .setId(n.id())
              .setMetadata(n.metadata().toBuilder().clearRetries())
              .addAllInputs(n.inputs())
              .setTaskNode(TaskNode.newBuilder().setReferenceId(task.getId()))
              .build();
      return DefinitionReader.readTaskNode(node, task);
    }
    ArrayCall a = (ArrayCall) n.target();
    Node sub = a.arrayNode().getNode();
    TaskTemplate task = NodeOverrides.apply(a.task(), sub.getMetadata());
    Node node =
        Node.newBuilder()
            .setId(n.id())
            .setMetadata(n.metadata())
            .addAllInputs(n.inputs())
            .setArrayNode(a.arrayNode())
            .build();
    return DefinitionReader.readArrayNode(node, task, n.iface());
  }

  /** The size of a map over {@code inputs}: the length of its mapped lists, all equal. */
  private static int sizeOf(String path, LiteralMap inputs, List<String> mapped)
      throws NodeFailure {
    int size = -1;
    for (String var : mapped) {
      Literal v = inputs.getLiteralsMap().get(var);
      if (v == null || !v.hasCollection()) {
        throw new NodeFailure(path + ": mapped input [" + var + "] is not a list");
      }
      int n = v.getCollection().getLiteralsCount();
      if (size >= 0 && n != size) {
        throw new NodeFailure(
            path + ": mapped inputs have different lengths (" + size + " and " + n + ")");
      }
      size = n;
    }
    return Math.max(size, 0);
  }

  /** One item's result in a nested map: its outputs, or why it failed. */
  private record Item(List<Literal> outputs, String error) {}

  /** Runs item {@code j} of a nested map; called from several threads at once when allowed. */
  private interface ItemRunner {
    Item run(int j) throws NodeFailure;
  }

  /**
   * How many items of a nested map run at once inside this element: its parallelism (unset or 0:
   * unlimited), at most the worker's cores and the number of items.
   */
  public static int lanes(int size, OptionalInt parallelism, int cores) {
    int bound =
        parallelism.isPresent() && parallelism.getAsInt() > 0 ? parallelism.getAsInt() : size;
    return Math.max(1, Math.min(Math.min(bound, Math.max(1, cores)), size));
  }

  private static final Item ABORTED =
      new Item(List.of(), "aborted: the map could no longer succeed");

  /**
   * Runs the items of a nested map on {@code lanes} threads (the calling one when 1), taken in
   * index order; with fail fast an item not yet started once the map can no longer succeed is
   * aborted. The verdict counts every item's own outcome, and outputs keep index order, however the
   * items interleaved.
   */
  private Item[] runItems(int size, long required, boolean runAll, int lanes, ItemRunner items)
      throws NodeFailure {
    Item[] results = new Item[size];
    AtomicLong failed = new AtomicLong();
    if (lanes <= 1) {
      for (int j = 0; j < size; j++) {
        results[j] = !runAll && size - failed.get() < required ? ABORTED : items.run(j);
        if (!results[j].error().isEmpty()) {
          failed.incrementAndGet();
        }
      }
      return results;
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            lanes,
            r -> {
              Thread t = new Thread(r, "flyte-beam-nested-map");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Void>> lanesDone = new ArrayList<>();
      for (int l = 0; l < lanes; l++) {
        lanesDone.add(
            pool.submit(
                () -> {
                  for (int j = next.getAndIncrement(); j < size; j = next.getAndIncrement()) {
                    Item item = !runAll && size - failed.get() < required ? ABORTED : items.run(j);
                    if (!item.error().isEmpty()) {
                      failed.incrementAndGet();
                    }
                    results[j] = item;
                  }
                  return null;
                }));
      }
      for (Future<Void> lane : lanesDone) {
        lane.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeFailure("interrupted while its items ran");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof NodeFailure f) {
        throw f;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
    return results;
  }

  private LiteralMap runNestedMap(
      String path,
      String what,
      int size,
      long required,
      boolean runAll,
      OptionalInt parallelism,
      List<String> outputs,
      ItemRunner items)
      throws NodeFailure {
    List<List<Literal>> lists = new ArrayList<>();
    outputs.forEach(o -> lists.add(new ArrayList<>(size)));
    long failed = 0;
    String firstError = "";
    Item[] results =
        runItems(
            size,
            required,
            runAll,
            lanes(size, parallelism, Runtime.getRuntime().availableProcessors()),
            items);
    for (int j = 0; j < size; j++) {
      Item item = results[j];
      boolean ok = item.error().isEmpty() && item.outputs().size() == outputs.size();
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
      throw new NodeFailure(
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
    return out.build();
  }

  private LiteralMap runTaskMap(Scope scope, String path, MapTaskSpec spec, LiteralMap inputs)
      throws NodeFailure {
    List<String> mapped = spec.mappedInputs();
    int size = sizeOf(path, inputs, mapped);
    writeInputs(scope.folder(path), inputs);
    List<String> scalarInputs =
        List.copyOf(spec.subTask().scalarInterface().getInputs().getVariablesMap().keySet());
    List<String> outputs =
        List.copyOf(spec.subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
    return runNestedMap(
        path,
        spec.subTask().id().name(),
        size,
        spec.requiredSuccesses(size),
        spec.runAllSubNodes(),
        spec.parallelism(),
        outputs,
        j -> {
          Map<String, Literal> values = new LinkedHashMap<>();
          for (String var : scalarInputs) {
            Literal v = inputs.getLiteralsMap().get(var);
            if (v != null) {
              values.put(var, mapped.contains(var) ? v.getCollection().getLiterals(j) : v);
            }
          }
          ElementOutcome o = scope.run(path, spec, j, values);
          return o.status().succeeded()
              ? new Item(o.outputs(), "")
              : new Item(List.of(), o.error().strip());
        });
  }

  private LiteralMap runWorkflowMap(
      Scope scope, String path, ArrayWorkflowCall a, LiteralMap inputs) throws NodeFailure {
    List<String> elementInputs =
        List.copyOf(a.elementInterface().getInputs().getVariablesMap().keySet());
    List<String> bound = a.arrayNode().getBoundInputsList();
    List<String> mapped =
        elementInputs.stream()
            .filter(v -> !bound.contains(v) && inputs.getLiteralsMap().containsKey(v))
            .toList();
    int size = sizeOf(path, inputs, mapped);
    List<String> outputs =
        List.copyOf(a.elementInterface().getOutputs().getVariablesMap().keySet());
    long required = requiredOf(a.arrayNode(), size);
    String what = a.launchPlan().map(LaunchPlanDef::name).orElse(a.graph().name());
    return runNestedMap(
        path,
        what,
        size,
        required,
        a.arrayNode().getRunAllSubNodes(),
        parallelismOf(a.arrayNode()),
        outputs,
        j -> {
          LiteralMap.Builder given = LiteralMap.newBuilder();
          for (String var : elementInputs) {
            Literal v = inputs.getLiteralsMap().get(var);
            if (v != null) {
              given.putLiterals(var, mapped.contains(var) ? v.getCollection().getLiterals(j) : v);
            }
          }
          LiteralMap in =
              a.launchPlan().map(lp -> lp.inputsWith(given.build())).orElse(given.build());
          try {
            LiteralMap out = runGraph(scope, path + "[" + j + "]/", a.graph(), in);
            List<Literal> values = new ArrayList<>();
            for (String o : outputs) {
              values.add(out.getLiteralsMap().getOrDefault(o, Literals.none()));
            }
            return new Item(values, "");
          } catch (NodeFailure e) {
            return new Item(List.of(), e.getMessage());
          }
        });
  }

  /** The successes a map over workflows of {@code size} elements needs, by its own criteria. */
  static long requiredOf(flyteidl.core.Workflow.ArrayNode array, long size) {
    Optional<Float> ratio =
        array.getSuccessCriteriaCase()
                == flyteidl.core.Workflow.ArrayNode.SuccessCriteriaCase.MIN_SUCCESS_RATIO
            ? Optional.of(array.getMinSuccessRatio())
            : Optional.empty();
    OptionalLong minSuccesses =
        array.getSuccessCriteriaCase()
                == flyteidl.core.Workflow.ArrayNode.SuccessCriteriaCase.MIN_SUCCESSES
            ? OptionalLong.of(array.getMinSuccesses() & 0xFFFFFFFFL)
            : OptionalLong.empty();
    return org.flytebeam.spec.SuccessCriteria.requiredSuccesses(size, minSuccesses, ratio);
  }

  /** A map over workflows' parallelism: empty when unset. */
  static OptionalInt parallelismOf(flyteidl.core.Workflow.ArrayNode array) {
    return array.getParallelismOptionCase()
            == flyteidl.core.Workflow.ArrayNode.ParallelismOptionCase.PARALLELISM
        ? OptionalInt.of(array.getParallelism())
        : OptionalInt.empty();
  }

  /** A nested map's whole input map, where a process that reads {@code {{.input}}} finds it. */
  private static void writeInputs(String folder, LiteralMap inputs) {
    AtomicFiles.writeBytes(LocalFiles.join(folder, "inputs.pb"), inputs.toByteArray());
  }

  @Override
  public void close() {}
}

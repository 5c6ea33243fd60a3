package org.flytebeam.spec;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.RetryStrategy;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Workflow.ArrayNode.DataMode;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.task.JavaTask;
import org.flytebeam.types.JavaLiterals;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.Literals;
import org.flytebeam.types.RecordCodec;

/**
 * The Java front end: a map over a {@link JavaTask} (or over any task template with a scalar
 * interface), with flytekit's {@code map_task} settings, built into one validated {@link
 * MapTaskSpec}. Every method returns a changed copy and does not modify this one.
 *
 * <pre>{@code
 * MapTaskSpec spec =
 *     MapTask.of(new Describe())          // (a: int, b: float, c: str) -> str
 *         .bind("c", "c")                 // functools.partial(describe, c="c")
 *         .concurrency(4)
 *         .minSuccessRatio(0.75f)
 *         .build();                       // (a: List[int], b: List[float], c: str) -> List[Optional[str]]
 * }</pre>
 *
 * <p>Defaults are flytekit's: concurrency unset (unlimited), {@code min_success_ratio} 1.0, no
 * {@code min_successes}, the ArrayNode form. The name follows flytekit's scheme (see {@link
 * MapTaskNames}); for a Java task the module is the task class's package and the function the task
 * name.
 *
 * <p>Bound inputs are passed whole to every element. Three ways, as in flytekit: {@link #bind} (a
 * {@code functools.partial} keyword), {@link #boundInputsValues} ({@code bound_inputs_values};
 * these win over partial keywords) and {@link #boundInputs} (names only: the value comes from the
 * workflow input of the same name).
 */
public final class MapTask {
  /**
   * The data arguments of Flyte's container contract, as flytekit writes them after its entry
   * point: where the inputs are, where outputs, raw data and checkpoints go.
   */
  static final List<String> CONTAINER_DATA_ARGS =
      List.of(
          "--inputs",
          "{{.input}}",
          "--output-prefix",
          "{{.outputPrefix}}",
          "--raw-output-data-prefix",
          "{{.rawOutputDataPrefix}}",
          "--checkpoint-path",
          "{{.checkpointOutputPrefix}}",
          "--prev-checkpoint",
          "{{.prevCheckpointPrefix}}");

  /** The args of a Java task's container; {@code <name>} is replaced by the task name. */
  static final List<String> JAVA_TASK_ARGS =
      Stream.concat(
              Stream.of("flyte-beam", "execute", "--task", "<name>"), CONTAINER_DATA_ARGS.stream())
          .toList();

  private static final float DEFAULT_RATIO = 1.0f;

  private final JavaTask<?, ?> javaTask;
  private final TaskTemplate template;
  private final String module;
  private final String fn;
  private OptionalInt concurrency = OptionalInt.empty();
  private OptionalLong minSuccesses = OptionalLong.empty();
  private Optional<Float> minSuccessRatio = Optional.of(DEFAULT_RATIO);
  private Map<String, Object> partials = Map.of();
  private Optional<Map<String, Literal>> boundInputsValues = Optional.empty();
  private Optional<Set<String>> boundInputs = Optional.empty();
  private boolean runAllSubNodes;
  private boolean legacy;
  private DataMode dataMode = DataMode.SINGLE_INPUT_FILE;
  private Optional<String> cacheVersion = Optional.empty();
  private Optional<List<String>> cacheIgnoreInputVars = Optional.empty();

  private MapTask(JavaTask<?, ?> javaTask, TaskTemplate template, String module, String fn) {
    this.javaTask = javaTask;
    this.template = template;
    this.module = module;
    this.fn = fn;
  }

  private MapTask copy() {
    MapTask c = new MapTask(javaTask, template, module, fn);
    c.concurrency = concurrency;
    c.minSuccesses = minSuccesses;
    c.minSuccessRatio = minSuccessRatio;
    c.partials = partials;
    c.boundInputsValues = boundInputsValues;
    c.boundInputs = boundInputs;
    c.runAllSubNodes = runAllSubNodes;
    c.legacy = legacy;
    c.dataMode = dataMode;
    c.cacheVersion = cacheVersion;
    c.cacheIgnoreInputVars = cacheIgnoreInputVars;
    return c;
  }

  /** A map over a Java task: module = the task class's package, function = the task name. */
  public static MapTask of(JavaTask<?, ?> task) {
    requireNonNull(task, "task");
    return new MapTask(task, null, task.getClass().getPackageName(), task.name());
  }

  /**
   * A map over a task template whose interface is the scalar one (one invocation's), of any type (a
   * raw container, a python task...). For the name, a template named {@code module.fn} gives module
   * and function, as flytekit names function tasks; a name without a dot gives module = the task
   * type, function = the name (flytekit's rule for instance tasks).
   */
  public static MapTask of(TaskTemplate subTaskTemplate) {
    requireNonNull(subTaskTemplate, "subTaskTemplate");
    String name = subTaskTemplate.getId().getName();
    int dot = name.lastIndexOf('.');
    return dot > 0
        ? new MapTask(null, subTaskTemplate, name.substring(0, dot), name.substring(dot + 1))
        : new MapTask(null, subTaskTemplate, subTaskTemplate.getType(), name);
  }

  /** At most {@code n} elements running at once; 0 means unlimited ({@code concurrency}). */
  public MapTask concurrency(int n) {
    MapTask c = copy();
    c.concurrency = OptionalInt.of(n);
    return c;
  }

  /** The number of elements that must succeed; wins over the ratio ({@code min_successes}). */
  public MapTask minSuccesses(long n) {
    MapTask c = copy();
    c.minSuccesses = OptionalLong.of(n);
    return c;
  }

  /**
   * The fraction of elements that must succeed, within [0, 1] ({@code min_success_ratio}, float32
   * as in the proto). Other than 1, outputs become {@code List[Optional[T]]}.
   */
  public MapTask minSuccessRatio(float ratio) {
    MapTask c = copy();
    c.minSuccessRatio = Optional.of(ratio);
    return c;
  }

  /**
   * Binds {@code input} to a Java value passed whole to every element: flytekit's {@code
   * functools.partial(task, input=value)}. The value is converted by the input's Java type (the
   * record component's) for a Java task; for a template it must be a {@link Literal} or a
   * non-generic value ({@code String}, {@code Long}, {@code Double}, {@code Boolean}...).
   */
  public MapTask bind(String input, Object javaValue) {
    requireNonNull(input, "input");
    MapTask c = copy();
    Map<String, Object> p = new LinkedHashMap<>(partials);
    p.put(input, javaValue);
    c.partials = java.util.Collections.unmodifiableMap(p);
    return c;
  }

  /**
   * Binds inputs to values passed whole to every element: flytekit's {@code bound_inputs_values}.
   * They win over {@link #bind} keywords.
   */
  public MapTask boundInputsValues(Map<String, Literal> values) {
    requireNonNull(values, "values");
    MapTask c = copy();
    c.boundInputsValues =
        Optional.of(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    return c;
  }

  /**
   * Names inputs passed whole to every element, each bound to the workflow input of the same name:
   * flytekit's {@code bound_inputs}. Given together with {@link #boundInputsValues}, both must name
   * the same inputs.
   */
  public MapTask boundInputs(Set<String> names) {
    requireNonNull(names, "names");
    MapTask c = copy();
    c.boundInputs = Optional.of(java.util.Collections.unmodifiableSet(new LinkedHashSet<>(names)));
    return c;
  }

  /** Whether to run every element to its end before failing ({@code run_all_sub_nodes}). */
  public MapTask runAllSubNodes(boolean runAll) {
    MapTask c = copy();
    c.runAllSubNodes = runAll;
    return c;
  }

  /** How a process sub-task's {@code {{.input}}} file is formed (ArrayNode form only). */
  public MapTask dataMode(DataMode mode) {
    requireNonNull(mode, "mode");
    MapTask c = copy();
    c.dataMode = mode;
    return c;
  }

  /**
   * Makes the sub-task cacheable per element with cache version {@code version} (flytekit's {@code
   * cache=True, cache_version=...}; the sub-task's {@code TaskMetadata.discoverable} and {@code
   * discovery_version}), whatever the Java task or the template says.
   */
  public MapTask cache(String version) {
    requireNonNull(version, "version");
    MapTask c = copy();
    c.cacheVersion = Optional.of(version);
    return c;
  }

  /**
   * Inputs left out of the cache key (flytekit's {@code cache_ignore_input_vars}), whatever the
   * Java task or the template says.
   */
  public MapTask cacheIgnoreInputVars(String... names) {
    MapTask c = copy();
    c.cacheIgnoreInputVars = Optional.of(List.of(names));
    return c;
  }

  /** The legacy form: one {@code container_array} task template (flytekit's MapPythonTask). */
  public MapTask legacy() {
    MapTask c = copy();
    c.legacy = true;
    return c;
  }

  /** Every bound input, sorted: partial keywords, bound values and bound names. */
  public List<String> allBoundInputs() {
    Set<String> all = new TreeSet<>(partials.keySet());
    boundInputsValues.ifPresent(v -> all.addAll(v.keySet()));
    boundInputs.ifPresent(all::addAll);
    return List.copyOf(all);
  }

  /** The map task's name, in flytekit's scheme for the chosen form and settings. */
  public String name() {
    List<String> bound = allBoundInputs();
    return legacy
        ? MapTaskNames.legacy(module, fn, bound)
        : MapTaskNames.arrayNode(module, fn, bound, concurrency, minSuccesses, minSuccessRatio);
  }

  /**
   * Validates every setting and builds the spec.
   *
   * @throws InvalidDefinitionException listing every problem found, e.g. {@code min_success_ratio
   *     [1.5] must be within [0, 1]; cannot bind [d]: task [add] has no such input (inputs: [a, b,
   *     c])}
   */
  public MapTaskSpec build() {
    List<String> problems = new ArrayList<>();
    checkSettings(problems);

    TaskTemplate subTemplate = template;
    if (javaTask != null) {
      try {
        subTemplate = javaTaskTemplate(javaTask);
      } catch (InvalidDefinitionException e) {
        problems.addAll(e.problems());
        throw new InvalidDefinitionException(problems);
      }
    } else {
      checkTemplate(subTemplate, problems);
    }
    subTemplate = withCacheSettings(subTemplate);
    TypedInterface scalar = subTemplate.getInterface();
    String taskName = javaTask != null ? javaTask.name() : subTemplate.getId().getName();
    Map<String, Variable> inputs = scalar.getInputs().getVariablesMap();
    checkCache(subTemplate, inputs, taskName, problems);

    Set<String> named = new LinkedHashSet<>(partials.keySet());
    boundInputsValues.ifPresent(v -> named.addAll(v.keySet()));
    boundInputs.ifPresent(named::addAll);
    for (String name : named) {
      if (!inputs.containsKey(name)) {
        problems.add(
            String.format(
                "cannot bind [%s]: task [%s] has no such input (inputs: %s)",
                name, taskName, inputs.keySet()));
      }
    }
    if (boundInputs.isPresent()
        && boundInputsValues.isPresent()
        && !boundInputs.get().equals(boundInputsValues.get().keySet())) {
      problems.add(
          String.format(
              "bound_inputs %s and bound_inputs_values %s must name the same inputs: give one of"
                  + " them, or the same names to both",
              new TreeSet<>(boundInputs.get()), new TreeSet<>(boundInputsValues.get().keySet())));
    }

    Map<String, Literal> values = boundValues(inputs, problems);
    Optional<FlytekitCommand> flytekit =
        javaTask == null && subTemplate.hasContainer()
            ? FlytekitCommand.parse(containerArgs(subTemplate))
            : Optional.empty();
    if (legacy) {
      checkLegacy(values, flytekit.isPresent(), problems);
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }

    List<String> bound = allBoundInputs();
    // One oneof holds the criteria: min_successes, when set, is what is kept.
    Optional<Float> ratio = minSuccesses.isPresent() ? Optional.empty() : minSuccessRatio;
    TypedInterface mapped = MappedInterface.of(scalar, bound, ratio);
    return legacy
        ? legacySpec(subTemplate, scalar, mapped, bound, ratio, flytekit)
        : arrayNodeSpec(subTemplate, scalar, mapped, bound, values, ratio, flytekit);
  }

  private static List<String> containerArgs(TaskTemplate t) {
    List<String> args = new ArrayList<>(t.getContainer().getCommandList());
    args.addAll(t.getContainer().getArgsList());
    return args;
  }

  /** The template with this builder's cache version and ignored inputs, where they are given. */
  private TaskTemplate withCacheSettings(TaskTemplate t) {
    if (cacheVersion.isEmpty() && cacheIgnoreInputVars.isEmpty()) {
      return t;
    }
    TaskMetadata.Builder metadata = t.getMetadata().toBuilder();
    cacheVersion.ifPresent(v -> metadata.setDiscoverable(true).setDiscoveryVersion(v));
    cacheIgnoreInputVars.ifPresent(
        names -> metadata.clearCacheIgnoreInputVars().addAllCacheIgnoreInputVars(names));
    return t.toBuilder().setMetadata(metadata).build();
  }

  private static void checkCache(
      TaskTemplate t, Map<String, Variable> inputs, String taskName, List<String> problems) {
    SubTask.checkCache(t, problems);
    for (String name : t.getMetadata().getCacheIgnoreInputVarsList()) {
      if (!inputs.containsKey(name)) {
        problems.add(
            String.format(
                "cache_ignore_input_vars names [%s]: task [%s] has no such input (inputs: %s)",
                name, taskName, inputs.keySet()));
      }
    }
  }

  private void checkSettings(List<String> problems) {
    SuccessCriteria.check(concurrency, minSuccesses, minSuccessRatio, problems);
    if (minSuccesses.isPresent()) {
      long n = minSuccesses.getAsLong();
      if (!legacy && n > 0xFFFFFFFFL) {
        problems.add(
            String.format("min_successes [%d] must be at most %d (a uint32)", n, 0xFFFFFFFFL));
      }
    }
  }

  private static void checkTemplate(TaskTemplate t, List<String> problems) {
    String name = t.getId().getName();
    if (name.isEmpty()) {
      problems.add("the sub-task template has no id name: set id.name");
    }
    if (t.getType().isEmpty()) {
      problems.add(String.format("the sub-task template [%s] has no type: set type", name));
    } else if ("container_array".equals(t.getType())) {
      problems.add(
          String.format(
              "the sub-task template [%s] is a container_array (already a map task): map its"
                  + " sub-task instead",
              name));
    } else if (t.hasContainer() && runsMapExecute(containerArgs(t))) {
      problems.add(
          String.format(
              "the sub-task template [%s] runs %s (already a map task): map its sub-task instead",
              name, FlytekitCommand.MAP_EXECUTE));
    }
  }

  private Map<String, Literal> boundValues(Map<String, Variable> inputs, List<String> problems) {
    Map<String, Literal> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> partial : partials.entrySet()) {
      String input = partial.getKey();
      if (inputs.containsKey(input)) {
        toLiteral(input, partial.getValue(), problems).ifPresent(l -> values.put(input, l));
      }
    }
    boundInputsValues.ifPresent(
        given ->
            given.forEach(
                (input, literal) -> {
                  if (inputs.containsKey(input)) {
                    values.put(input, requireNonNull(literal, "bound value of " + input));
                  }
                }));
    for (Map.Entry<String, Literal> value : values.entrySet()) {
      checkBoundValue(
          value.getKey(), value.getValue(), inputs.get(value.getKey()).getType(), problems);
    }
    return values;
  }

  private Optional<Literal> toLiteral(String input, Object value, List<String> problems) {
    if (value instanceof Literal literal) {
      return Optional.of(literal);
    }
    try {
      Type type = javaTask != null ? componentType(javaTask.inputType(), input) : null;
      if (type == null) {
        if (value == null
            || value instanceof Collection<?>
            || value instanceof Map<?, ?>
            || value instanceof Optional<?>) {
          problems.add(
              String.format(
                  "cannot bind input [%s] of template task [%s] to [%s]: its Java type is not"
                      + " known; give a Literal (boundInputsValues) instead",
                  input, template.getId().getName(), value));
          return Optional.empty();
        }
        type = value.getClass();
      }
      return Optional.of(JavaLiterals.toLiteral(input, value, type));
    } catch (LiteralTypeException e) {
      problems.add("cannot bind input [" + input + "]: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Type componentType(Class<? extends Record> record, String name) {
    for (RecordComponent component : record.getRecordComponents()) {
      if (component.getName().equals(name)) {
        return component.getGenericType();
      }
    }
    return null;
  }

  /** Whether the program, past a fast-registration prefix, is flytekit's map command. */
  private static boolean runsMapExecute(List<String> args) {
    int start =
        !args.isEmpty() && args.get(0).equals(FlytekitCommand.FAST_EXECUTE)
            ? args.indexOf("--") + 1
            : 0;
    return start < args.size() && args.get(start).equals(FlytekitCommand.MAP_EXECUTE);
  }

  private void checkLegacy(
      Map<String, Literal> values, boolean flytekitTask, List<String> problems) {
    if (!values.isEmpty()) {
      problems.add(
          String.format(
              "the legacy (container_array) form can not hold bound values %s: bind them by name"
                  + " with boundInputs(...) and pass them with the inputs, or use the ArrayNode"
                  + " form",
              new TreeSet<>(values.keySet())));
    }
    if (runAllSubNodes) {
      problems.add(
          "run_all_sub_nodes can not be written in the legacy (container_array) form: use the"
              + " ArrayNode form");
    }
    if (dataMode != DataMode.SINGLE_INPUT_FILE) {
      problems.add(
          String.format(
              "data_mode [%s] can not be written in the legacy (container_array) form: use the"
                  + " ArrayNode form",
              dataMode));
    }
    if (javaTask == null && !template.hasContainer()) {
      problems.add(
          String.format(
              "template [%s] has no container: the legacy (container_array) form runs a"
                  + " container",
              template.getId().getName()));
    }
    // flytekit's map resolver reads the bound names from "vars <csv>", as Java tasks do.
    if (javaTask == null && !flytekitTask && !allBoundInputs().isEmpty()) {
      problems.add(
          String.format(
              "the legacy (container_array) form records bound inputs %s in the container args"
                  + " (-- vars <csv>), which only Java tasks read: use the ArrayNode form for"
                  + " template [%s]",
              allBoundInputs(), template.getId().getName()));
    }
  }

  private MapTaskSpec arrayNodeSpec(
      TaskTemplate subTemplate,
      TypedInterface scalar,
      TypedInterface mapped,
      List<String> bound,
      Map<String, Literal> values,
      Optional<Float> ratio,
      Optional<FlytekitCommand> flytekit) {
    VariableMap.Builder wfInputs = VariableMap.newBuilder();
    Map<String, BindingData> bindings = new LinkedHashMap<>();
    for (Map.Entry<String, Variable> in : scalar.getInputs().getVariablesMap().entrySet()) {
      String input = in.getKey();
      Literal value = values.get(input);
      if (value != null) {
        bindings.put(input, Bindings.of(value));
      } else {
        wfInputs.putVariables(input, mapped.getInputs().getVariablesMap().get(input));
        bindings.put(input, Bindings.workflowInput(input));
      }
    }
    VariableMap.Builder wfOutputs = VariableMap.newBuilder();
    Map<String, String> outputs = new LinkedHashMap<>();
    // The workflow's outputs keep the task's output names: a Java user reads results by them.
    for (Map.Entry<String, Variable> out : mapped.getOutputs().getVariablesMap().entrySet()) {
      wfOutputs.putVariables(out.getKey(), out.getValue());
      outputs.put(out.getKey(), out.getKey());
    }
    TypedInterface workflowInterface =
        TypedInterface.newBuilder().setInputs(wfInputs).setOutputs(wfOutputs).build();
    // A flytekit task is mapped as flytekit's ArrayNodeMapTask writes it: a template of its own,
    // named as the map, with the list interface and pyflyte-map-execute.
    TaskTemplate elementTemplate =
        flytekit
            .map(
                f ->
                    subTemplate.toBuilder()
                        .setId(
                            Identifier.newBuilder(subTemplate.getId())
                                .setResourceType(ResourceType.TASK)
                                .setName(name()))
                        .setTaskTypeVersion(1)
                        .setInterface(mapped)
                        .setContainer(
                            subTemplate.getContainer().toBuilder()
                                .clearCommand()
                                .clearArgs()
                                .addAllArgs(
                                    f.mapArgs(
                                        FlytekitCommand.ARRAY_NODE_RESOLVER,
                                        MapTaskNames.boundCsv(bound))))
                        .build())
            .orElse(subTemplate);
    return new MapTaskSpec(
        MapTaskSpec.Form.ARRAY_NODE,
        name(),
        SubTask.of(elementTemplate, scalar, OptionalInt.empty()),
        workflowInterface,
        bindings,
        bound,
        outputs,
        concurrency,
        minSuccesses,
        ratio,
        runAllSubNodes,
        dataMode,
        flytekit.isEmpty());
  }

  private MapTaskSpec legacySpec(
      TaskTemplate subTemplate,
      TypedInterface scalar,
      TypedInterface mapped,
      List<String> bound,
      Optional<Float> ratio,
      Optional<FlytekitCommand> flytekit) {
    OptionalInt parallelism = OptionalInt.of(concurrency.orElse(0));
    Container.Builder container = subTemplate.getContainer().toBuilder();
    if (javaTask != null) {
      container.addArgs("--").addArgs("vars").addArgs(MapTaskNames.boundCsv(bound));
    } else if (flytekit.isPresent()) {
      // As flytekit's MapPythonTask writes it: its map resolver, which appends the index to the
      // output prefix, the bound names in "vars <csv>".
      container
          .clearCommand()
          .clearArgs()
          .addAllArgs(
              flytekit
                  .get()
                  .mapArgs(FlytekitCommand.LEGACY_RESOLVER, MapTaskNames.boundCsv(bound)));
    }
    TaskTemplate arrayTemplate =
        TaskTemplate.newBuilder()
            .setId(
                Identifier.newBuilder(subTemplate.getId())
                    .setResourceType(ResourceType.TASK)
                    .setName(name()))
            .setType("container_array")
            .setTaskTypeVersion(1)
            .setMetadata(subTemplate.getMetadata())
            .setInterface(mapped)
            .setCustom(ArrayJobs.toStruct(ArrayJobs.of(parallelism, minSuccesses, ratio)))
            .setContainer(container)
            // flytekit keeps the mapped task's config (and security context, below).
            .putAllConfig(subTemplate.getConfigMap())
            .build();
    if (subTemplate.hasSecurityContext()) {
      arrayTemplate =
          arrayTemplate.toBuilder().setSecurityContext(subTemplate.getSecurityContext()).build();
    }
    Map<String, BindingData> bindings = new LinkedHashMap<>();
    for (String input : mapped.getInputs().getVariablesMap().keySet()) {
      bindings.put(input, Bindings.workflowInput(input));
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    for (String output : mapped.getOutputs().getVariablesMap().keySet()) {
      outputs.put(output, output);
    }
    return new MapTaskSpec(
        MapTaskSpec.Form.LEGACY,
        name(),
        SubTask.of(arrayTemplate, scalar, OptionalInt.empty()),
        mapped,
        bindings,
        bound,
        outputs,
        parallelism,
        minSuccesses,
        ratio,
        false,
        DataMode.SINGLE_INPUT_FILE,
        false);
  }

  /**
   * The template of a Java task: type {@code java-task}, named as the task, its interface from the
   * input and output records, retries, timeout and cache from the task, a container that runs it
   * through the flyte-beam CLI, and {@code custom = {"javaTask": "<name>"}}.
   *
   * @throws InvalidDefinitionException when a record component's type is not supported
   */
  public static TaskTemplate javaTaskTemplate(JavaTask<?, ?> task) {
    requireNonNull(task, "task");
    List<String> problems = new ArrayList<>();
    VariableMap inputs = variables(task.inputType(), problems);
    VariableMap outputs = variables(task.outputType(), problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    TaskMetadata.Builder metadata =
        TaskMetadata.newBuilder().setRetries(RetryStrategy.newBuilder().setRetries(task.retries()));
    task.timeout()
        .ifPresent(
            t ->
                metadata.setTimeout(
                    com.google.protobuf.Duration.newBuilder()
                        .setSeconds(t.getSeconds())
                        .setNanos(t.getNano())));
    task.cacheVersion().ifPresent(v -> metadata.setDiscoverable(true).setDiscoveryVersion(v));
    metadata.addAllCacheIgnoreInputVars(task.cacheIgnoreInputVars());
    List<String> args =
        JAVA_TASK_ARGS.stream().map(a -> a.equals("<name>") ? task.name() : a).toList();
    return TaskTemplate.newBuilder()
        .setId(TaskId.of(task.name()).toProto(ResourceType.TASK))
        .setType(SubTask.JAVA_TASK_TYPE)
        .setMetadata(metadata)
        .setInterface(TypedInterface.newBuilder().setInputs(inputs).setOutputs(outputs))
        .setContainer(Container.newBuilder().setImage(SubTask.JAVA_TASK_IMAGE).addAllArgs(args))
        .setCustom(
            Struct.newBuilder()
                .putFields(
                    SubTask.JAVA_TASK_CUSTOM_KEY,
                    Value.newBuilder().setStringValue(task.name()).build()))
        .build();
  }

  private static VariableMap variables(Class<? extends Record> record, List<String> problems) {
    try {
      return RecordCodec.of(record).toVariableMap();
    } catch (LiteralTypeException e) {
      problems.addAll(e.problems());
      return VariableMap.getDefaultInstance();
    }
  }

  private static void checkBoundValue(
      String input, Literal value, LiteralType type, List<String> problems) {
    try {
      Literals.check("bound input", input, value, type);
    } catch (LiteralTypeException e) {
      problems.add(
          e.getMessage()
              + ": a bound input is passed whole to every element, so its value must be of the"
              + " input's type");
    }
  }
}

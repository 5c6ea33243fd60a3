package org.flytebeam.idl;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.ArrayNode.DataMode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import flyteidl.plugins.ArrayJobOuterClass.ArrayJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.ArrayJobs;
import org.flytebeam.spec.Bindings;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.MappedInterface;
import org.flytebeam.spec.SubTask;
import org.flytebeam.spec.SuccessCriteria;
import org.flytebeam.spec.TaskId;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;

/**
 * Reads a map task from a flyteidl definition, as flytekit (or anyone) serializes it, into one
 * {@link MapTaskSpec}.
 *
 * <p>Two shapes are supported:
 *
 * <ul>
 *   <li>a {@code WorkflowClosure} whose workflow holds exactly one node, an ArrayNode whose
 *       sub-node is a TaskNode referencing a template among the closure's {@code tasks};
 *   <li>a {@code TaskTemplate} of type {@code container_array} (flytekit's legacy map task) whose
 *       {@code custom} is an {@code ArrayJob}.
 * </ul>
 *
 * <p>Files ending in {@code .json} hold the protobuf JSON mapping, files ending in {@code .pb} the
 * binary form:
 *
 * <pre>{@code
 * MapTaskSpec spec = DefinitionReader.read(Path.of("map_to_upper.def.json"));
 * }</pre>
 *
 * <p>Every problem is an {@link InvalidDefinitionException}, listing all that were found.
 */
public final class DefinitionReader {
  /** The task type of flytekit's legacy map task. */
  public static final String CONTAINER_ARRAY_TYPE = "container_array";

  private static final String SUPPORTED =
      "supported: a WorkflowClosure whose workflow holds exactly one ArrayNode node with a task"
          + " sub-node, or a TaskTemplate of type [container_array] (flytekit's legacy map task)";

  // A task type as written in templates; a WorkflowClosure misread as a template fails this.
  private static final Pattern TASK_TYPE = Pattern.compile("[A-Za-z0-9_.\\-]+");

  private DefinitionReader() {}

  /**
   * Reads a definition file: protobuf JSON when it ends in {@code .json}, binary protobuf when it
   * ends in {@code .pb}.
   */
  public static MapTaskSpec read(Path file) {
    requireNonNull(file, "file");
    boolean json = isJson(file);
    if (Files.isDirectory(file)) {
      throw new InvalidDefinitionException(
          String.format("definition file [%s] is a folder: give the file itself", file));
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new InvalidDefinitionException(
          String.format(
              "definition file [%s] cannot be read: permission denied (check its permissions)",
              file),
          e);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidDefinitionException(
          String.format("definition file [%s] does not exist: check the path", file), e);
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          String.format("cannot read definition [%s]: %s", file, oneLine(e)), e);
    }
    return read(bytes, json, "[" + file + "]");
  }

  /**
   * Reads a definition already loaded from {@code name} (a path or URI, from any file system):
   * protobuf JSON when the name ends in {@code .json}, binary protobuf when it ends in {@code .pb}.
   */
  public static MapTaskSpec read(String name, byte[] bytes) {
    requireNonNull(name, "name");
    requireNonNull(bytes, "bytes");
    return read(bytes, isJson(name), "[" + name + "]");
  }

  /**
   * Reads a definition from memory.
   *
   * @param json protobuf JSON when true, else binary protobuf
   */
  public static MapTaskSpec read(byte[] bytes, boolean json) {
    requireNonNull(bytes, "bytes");
    return read(bytes, json, json ? "the JSON definition" : "the binary definition");
  }

  /** Reads the ArrayNode form. */
  public static MapTaskSpec read(WorkflowClosure closure) {
    return fromClosure(requireNonNull(closure, "closure"));
  }

  /** Reads the legacy form: a {@code container_array} template. */
  public static MapTaskSpec read(TaskTemplate template) {
    return fromLegacyTemplate(requireNonNull(template, "template"));
  }

  static boolean isJson(Path file) {
    return isJson(String.valueOf(file));
  }

  static boolean isJson(String file) {
    String name = file.toLowerCase(Locale.ROOT);
    if (name.endsWith(".json")) {
      return true;
    }
    if (name.endsWith(".pb")) {
      return false;
    }
    throw new InvalidDefinitionException(
        String.format(
            "definition file [%s] must end in .json (protobuf JSON) or .pb (binary protobuf)",
            file));
  }

  /**
   * Parses one definition file's bytes into the message it holds: a {@code WorkflowClosure} or a
   * {@code TaskTemplate}.
   *
   * @param name the file's path or URI: its extension says JSON ({@code .json}) or binary ({@code
   *     .pb})
   */
  static Message parse(String name, byte[] bytes) {
    String source = "[" + name + "]";
    return isJson(name) ? parseJson(bytes, source) : parseBinary(bytes, source);
  }

  private static MapTaskSpec read(byte[] bytes, boolean json, String source) {
    Message message = json ? parseJson(bytes, source) : parseBinary(bytes, source);
    if (message instanceof WorkflowClosure closure) {
      return fromClosure(closure);
    }
    return fromLegacyTemplate((TaskTemplate) message);
  }

  private static Message parseJson(byte[] bytes, String source) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    Struct top;
    try {
      Struct.Builder struct = Struct.newBuilder();
      JsonFormat.parser().merge(text, struct);
      top = struct.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw parseProblem(source, "JSON", e);
    }
    Message.Builder builder;
    if (top.containsFields("workflow")) {
      builder = WorkflowClosure.newBuilder();
    } else if (top.containsFields("type")) {
      builder = TaskTemplate.newBuilder();
    } else {
      throw new InvalidDefinitionException(
          String.format(
              "%s is not supported: found a JSON object with keys %s, which is neither a"
                  + " WorkflowClosure (key [workflow]) nor a TaskTemplate (key [type]); %s",
              source, top.getFieldsMap().keySet(), SUPPORTED));
    }
    try {
      JsonFormat.parser().merge(text, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw parseProblem(source, "JSON " + builder.getDescriptorForType().getName(), e);
    }
    return builder.build();
  }

  /*
   * Binary protobuf does not say which message it holds. A TaskTemplate misread as a closure fails
   * to parse or leaves unknown fields (its Identifier's resource_type does not fit a
   * WorkflowTemplate); a closure misread as a template gets a serialized template as its "type".
   */
  private static Message parseBinary(byte[] bytes, String source) {
    WorkflowClosure closure = null;
    InvalidProtocolBufferException closureError = null;
    try {
      closure = WorkflowClosure.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      closureError = e;
    }
    boolean isClosure =
        closure != null
            && closure.hasWorkflow()
            && closure.getUnknownFields().asMap().isEmpty()
            && closure.getWorkflow().getUnknownFields().asMap().isEmpty();
    TaskTemplate template = null;
    InvalidProtocolBufferException templateError = null;
    try {
      template = TaskTemplate.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      templateError = e;
    }
    boolean isTemplate =
        template != null
            && TASK_TYPE.matcher(template.getType()).matches()
            && template.getUnknownFields().asMap().isEmpty();
    if (isClosure && !isTemplate) {
      return closure;
    }
    if (isTemplate && !isClosure) {
      return template;
    }
    if (closureError != null && templateError != null) {
      throw parseProblem(source, "binary protobuf", closureError);
    }
    throw new InvalidDefinitionException(
        String.format(
            "%s is not supported: its bytes are neither a WorkflowClosure nor a TaskTemplate"
                + " (%d bytes); %s",
            source, bytes.length, SUPPORTED));
  }

  private static InvalidDefinitionException parseProblem(String source, String what, Exception e) {
    return new InvalidDefinitionException(
        String.format("cannot parse %s as %s: %s", source, what, oneLine(e)), e);
  }

  /**
   * The map of one ArrayNode node of a workflow, as if it were alone in its workflow: the spec's
   * workflow interface is the node's own inputs and outputs ({@code nodeInterface}), each input
   * read from the workflow input of its name, each output written under its name. The map's
   * semantics are those of a one-node closure (SPEC.md).
   *
   * @throws InvalidDefinitionException listing every problem of the node
   */
  public static MapTaskSpec readArrayNode(
      Node node, TaskTemplate task, TypedInterface nodeInterface) {
    Node.Builder alone = node.toBuilder().clearInputs().clearUpstreamNodeIds();
    Node.Builder sub = alone.getArrayNodeBuilder().getNodeBuilder().clearInputs();
    for (Binding b : node.getInputsList()) {
      Binding asInput =
          Binding.newBuilder()
              .setVar(b.getVar())
              .setBinding(
                  BindingData.newBuilder()
                      .setPromise(
                          flyteidl.core.Types.OutputReference.newBuilder()
                              .setNodeId("start-node")
                              .setVar(b.getVar())))
              .build();
      alone.addInputs(asInput);
      sub.addInputs(asInput);
    }
    WorkflowTemplate.Builder workflow =
        WorkflowTemplate.newBuilder()
            .setId(flyteidl.core.IdentifierOuterClass.Identifier.newBuilder().setName(node.getId()))
            .setInterface(nodeInterface)
            .addNodes(alone);
    for (String out : nodeInterface.getOutputs().getVariablesMap().keySet()) {
      workflow.addOutputs(
          Binding.newBuilder()
              .setVar(out)
              .setBinding(
                  BindingData.newBuilder()
                      .setPromise(
                          flyteidl.core.Types.OutputReference.newBuilder()
                              .setNodeId(node.getId())
                              .setVar(out))));
    }
    return fromClosure(WorkflowClosure.newBuilder().setWorkflow(workflow).addTasks(task).build());
  }

  /**
   * The map of an ArrayNode over a launch plan or sub-workflow ({@code node} as written, its
   * sub-node a workflow node): today's map with an element template ({@link
   * org.flytebeam.graph.WorkflowElements}) as its sub-task, so that success criteria, fail fast,
   * parallelism, outputs and progress are the task map's. Retries, timeouts and cache apply to the
   * task nodes inside each element, not to the element.
   */
  public static MapTaskSpec readWorkflowArrayNode(
      Node node,
      org.flytebeam.graph.ExecutionGraph.ArrayWorkflowCall call,
      TypedInterface nodeInterface) {
    TaskTemplate element = org.flytebeam.graph.WorkflowElements.template(call);
    Node sub = call.arrayNode().getNode();
    Node taskSub =
        Node.newBuilder()
            .setId(sub.getId())
            .setMetadata(
                sub.getMetadata().toBuilder()
                    .clearRetries()
                    .clearTimeout()
                    .clearCacheable()
                    .clearCacheVersion())
            .addAllInputs(sub.getInputsList())
            .setTaskNode(
                flyteidl.core.Workflow.TaskNode.newBuilder().setReferenceId(element.getId()))
            .build();
    Node arrayNode =
        node.toBuilder()
            .setArrayNode(
                call.arrayNode().toBuilder()
                    .setNode(taskSub)
                    .setIsOriginalSubNodeInterface(
                        com.google.protobuf.BoolValue.newBuilder().setValue(true)))
            .build();
    return readArrayNode(arrayNode, element, nodeInterface);
  }

  /**
   * A task node run once, as a map of one element with the task's own (scalar) interface: its
   * inputs are given as one-element lists and its outputs come back as one-element lists. The
   * node's metadata (retries) applies as a map element's. Its form is {@link
   * MapTaskSpec.Form#TASK_NODE}: a process gets its own inputs and no array variables.
   */
  public static MapTaskSpec readTaskNode(Node node, TaskTemplate task) {
    TypedInterface scalar = task.getInterface();
    Node arrayNode =
        Node.newBuilder()
            .setId(node.getId())
            .setMetadata(node.getMetadata())
            .addAllInputs(node.getInputsList())
            .setArrayNode(
                ArrayNode.newBuilder()
                    .setNode(node.toBuilder().clearUpstreamNodeIds())
                    .setMinSuccesses(1)
                    // A task node's process reads its own inputs, scalars (pyflyte-execute's
                    // {{.input}}), not the map of one-element lists this map of one is given.
                    .setDataMode(ArrayNode.DataMode.INDIVIDUAL_INPUT_FILES)
                    .setIsOriginalSubNodeInterface(
                        com.google.protobuf.BoolValue.newBuilder().setValue(true)))
            .build();
    return readArrayNode(arrayNode, task, MappedInterface.of(scalar, List.of(), Optional.empty()))
        .withForm(MapTaskSpec.Form.TASK_NODE);
  }

  private static MapTaskSpec fromClosure(WorkflowClosure closure) {
    if (!closure.hasWorkflow()) {
      throw new InvalidDefinitionException(
          "the WorkflowClosure has no workflow, so it is not supported; " + SUPPORTED);
    }
    WorkflowTemplate workflow = closure.getWorkflow();
    String wfName = workflow.getId().getName();
    if (workflow.getNodesCount() != 1) {
      throw new InvalidDefinitionException(
          String.format(
              "workflow [%s] has %d nodes %s, which is not supported; %s",
              wfName,
              workflow.getNodesCount(),
              workflow.getNodesList().stream().map(Node::getId).toList(),
              SUPPORTED));
    }
    Node node = workflow.getNodes(0);
    if (node.getTargetCase() != Node.TargetCase.ARRAY_NODE) {
      throw new InvalidDefinitionException(
          String.format(
              "node [%s] of workflow [%s] is a %s, which is not supported; %s",
              node.getId(), wfName, describeTarget(node), SUPPORTED));
    }
    ArrayNode arrayNode = node.getArrayNode();
    Node subNode = arrayNode.getNode();
    switch (subNode.getTargetCase()) {
      case TASK_NODE -> {}
      case WORKFLOW_NODE ->
          throw new InvalidDefinitionException(
              String.format(
                  "the ArrayNode [%s] maps a %s: mapping a launch plan or sub-workflow is not"
                      + " supported, only a task sub-node (TaskNode) is",
                  node.getId(), describeTarget(subNode)));
      case BRANCH_NODE, GATE_NODE, ARRAY_NODE, TARGET_NOT_SET ->
          throw new InvalidDefinitionException(
              String.format(
                  "the ArrayNode [%s] maps a %s, which is not supported; only a task sub-node"
                      + " (TaskNode) is",
                  node.getId(), describeTarget(subNode)));
      default -> throw new AssertionError(subNode.getTargetCase());
    }
    TaskId ref = TaskId.fromProto(subNode.getTaskNode().getReferenceId());
    TaskTemplate template =
        closure.getTasksList().stream()
            .filter(t -> TaskId.fromProto(t.getId()).equals(ref))
            .findFirst()
            .orElseThrow(
                () ->
                    new InvalidDefinitionException(
                        String.format(
                            "the ArrayNode's sub-node [%s] references task %s, which is not among"
                                + " the closure's tasks %s: add its template to [tasks]",
                            subNode.getId(),
                            show(ref),
                            closure.getTasksList().stream()
                                .map(t -> show(TaskId.fromProto(t.getId())))
                                .toList())));
    String where = "task [" + template.getId().getName() + "]";
    List<String> problems = new ArrayList<>();
    if (CONTAINER_ARRAY_TYPE.equals(template.getType())) {
      problems.add(
          where
              + " is a container_array (a whole legacy map task) used as an ArrayNode sub-task:"
              + " map its sub-task instead, or give the container_array template alone");
    }

    OptionalLong minSuccesses = OptionalLong.empty();
    Optional<Float> minSuccessRatio = Optional.empty();
    switch (arrayNode.getSuccessCriteriaCase()) {
      case MIN_SUCCESSES ->
          minSuccesses = OptionalLong.of(arrayNode.getMinSuccesses() & 0xFFFFFFFFL);
      case MIN_SUCCESS_RATIO -> minSuccessRatio = Optional.of(arrayNode.getMinSuccessRatio());
      case SUCCESSCRITERIA_NOT_SET -> {}
      default -> throw new AssertionError(arrayNode.getSuccessCriteriaCase());
    }
    SuccessCriteria.check(OptionalInt.empty(), minSuccesses, minSuccessRatio, problems);
    OptionalInt parallelism = OptionalInt.empty();
    if (arrayNode.getParallelismOptionCase() == ArrayNode.ParallelismOptionCase.PARALLELISM) {
      int p = arrayNode.getParallelism();
      if (p < 0) {
        problems.add(
            String.format(
                "parallelism [%d] of ArrayNode [%s] is too large: at most %d",
                p & 0xFFFFFFFFL, node.getId(), Integer.MAX_VALUE));
      } else {
        parallelism = OptionalInt.of(p);
      }
    }
    DataMode dataMode = arrayNode.getDataMode();
    if (dataMode == DataMode.UNRECOGNIZED) {
      problems.add(
          String.format(
              "data_mode [%d] of ArrayNode [%s] is unknown: use SINGLE_INPUT_FILE or"
                  + " INDIVIDUAL_INPUT_FILES",
              arrayNode.getDataModeValue(), node.getId()));
      dataMode = DataMode.SINGLE_INPUT_FILE;
    }

    List<String> boundInputs =
        arrayNode.getBoundInputsCount() > 0
            ? List.copyOf(arrayNode.getBoundInputsList())
            : boundInputsFromArgs(template.getContainer().getArgsList()).orElse(List.of());
    boolean original =
        arrayNode.hasIsOriginalSubNodeInterface()
            ? arrayNode.getIsOriginalSubNodeInterface().getValue()
            : scalarInterface(template.getInterface(), boundInputs);
    TypedInterface scalar =
        original
            ? template.getInterface()
            : toScalar(template.getInterface(), boundInputs, minSuccessRatio, where, problems);
    checkBoundInputs(boundInputs, scalar, where, problems);

    // flytepropeller (computeRetryStrategy): the node's retries when set and non-zero, else the
    // task's.
    OptionalInt nodeRetries =
        subNode.getMetadata().hasRetries() && subNode.getMetadata().getRetries().getRetries() != 0
            ? OptionalInt.of(subNode.getMetadata().getRetries().getRetries())
            : OptionalInt.empty();
    List<Binding> nodeInputs =
        node.getInputsCount() > 0 ? node.getInputsList() : subNode.getInputsList();
    Map<String, BindingData> inputBindings =
        inputBindings(
            nodeInputs,
            boundInputs,
            scalar,
            workflow.getInterface(),
            node.getId(),
            where,
            problems);
    Map<String, String> workflowOutputs = workflowOutputs(workflow, node.getId(), scalar, problems);

    String name =
        !subNode.getMetadata().getName().isEmpty()
            ? subNode.getMetadata().getName()
            : !subNode.getId().isEmpty() ? subNode.getId() : wfName;
    SubTask subTask = subTask(template, scalar, nodeRetries, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new MapTaskSpec(
        MapTaskSpec.Form.ARRAY_NODE,
        name,
        subTask,
        workflow.getInterface(),
        inputBindings,
        boundInputs,
        workflowOutputs,
        parallelism,
        minSuccesses,
        minSuccessRatio,
        arrayNode.getRunAllSubNodes(),
        dataMode,
        original);
  }

  private static MapTaskSpec fromLegacyTemplate(TaskTemplate template) {
    if (!CONTAINER_ARRAY_TYPE.equals(template.getType())) {
      throw new InvalidDefinitionException(
          String.format(
              "found a TaskTemplate [%s] of type [%s], which is not supported: a template alone"
                  + " must be of type [container_array]; %s",
              template.getId().getName(), template.getType(), SUPPORTED));
    }
    String where = "container_array template [" + template.getId().getName() + "]";
    List<String> problems = new ArrayList<>();
    ArrayJob job = ArrayJob.getDefaultInstance();
    try {
      job = ArrayJobs.fromStruct(template.getCustom(), where);
    } catch (InvalidDefinitionException e) {
      problems.addAll(e.problems());
    }
    if (!template.hasContainer()) {
      problems.add(where + " has no container: a container_array template runs its container");
    }
    OptionalInt parallelism = OptionalInt.of(0);
    if (job.getParallelism() < 0 || job.getParallelism() > Integer.MAX_VALUE) {
      problems.add(
          String.format(
              "parallelism [%d] of %s must be within [0, %d] (0 means unlimited)",
              job.getParallelism(), where, Integer.MAX_VALUE));
    } else {
      parallelism = OptionalInt.of((int) job.getParallelism());
    }
    OptionalLong minSuccesses = OptionalLong.empty();
    Optional<Float> minSuccessRatio = Optional.empty();
    switch (job.getSuccessCriteriaCase()) {
      case MIN_SUCCESSES -> minSuccesses = OptionalLong.of(job.getMinSuccesses());
      case MIN_SUCCESS_RATIO -> minSuccessRatio = Optional.of(job.getMinSuccessRatio());
      case SUCCESSCRITERIA_NOT_SET -> {}
      default -> throw new AssertionError(job.getSuccessCriteriaCase());
    }
    SuccessCriteria.check(OptionalInt.empty(), minSuccesses, minSuccessRatio, problems);
    List<String> boundInputs =
        boundInputsFromArgs(template.getContainer().getArgsList()).orElse(List.of());
    TypedInterface mapped = template.getInterface();
    TypedInterface scalar = toScalar(mapped, boundInputs, minSuccessRatio, where, problems);
    checkBoundInputs(boundInputs, scalar, where, problems);

    // The custom struct is kept in its canonical form, so that writing it back reads back equal.
    TaskTemplate canonical = template.toBuilder().setCustom(ArrayJobs.toStruct(job)).build();
    SubTask subTask = subTask(canonical, scalar, OptionalInt.empty(), problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    Map<String, BindingData> inputBindings = new LinkedHashMap<>();
    for (String input : mapped.getInputs().getVariablesMap().keySet()) {
      inputBindings.put(input, Bindings.workflowInput(input));
    }
    Map<String, String> workflowOutputs = new LinkedHashMap<>();
    for (String output : mapped.getOutputs().getVariablesMap().keySet()) {
      workflowOutputs.put(output, output);
    }
    return new MapTaskSpec(
        MapTaskSpec.Form.LEGACY,
        template.getId().getName(),
        subTask,
        mapped,
        inputBindings,
        boundInputs,
        workflowOutputs,
        parallelism,
        minSuccesses,
        minSuccessRatio,
        false,
        DataMode.SINGLE_INPUT_FILE,
        false);
  }

  /**
   * The bound inputs flytekit's map resolvers write after {@code --}: {@code vars <csv>} (an empty
   * csv: none). Empty when the args carry no loader args; an empty list when they are loader args
   * without {@code vars} (flytekit 0.x, which could not bind inputs).
   */
  public static Optional<List<String>> boundInputsFromArgs(List<String> args) {
    int separator = args.indexOf("--");
    if (separator < 0) {
      return Optional.empty();
    }
    if (separator + 2 < args.size() && "vars".equals(args.get(separator + 1))) {
      String csv = args.get(separator + 2);
      if (csv.isEmpty()) {
        return Optional.of(List.of());
      }
      return Optional.of(List.of(csv.split(",", -1)));
    }
    return Optional.of(List.of());
  }

  private static void checkBoundInputs(
      List<String> boundInputs, TypedInterface scalar, String where, List<String> problems) {
    for (String bound : boundInputs) {
      if (!scalar.getInputs().getVariablesMap().containsKey(bound)) {
        problems.add(
            String.format(
                "bound input [%s] is not an input of %s (inputs: %s)",
                bound, where, scalar.getInputs().getVariablesMap().keySet()));
      }
    }
  }

  private static Map<String, BindingData> inputBindings(
      List<Binding> bindings,
      List<String> boundInputs,
      TypedInterface scalar,
      TypedInterface workflowInterface,
      String nodeId,
      String where,
      List<String> problems) {
    Map<String, BindingData> byVar = new LinkedHashMap<>();
    Map<String, Variable> inputs = scalar.getInputs().getVariablesMap();
    for (Binding binding : bindings) {
      if (!inputs.containsKey(binding.getVar())) {
        problems.add(
            String.format(
                "node [%s] binds [%s], which is not an input of %s (inputs: %s)",
                nodeId, binding.getVar(), where, inputs.keySet()));
        continue;
      }
      if (byVar.put(binding.getVar(), binding.getBinding()) != null) {
        problems.add(String.format("node [%s] binds input [%s] twice", nodeId, binding.getVar()));
      }
      BindingData data = binding.getBinding();
      Optional<String> workflowInput = Bindings.workflowInputName(data);
      if (workflowInput.isPresent()) {
        if (!workflowInterface.getInputs().getVariablesMap().containsKey(workflowInput.get())) {
          problems.add(
              String.format(
                  "input [%s] of node [%s] reads workflow input [%s], which the workflow does not"
                      + " declare (inputs: %s)",
                  binding.getVar(),
                  nodeId,
                  workflowInput.get(),
                  workflowInterface.getInputs().getVariablesMap().keySet()));
        }
      } else if (!Bindings.isValue(data)) {
        problems.add(
            String.format(
                "input [%s] of node [%s] is bound to [%s]: only workflow inputs (promises on"
                    + " [start-node]) and values are supported",
                binding.getVar(), nodeId, Bindings.describe(data)));
      } else {
        // A value written in the node: whole for a bound input, the list to map over otherwise.
        LiteralType type = inputs.get(binding.getVar()).getType();
        if (!boundInputs.contains(binding.getVar())) {
          type = LiteralTypes.listOf(type);
        }
        try {
          Literals.check("input", binding.getVar(), Bindings.toLiteral(data), type);
        } catch (LiteralTypeException e) {
          problems.add(e.getMessage() + " (the value written in node [" + nodeId + "])");
        }
      }
    }
    Map<String, BindingData> ordered = new LinkedHashMap<>();
    for (String input : inputs.keySet()) {
      BindingData data = byVar.get(input);
      if (data == null) {
        problems.add(
            String.format(
                "input [%s] of %s is not bound by node [%s]: bind it to a workflow input or a"
                    + " value",
                input, where, nodeId));
      } else {
        ordered.put(input, data);
      }
    }
    return ordered;
  }

  private static Map<String, String> workflowOutputs(
      WorkflowTemplate workflow, String nodeId, TypedInterface scalar, List<String> problems) {
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Binding binding : workflow.getOutputsList()) {
      BindingData data = binding.getBinding();
      if (data.getValueCase() != BindingData.ValueCase.PROMISE
          || !nodeId.equals(data.getPromise().getNodeId())) {
        problems.add(
            String.format(
                "workflow output [%s] is bound to [%s]: it must be an output of node [%s]",
                binding.getVar(), Bindings.describe(data), nodeId));
        continue;
      }
      String nodeOutput = data.getPromise().getVar();
      if (!scalar.getOutputs().getVariablesMap().containsKey(nodeOutput)) {
        problems.add(
            String.format(
                "workflow output [%s] reads [%s.%s], which is not an output of the mapped task"
                    + " (outputs: %s)",
                binding.getVar(),
                nodeId,
                nodeOutput,
                scalar.getOutputs().getVariablesMap().keySet()));
        continue;
      }
      outputs.put(binding.getVar(), nodeOutput);
    }
    return outputs;
  }

  private static SubTask subTask(
      TaskTemplate template,
      TypedInterface scalar,
      OptionalInt nodeRetries,
      List<String> problems) {
    SubTask.checkCache(template, problems);
    int retries = nodeRetries.orElse(template.getMetadata().getRetries().getRetries());
    if (retries < 0) {
      problems.add(
          String.format(
              "retries [%d] of task [%s] must be >= 0", retries, template.getId().getName()));
      return SubTask.of(template, scalar, OptionalInt.of(0));
    }
    com.google.protobuf.Duration timeout = template.getMetadata().getTimeout();
    if (template.getMetadata().hasTimeout()
        && (timeout.getSeconds() < 0
            || timeout.getNanos() < 0
            || (timeout.getSeconds() == 0 && timeout.getNanos() == 0))) {
      problems.add(
          String.format(
              "timeout [%ss] of task [%s] must be > 0: give a positive limit, or leave it out for"
                  + " no limit",
              java.math.BigDecimal.valueOf(timeout.getSeconds())
                  .add(java.math.BigDecimal.valueOf(timeout.getNanos(), 9))
                  .stripTrailingZeros()
                  .toPlainString(),
              template.getId().getName()));
      return SubTask.of(
          template.toBuilder()
              .setMetadata(template.getMetadata().toBuilder().clearTimeout())
              .build(),
          scalar,
          nodeRetries);
    }
    return SubTask.of(template, scalar, nodeRetries);
  }

  private static String describeTarget(Node node) {
    return switch (node.getTargetCase()) {
      case TASK_NODE -> "task node";
      case WORKFLOW_NODE ->
          node.getWorkflowNode().hasLaunchplanRef()
              ? "workflow node (launch plan ["
                  + node.getWorkflowNode().getLaunchplanRef().getName()
                  + "])"
              : "workflow node (sub-workflow ["
                  + node.getWorkflowNode().getSubWorkflowRef().getName()
                  + "])";
      case BRANCH_NODE -> "branch node";
      case GATE_NODE -> "gate node";
      case ARRAY_NODE -> "array node";
      case TARGET_NOT_SET -> "node without a target";
    };
  }

  private static String show(TaskId id) {
    return "[" + id.project() + "/" + id.domain() + "/" + id.name() + "/" + id.version() + "]";
  }

  /** An exception's message in one line, with the exception's kind when the message lacks it. */
  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof IOException && e.getClass() != IOException.class) {
      message = e.getClass().getSimpleName() + ": " + message;
    }
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /*
   * Without is_original_sub_node_interface (Flyte's own ArrayNode files, flytekit before it set
   * the flag), the form is inferred from the types as flytepropeller does: an interface whose
   * mapped inputs or outputs are not all collections is the sub-task's own (scalar) interface.
   */
  private static boolean scalarInterface(TypedInterface iface, List<String> boundInputs) {
    for (Map.Entry<String, flyteidl.core.Interface.Variable> in :
        iface.getInputs().getVariablesMap().entrySet()) {
      if (!boundInputs.contains(in.getKey()) && !in.getValue().getType().hasCollectionType()) {
        return true;
      }
    }
    for (flyteidl.core.Interface.Variable out : iface.getOutputs().getVariablesMap().values()) {
      if (!out.getType().hasCollectionType()) {
        return true;
      }
    }
    return false;
  }

  private static TypedInterface toScalar(
      TypedInterface mapped,
      List<String> bound,
      Optional<Float> ratio,
      String where,
      List<String> problems) {
    try {
      return MappedInterface.toScalar(mapped, bound, ratio, where);
    } catch (InvalidDefinitionException e) {
      problems.addAll(e.problems());
      return mapped;
    }
  }
}

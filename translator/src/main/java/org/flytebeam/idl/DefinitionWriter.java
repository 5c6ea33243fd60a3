package org.flytebeam.idl;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.BoolValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.RetryStrategy;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.TaskNodeOverrides;
import flyteidl.core.Workflow.WorkflowMetadata;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import flyteidl.plugins.ArrayJobOuterClass.ArrayJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flytebeam.spec.ArrayJobs;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.SubTask;

/**
 * Writes a {@link MapTaskSpec} as the flyteidl definition of its form, which {@link
 * DefinitionReader} reads back into an equal spec:
 *
 * <ul>
 *   <li>{@link MapTaskSpec.Form#ARRAY_NODE}: a {@code WorkflowClosure} whose workflow holds one
 *       node {@code n0}, an ArrayNode with every field set as flytekit sets it, and whose {@code
 *       tasks} hold the sub-task template. One fix: when {@code min_successes} is set it is what
 *       the {@code success_criteria} oneof holds (flytekit lets its default ratio overwrite it).
 *   <li>{@link MapTaskSpec.Form#LEGACY}: the {@code container_array} template, its {@code custom}
 *       the ArrayJob as flytekit writes it ({@code {"parallelism":"99","minSuccessRatio":1.0}}).
 * </ul>
 *
 * <pre>{@code
 * DefinitionWriter.write(spec, Path.of("map_say_hello.def.json"));
 * }</pre>
 */
public final class DefinitionWriter {
  /** The id of the workflow's one node. */
  public static final String NODE_ID = "n0";

  private DefinitionWriter() {}

  /** The definition as a message: a {@code WorkflowClosure} or a {@code TaskTemplate}. */
  public static Message toProto(MapTaskSpec spec) {
    requireNonNull(spec, "spec");
    return switch (spec.form()) {
      // A task node is written as the map of one it runs as.
      case ARRAY_NODE, TASK_NODE -> toClosure(spec);
      case LEGACY -> toLegacyTemplate(spec);
    };
  }

  /** The definition in the protobuf JSON mapping, as flytekit's JSON files hold it. */
  public static String toJson(MapTaskSpec spec) {
    try {
      return JsonFormat.printer().print(toProto(spec)) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("flyteidl messages without Any fields always print", e);
    }
  }

  /** The definition in binary protobuf. */
  public static byte[] toBinary(MapTaskSpec spec) {
    return toProto(spec).toByteArray();
  }

  /**
   * Writes the definition to {@code file}: protobuf JSON when it ends in {@code .json}, binary when
   * it ends in {@code .pb}.
   *
   * @throws org.flytebeam.InvalidDefinitionException for any other file name
   * @throws UncheckedIOException when the file can not be written
   */
  public static void write(MapTaskSpec spec, Path file) {
    requireNonNull(file, "file");
    byte[] bytes =
        DefinitionReader.isJson(file)
            ? toJson(spec).getBytes(StandardCharsets.UTF_8)
            : toBinary(spec);
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write definition [" + file + "]", e);
    }
  }

  /** The ArrayNode form. */
  public static WorkflowClosure toClosure(MapTaskSpec spec) {
    if (spec.form() == MapTaskSpec.Form.LEGACY) {
      throw new IllegalArgumentException(
          "map task [" + spec.name() + "] is in the " + spec.form() + " form, not ARRAY_NODE");
    }
    SubTask subTask = spec.subTask();
    TaskTemplate template = subTask.template();
    List<Binding> inputs =
        spec.inputBindings().entrySet().stream()
            .map(e -> Binding.newBuilder().setVar(e.getKey()).setBinding(e.getValue()).build())
            .toList();

    NodeMetadata.Builder subNodeMetadata =
        NodeMetadata.newBuilder()
            .setName(spec.name())
            .setRetries(RetryStrategy.newBuilder().setRetries(subTask.retries()));
    if (template.getMetadata().hasInterruptible()) {
      // flytekit's sub-node metadata carries the task's interruptible flag when it is set.
      subNodeMetadata.setInterruptible(template.getMetadata().getInterruptible());
    }
    subTask
        .timeout()
        .ifPresent(
            t ->
                subNodeMetadata.setTimeout(
                    com.google.protobuf.Duration.newBuilder()
                        .setSeconds(t.getSeconds())
                        .setNanos(t.getNano())));
    Node subNode =
        Node.newBuilder()
            .setId(spec.name())
            .setMetadata(subNodeMetadata)
            .addAllInputs(inputs)
            .setTaskNode(
                TaskNode.newBuilder()
                    .setReferenceId(template.getId())
                    .setOverrides(TaskNodeOverrides.getDefaultInstance()))
            .build();

    ArrayNode.Builder arrayNode =
        ArrayNode.newBuilder()
            .setNode(subNode)
            .setExecutionMode(ArrayNode.ExecutionMode.MINIMAL_STATE)
            .setIsOriginalSubNodeInterface(BoolValue.of(spec.originalSubNodeInterface()))
            .setDataMode(spec.dataMode())
            .addAllBoundInputs(spec.boundInputs())
            .setRunAllSubNodes(spec.runAllSubNodes());
    spec.parallelism().ifPresent(arrayNode::setParallelism);
    if (spec.minSuccesses().isPresent()) {
      arrayNode.setMinSuccesses(toUint32(spec.minSuccesses().getAsLong(), spec.name()));
    } else {
      spec.minSuccessRatio().ifPresent(arrayNode::setMinSuccessRatio);
    }

    Node node =
        Node.newBuilder()
            .setId(NODE_ID)
            .setMetadata(NodeMetadata.newBuilder().setName(spec.name()))
            .addAllInputs(inputs)
            .setArrayNode(arrayNode)
            .build();

    WorkflowTemplate.Builder workflow =
        WorkflowTemplate.newBuilder()
            .setId(
                Identifier.newBuilder(template.getId())
                    .setResourceType(ResourceType.WORKFLOW)
                    .setName(spec.name()))
            .setMetadata(WorkflowMetadata.getDefaultInstance())
            .setInterface(spec.workflowInterface())
            .addNodes(node);
    for (Map.Entry<String, String> out : spec.workflowOutputs().entrySet()) {
      workflow.addOutputs(
          Binding.newBuilder()
              .setVar(out.getKey())
              .setBinding(
                  BindingData.newBuilder()
                      .setPromise(
                          OutputReference.newBuilder().setNodeId(NODE_ID).setVar(out.getValue()))));
    }
    return WorkflowClosure.newBuilder().setWorkflow(workflow).addTasks(template).build();
  }

  /**
   * The legacy form: the {@code container_array} template, its {@code custom} written from the
   * spec's parallelism and success criteria ({@code size} kept from the template).
   */
  public static TaskTemplate toLegacyTemplate(MapTaskSpec spec) {
    if (spec.form() != MapTaskSpec.Form.LEGACY) {
      throw new IllegalArgumentException(
          "map task [" + spec.name() + "] is in the " + spec.form() + " form, not LEGACY");
    }
    TaskTemplate template = spec.subTask().template();
    ArrayJob previous =
        ArrayJobs.fromStruct(template.getCustom(), "map task [" + spec.name() + "]");
    ArrayJob job =
        ArrayJobs.of(spec.parallelism(), spec.minSuccesses(), spec.minSuccessRatio()).toBuilder()
            .setSize(previous.getSize())
            .build();
    return template.toBuilder().setCustom(ArrayJobs.toStruct(job)).build();
  }

  private static int toUint32(long value, String name) {
    if (value < 0 || value > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(
          "min_successes [" + value + "] of map task [" + name + "] does not fit a uint32");
    }
    return (int) value;
  }
}

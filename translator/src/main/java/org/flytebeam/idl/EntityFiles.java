package org.flytebeam.idl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlan;
import flyteidl.admin.TaskOuterClass.Task;
import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.admin.WorkflowOuterClass.Workflow;
import flyteidl.admin.WorkflowOuterClass.WorkflowSpec;
import flyteidl.core.Compiler.CompiledTask;
import flyteidl.core.Compiler.CompiledWorkflowClosure;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.flytebeam.InvalidDefinitionException;

/**
 * Parses one entity file of a definition into the official message it holds, strictly (an unknown
 * field means a wrong type): a core {@code WorkflowClosure}, {@code CompiledWorkflowClosure},
 * {@code TaskTemplate} or {@code CompiledTask}; an admin {@code TaskSpec}, {@code WorkflowSpec},
 * {@code LaunchPlan}, {@code Workflow} or {@code Task} (what flytectl's {@code get -o yaml/json}
 * prints). Encoded as protobuf JSON ({@code .json}), YAML ({@code .yaml}/{@code .yml}) or binary
 * ({@code .pb}); a JSON or YAML list holds several.
 */
final class EntityFiles {
  private EntityFiles() {}

  private static final Pattern TASK_TYPE = Pattern.compile("[A-Za-z0-9_.\\-]+");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /** How a file's bytes are encoded, from its name; empty-handed names are refused. */
  enum Encoding {
    JSON,
    YAML,
    BINARY;

    static Encoding of(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.endsWith(".json")) {
        return JSON;
      }
      if (n.endsWith(".yaml") || n.endsWith(".yml")) {
        return YAML;
      }
      if (n.endsWith(".pb")) {
        return BINARY;
      }
      throw new InvalidDefinitionException(
          String.format(
              "definition file [%s] must end in .json (protobuf JSON), .yaml/.yml or .pb (binary"
                  + " protobuf), or be a .tgz/.tar.gz package or a folder",
              name));
    }

    static boolean isEntityFile(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      return n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".pb");
    }
  }

  /** One candidate type: how to build it and what makes a parsed value plausible. */
  private record Kind(
      String name, Supplier<Message.Builder> builder, Predicate<Message> plausible) {}

  private static final Kind CORE_CLOSURE =
      new Kind(
          "WorkflowClosure",
          WorkflowClosure::newBuilder,
          m -> {
            WorkflowClosure c = (WorkflowClosure) m;
            return c.hasWorkflow() && isA(c.getWorkflow().getId(), ResourceType.WORKFLOW);
          });
  private static final Kind COMPILED_CLOSURE =
      new Kind(
          "CompiledWorkflowClosure",
          CompiledWorkflowClosure::newBuilder,
          m -> {
            CompiledWorkflowClosure c = (CompiledWorkflowClosure) m;
            return c.hasPrimary()
                && isA(c.getPrimary().getTemplate().getId(), ResourceType.WORKFLOW)
                && !c.getPrimary().getTemplate().getId().getName().isEmpty();
          });
  private static final Kind ADMIN_WORKFLOW =
      new Kind(
          "admin Workflow",
          Workflow::newBuilder,
          m -> {
            Workflow w = (Workflow) m;
            return w.hasClosure()
                && w.getClosure().hasCompiledWorkflow()
                && COMPILED_CLOSURE.plausible.test(w.getClosure().getCompiledWorkflow());
          });
  private static final Kind WORKFLOW_SPEC =
      new Kind(
          "WorkflowSpec",
          WorkflowSpec::newBuilder,
          m -> {
            WorkflowSpec s = (WorkflowSpec) m;
            return s.hasTemplate()
                && isA(s.getTemplate().getId(), ResourceType.WORKFLOW)
                && !s.getTemplate().getId().getName().isEmpty();
          });
  private static final Kind LAUNCH_PLAN =
      new Kind(
          "LaunchPlan",
          LaunchPlan::newBuilder,
          m -> {
            LaunchPlan lp = (LaunchPlan) m;
            return lp.hasSpec()
                && isA(lp.getId(), ResourceType.LAUNCH_PLAN)
                && !lp.getId().getName().isEmpty()
                && lp.getSpec().hasWorkflowId()
                && isA(lp.getSpec().getWorkflowId(), ResourceType.WORKFLOW)
                && !lp.getSpec().getWorkflowId().getName().isEmpty();
          });
  private static final Kind TASK_TEMPLATE =
      new Kind(
          "TaskTemplate", TaskTemplate::newBuilder, m -> plausibleTask((TaskTemplate) m, false));
  private static final Kind TASK_SPEC =
      new Kind(
          "TaskSpec",
          TaskSpec::newBuilder,
          m -> ((TaskSpec) m).hasTemplate() && plausibleTask(((TaskSpec) m).getTemplate(), true));
  private static final Kind COMPILED_TASK =
      new Kind(
          "CompiledTask",
          CompiledTask::newBuilder,
          m ->
              ((CompiledTask) m).hasTemplate()
                  && plausibleTask(((CompiledTask) m).getTemplate(), true));
  private static final Kind ADMIN_TASK =
      new Kind(
          "admin Task",
          Task::newBuilder,
          m -> {
            Task t = (Task) m;
            return t.hasClosure()
                && t.getClosure().hasCompiledTask()
                && COMPILED_TASK.plausible.test(t.getClosure().getCompiledTask());
          });

  /** Trial order where a file's name says nothing of its type. */
  private static final List<Kind> ORDER =
      List.of(
          CORE_CLOSURE,
          COMPILED_CLOSURE,
          ADMIN_WORKFLOW,
          WORKFLOW_SPEC,
          LAUNCH_PLAN,
          ADMIN_TASK,
          TASK_SPEC,
          COMPILED_TASK,
          TASK_TEMPLATE);

  static final String SUPPORTED =
      "give a core WorkflowClosure, CompiledWorkflowClosure, TaskTemplate or CompiledTask, an admin"
          + " TaskSpec, WorkflowSpec or LaunchPlan (pyflyte serialize/package), or what flytectl"
          + " get prints, as .json, .yaml or .pb";

  private static boolean isA(Identifier id, ResourceType type) {
    return id.getResourceType() == type || id.getResourceType() == ResourceType.UNSPECIFIED;
  }

  private static boolean plausibleTask(TaskTemplate t, boolean named) {
    return TASK_TYPE.matcher(t.getType()).matches()
        && isA(t.getId(), ResourceType.TASK)
        && (!named || !t.getId().getName().isEmpty());
  }

  /**
   * The messages the file {@code name} holds.
   *
   * @throws InvalidDefinitionException when its bytes are none of the supported types
   */
  static List<Message> parse(String name, byte[] bytes) {
    return parse(name, "[" + name + "]", bytes);
  }

  /** As {@link #parse(String, byte[])}, naming the file {@code source} in messages. */
  static List<Message> parse(String name, String source, byte[] bytes) {
    return switch (Encoding.of(name)) {
      case BINARY -> List.of(parseBinary(name, bytes, source));
      case JSON -> parseTree(readTree(JSON, bytes, source, "JSON"), source);
      case YAML -> parseTree(readTree(YAML, bytes, source, "YAML"), source);
    };
  }

  private static JsonNode readTree(ObjectMapper mapper, byte[] bytes, String source, String what) {
    try {
      JsonNode node = mapper.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new InvalidDefinitionException(source + " is empty: " + SUPPORTED);
      }
      return node;
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          String.format("cannot parse %s as %s: %s", source, what, oneLine(e)), e);
    }
  }

  private static List<Message> parseTree(JsonNode node, String source) {
    List<Message> out = new ArrayList<>();
    if (node.isArray()) {
      int i = 0;
      for (JsonNode element : node) {
        out.add(parseObject(element, source + " item " + i));
        i++;
      }
      return out;
    }
    out.add(parseObject(node, source));
    return out;
  }

  private static Message parseObject(JsonNode node, String source) {
    if (!node.isObject()) {
      throw new InvalidDefinitionException(
          String.format(
              "%s is not supported: it holds a %s, not an object; %s",
              source, node.getNodeType(), SUPPORTED));
    }
    String json;
    try {
      json = JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new InvalidDefinitionException(source + " cannot be read: " + oneLine(e), e);
    }
    for (Kind kind : ORDER) {
      Message.Builder builder = kind.builder.get();
      try {
        JsonFormat.parser().merge(json, builder);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        continue;
      }
      Message m = builder.build();
      if (kind.plausible.test(m)) {
        return m;
      }
    }
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    throw new InvalidDefinitionException(
        String.format(
            "%s is not supported: an object with keys %s is none of the known types; %s",
            source, keys, SUPPORTED));
  }

  /*
   * Binary protobuf does not say which message it holds: the suffix pyflyte writes (_1 task, _2
   * workflow, _3 launch plan) says which to try first, then every type is tried; a wrong type fails
   * to parse, leaves unknown fields somewhere, or is implausible (a resource type of another kind).
   */
  private static Message parseBinary(String name, byte[] bytes, String source) {
    List<Kind> order = new ArrayList<>();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith("_1.pb")) {
      order.add(TASK_SPEC);
    } else if (lower.endsWith("_2.pb")) {
      order.add(WORKFLOW_SPEC);
    } else if (lower.endsWith("_3.pb")) {
      order.add(LAUNCH_PLAN);
    }
    for (Kind k : ORDER) {
      if (!order.contains(k)) {
        order.add(k);
      }
    }
    for (Kind kind : order) {
      Message.Builder builder = kind.builder.get();
      try {
        builder.mergeFrom(bytes);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        continue;
      }
      Message m = builder.build();
      if (!hasUnknownFields(m) && kind.plausible.test(m)) {
        return m;
      }
    }
    throw new InvalidDefinitionException(
        String.format(
            "%s is not supported: its %d bytes are none of the known types; %s",
            source, bytes.length, SUPPORTED));
  }

  static boolean hasUnknownFields(Message m) {
    if (!m.getUnknownFields().asMap().isEmpty()) {
      return true;
    }
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (e.getKey().isRepeated()) {
        for (Object o : (List<?>) e.getValue()) {
          if (hasUnknownFields((Message) o)) {
            return true;
          }
        }
      } else if (hasUnknownFields((Message) e.getValue())) {
        return true;
      }
    }
    return false;
  }

  static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String line = m.replaceAll("\\s+", " ").trim();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}

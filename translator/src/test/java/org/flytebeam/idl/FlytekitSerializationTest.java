package org.flytebeam.idl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.RetryStrategy;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.RuntimeMetadata;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.Test;

/**
 * A map over a flytekit task, written by the Java builder, is what flytekit 1.16 writes for {@code
 * map_task} (ArrayNode) and the legacy {@code MapPythonTask}: the expected values are those of
 * flytekit's own unit tests ({@code tests/flytekit/unit/core/test_array_node_map_task.py}, {@code
 * test_map_task.py}) and of {@code flytekit/tools/translator.py} and the two map task modules.
 */
class FlytekitSerializationTest {
  private static final String MODULE = "tests.flytekit.unit.core.test_array_node_map_task";
  private static final String DEFAULT_RESOLVER =
      "flytekit.core.python_auto_container.default_task_resolver";

  /** {@code @task def t1(a: int) -> int} as flytekit serializes it (retries 2). */
  private static TaskTemplate t1(String module, boolean fast) {
    List<String> args = new ArrayList<>();
    if (fast) {
      args.addAll(FAST_PREFIX);
    }
    args.addAll(
        List.of(
            "pyflyte-execute",
            "--inputs",
            "{{.input}}",
            "--output-prefix",
            "{{.outputPrefix}}",
            "--raw-output-data-prefix",
            "{{.rawOutputDataPrefix}}",
            "--checkpoint-path",
            "{{.checkpointOutputPrefix}}",
            "--prev-checkpoint",
            "{{.prevCheckpointPrefix}}",
            "--resolver",
            DEFAULT_RESOLVER,
            "--",
            "task-module",
            module,
            "task-name",
            "t1"));
    LiteralType integer = LiteralTypes.of(Long.class);
    return TaskTemplate.newBuilder()
        .setId(
            Identifier.newBuilder()
                .setResourceType(ResourceType.TASK)
                .setProject("project")
                .setDomain("domain")
                .setName(module + ".t1")
                .setVersion("version"))
        .setType("python-task")
        .setMetadata(
            TaskMetadata.newBuilder()
                .setRuntime(
                    RuntimeMetadata.newBuilder()
                        .setType(RuntimeMetadata.RuntimeType.FLYTE_SDK)
                        .setVersion("1.16.0")
                        .setFlavor("python"))
                .setRetries(RetryStrategy.newBuilder().setRetries(2)))
        .setInterface(
            TypedInterface.newBuilder()
                .setInputs(vars("a", integer))
                .setOutputs(vars("o0", integer)))
        .setContainer(Container.newBuilder().setImage("image:tag").addAllArgs(args))
        .build();
  }

  private static flyteidl.core.Interface.VariableMap vars(String name, LiteralType type) {
    return flyteidl.core.Interface.VariableMap.newBuilder()
        .putVariables(name, flyteidl.core.Interface.Variable.newBuilder().setType(type).build())
        .build();
  }

  private static final List<String> FAST_PREFIX =
      List.of(
          "pyflyte-fast-execute",
          "--additional-distribution",
          "{{ .remote_package_path }}",
          "--dest-dir",
          "{{ .dest_dir }}",
          "--");

  /** flytekit's test_serialization: the ArrayNodeMapTask's container args. */
  private static final List<String> ARRAY_NODE_ARGS =
      List.of(
          "pyflyte-map-execute",
          "--inputs",
          "{{.input}}",
          "--output-prefix",
          "{{.outputPrefix}}",
          "--raw-output-data-prefix",
          "{{.rawOutputDataPrefix}}",
          "--checkpoint-path",
          "{{.checkpointOutputPrefix}}",
          "--prev-checkpoint",
          "{{.prevCheckpointPrefix}}",
          "--resolver",
          "flytekit.core.array_node_map_task.ArrayNodeMapTaskResolver",
          "--",
          "vars",
          "",
          "resolver",
          DEFAULT_RESOLVER,
          "task-module",
          MODULE,
          "task-name",
          "t1");

  @Test
  void shouldWriteTheArrayNodeMapTaskTemplateAsFlytekitDoes() {
    MapTaskSpec spec = MapTask.of(t1(MODULE, false)).build();
    WorkflowClosure closure = DefinitionWriter.toClosure(spec);

    TaskTemplate template = closure.getTasks(0);
    String name = MODULE + ".map_t1_6b3bd0353da5de6e84d7982921ead2b3-arraynode";
    assertThat(template.getId().getName()).isEqualTo(name);
    assertThat(template.getId().getProject()).isEqualTo("project");
    assertThat(template.getId().getVersion()).isEqualTo("version");
    assertThat(template.getType()).isEqualTo("python-task");
    assertThat(template.getTaskTypeVersion()).isEqualTo(1);
    assertThat(template.getMetadata().getRetries().getRetries()).isEqualTo(2);
    assertThat(template.getContainer().getArgsList()).isEqualTo(ARRAY_NODE_ARGS);
    assertThat(template.getContainer().getCommandList()).isEmpty();
    assertThat(template.getContainer().getImage()).isEqualTo("image:tag");
    // The template holds the map's interface: lists in, lists out.
    assertThat(LiteralTypes.describe(variable(template, true, "a"))).isEqualTo("List[int]");
    assertThat(LiteralTypes.describe(variable(template, false, "o0"))).isEqualTo("List[int]");

    // translator.get_serializable_array_node_map_task: the node over it.
    Node outer = closure.getWorkflow().getNodes(0);
    assertThat(outer.getId()).isEqualTo("n0");
    assertThat(outer.getMetadata().getName()).isEqualTo(name);
    assertThat(outer.getMetadata().hasTimeout()).isFalse();
    ArrayNode array = outer.getArrayNode();
    assertThat(array.getIsOriginalSubNodeInterface().getValue()).isFalse();
    assertThat(array.hasIsOriginalSubNodeInterface()).isTrue();
    assertThat(array.getExecutionMode()).isEqualTo(ArrayNode.ExecutionMode.MINIMAL_STATE);
    assertThat(array.getDataMode()).isEqualTo(ArrayNode.DataMode.SINGLE_INPUT_FILE);
    assertThat(array.getParallelismOptionCase())
        .isEqualTo(ArrayNode.ParallelismOptionCase.PARALLELISMOPTION_NOT_SET);
    assertThat(array.getMinSuccessRatio()).isEqualTo(1.0f);
    assertThat(array.getBoundInputsList()).isEmpty();
    assertThat(array.getRunAllSubNodes()).isFalse();
    Node sub = array.getNode();
    assertThat(sub.getId()).isEqualTo(name);
    assertThat(sub.getMetadata().getName()).isEqualTo(name);
    assertThat(sub.getMetadata().getRetries().getRetries()).isEqualTo(2);
    assertThat(sub.getTaskNode().getReferenceId()).isEqualTo(template.getId());
    assertThat(sub.getUpstreamNodeIdsList()).isEmpty();
  }

  @Test
  void shouldPutTheFastRegistrationPrefixFirstAsFlytekitDoes() {
    // flytekit's test_fast_serialization: the prefix, then the map command unchanged.
    MapTaskSpec spec = MapTask.of(t1(MODULE, true)).build();

    List<String> expected = new ArrayList<>(FAST_PREFIX);
    expected.addAll(ARRAY_NODE_ARGS);
    assertThat(spec.subTask().template().getContainer().getArgsList()).isEqualTo(expected);
  }

  @Test
  void shouldCarryTheSettingsAsFlytekitsSerializationMetadataTestSays() {
    // test_serialization_metadata2: concurrency 10, ratio 0.9, retries 2, interruptible, 10 s.
    TaskTemplate t = t1(MODULE, false);
    t =
        t.toBuilder()
            .setMetadata(
                t.getMetadata().toBuilder()
                    .setInterruptible(true)
                    .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(10)))
            .build();
    MapTaskSpec spec = MapTask.of(t).concurrency(10).minSuccessRatio(0.9f).build();
    WorkflowClosure closure = DefinitionWriter.toClosure(spec);

    ArrayNode array = closure.getWorkflow().getNodes(0).getArrayNode();
    assertThat(array.getMinSuccessRatio()).isEqualTo(0.9f);
    assertThat(array.getParallelism()).isEqualTo(10);
    assertThat(array.getIsOriginalSubNodeInterface().getValue()).isFalse();
    assertThat(array.getExecutionMode()).isEqualTo(ArrayNode.ExecutionMode.MINIMAL_STATE);
    assertThat(closure.getWorkflow().getNodes(0).getMetadata().hasTimeout()).isFalse();
    TaskTemplate template = closure.getTasks(0);
    assertThat(template.getMetadata().getRetries().getRetries()).isEqualTo(2);
    assertThat(template.getMetadata().getInterruptible()).isTrue();
    assertThat(template.getMetadata().getTimeout().getSeconds()).isEqualTo(10);
    // The sub-node's metadata is the map task's own (construct_node_metadata).
    Node sub = array.getNode();
    assertThat(sub.getMetadata().getInterruptible()).isTrue();
    assertThat(sub.getMetadata().getTimeout().getSeconds()).isEqualTo(10);
    // A ratio other than 1: List[Optional[int]] out.
    assertThat(LiteralTypes.describe(variable(template, false, "o0")))
        .isEqualTo("List[Optional[int]]");
  }

  @Test
  void shouldWriteTheBoundNamesSortedIntoVarsAndTheName() {
    // test_bounded_inputs_vars_order and test_inputs_outputs_length: partial(c=..., b=..., a=...).
    LiteralType integer = LiteralTypes.of(Long.class);
    TaskTemplate t = t1(MODULE, false);
    TaskTemplate many =
        t.toBuilder()
            .setId(t.getId().toBuilder().setName(MODULE + ".many_inputs"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        flyteidl.core.Interface.VariableMap.newBuilder()
                            .putVariables("a", variableOf(integer))
                            .putVariables("b", variableOf(LiteralTypes.of(String.class)))
                            .putVariables("c", variableOf(LiteralTypes.of(Double.class))))
                    .setOutputs(vars("o0", LiteralTypes.of(String.class))))
            .build();

    MapTaskSpec c = MapTask.of(many).bind("c", 1.0).build();
    MapTaskSpec bc = MapTask.of(many).bind("c", 1.0).bind("b", "hello").build();
    MapTaskSpec abc = MapTask.of(many).bind("c", 1.0).bind("b", "hello").bind("a", 1L).build();

    assertThat(c.name())
        .isEqualTo(MODULE + ".map_many_inputs_7df6892fe8ce5343c76197a0b6127e80-arraynode");
    assertThat(bc.name())
        .isEqualTo(MODULE + ".map_many_inputs_80fd21f14571026755b99d6b1c045089-arraynode");
    assertThat(abc.name())
        .isEqualTo(MODULE + ".map_many_inputs_5d2500dc176052a030efda3b8c283f96-arraynode");
    List<String> args = abc.subTask().template().getContainer().getArgsList();
    assertThat(args.subList(args.indexOf("vars"), args.indexOf("vars") + 2))
        .containsExactly("vars", "a,b,c");
    ArrayNode array = DefinitionWriter.toClosure(bc).getWorkflow().getNodes(0).getArrayNode();
    assertThat(array.getBoundInputsList()).containsExactly("b", "c");
    // Bound inputs keep their type in the map's interface.
    assertThat(LiteralTypes.describe(variable(bc.subTask().template(), true, "b")))
        .isEqualTo("str");
    assertThat(LiteralTypes.describe(variable(bc.subTask().template(), true, "a")))
        .isEqualTo("List[int]");
  }

  @Test
  void shouldWriteTheLegacyMapPythonTaskAsFlytekitDoes() {
    // test_map_task.py test_serialization: no --legacy flag (flytekit 1.16's pyflyte-map-execute
    // has no such option), the legacy resolver, the ArrayJob custom.
    String module = "tests.flytekit.unit.core.test_map_task";
    MapTaskSpec spec = MapTask.of(t1(module, false)).legacy().build();
    TaskTemplate template = DefinitionWriter.toLegacyTemplate(spec);

    assertThat(template.getId().getName())
        .isEqualTo(module + ".map_t1_d41d8cd98f00b204e9800998ecf8427e");
    assertThat(template.getType()).isEqualTo("container_array");
    assertThat(template.getTaskTypeVersion()).isEqualTo(1);
    assertThat(template.getMetadata().getRetries().getRetries()).isEqualTo(2);
    assertThat(template.getContainer().getArgsList())
        .containsExactly(
            "pyflyte-map-execute",
            "--inputs",
            "{{.input}}",
            "--output-prefix",
            "{{.outputPrefix}}",
            "--raw-output-data-prefix",
            "{{.rawOutputDataPrefix}}",
            "--checkpoint-path",
            "{{.checkpointOutputPrefix}}",
            "--prev-checkpoint",
            "{{.prevCheckpointPrefix}}",
            "--resolver",
            "flytekit.core.legacy_map_task.MapTaskResolver",
            "--",
            "vars",
            "",
            "resolver",
            DEFAULT_RESOLVER,
            "task-module",
            module,
            "task-name",
            "t1");
    assertThat(json(template.getCustom())).isEqualTo("{\"minSuccessRatio\":1.0}");
    TaskTemplate concurrent =
        DefinitionWriter.toLegacyTemplate(
            MapTask.of(t1(module, false)).legacy().concurrency(99).build());
    assertThat(json(concurrent.getCustom()))
        .isEqualTo("{\"parallelism\":\"99\",\"minSuccessRatio\":1.0}");
  }

  @Test
  void shouldMapARealFastRegisteredTaskOfAPyflytePackage() {
    // flytectl's valid-fast-register.tgz (pyflyte package, flytekit 0.19): a_mappable_task.
    FlytePackage pkg = PackageReader.read(fixture("valid-fast-register.tgz"));
    TaskTemplate task = pkg.tasks().get("core.control_flow.map_task.a_mappable_task");

    MapTaskSpec spec = MapTask.of(task).build();

    List<String> args = spec.subTask().template().getContainer().getArgsList();
    assertThat(args.subList(0, 6)).isEqualTo(FAST_PREFIX);
    assertThat(args.subList(6, args.size()))
        .containsExactly(
            "pyflyte-map-execute",
            "--inputs",
            "{{.input}}",
            "--output-prefix",
            "{{.outputPrefix}}",
            "--raw-output-data-prefix",
            "{{.rawOutputDataPrefix}}",
            "--checkpoint-path",
            "{{.checkpointOutputPrefix}}",
            "--prev-checkpoint",
            "{{.prevCheckpointPrefix}}",
            "--resolver",
            "flytekit.core.array_node_map_task.ArrayNodeMapTaskResolver",
            "--",
            "vars",
            "",
            "resolver",
            DEFAULT_RESOLVER,
            "task-module",
            "core.control_flow.map_task",
            "task-name",
            "a_mappable_task");
    assertThat(spec.name())
        .isEqualTo(
            "core.control_flow.map_task.map_a_mappable_task_6b3bd0353da5de6e84d7982921ead2b3"
                + "-arraynode");
    // Its container's env and image are kept.
    assertThat(spec.subTask().template().getContainer().getImage())
        .isEqualTo(task.getContainer().getImage());
    assertThat(spec.subTask().template().getContainer().getEnvList())
        .isEqualTo(task.getContainer().getEnvList());
  }

  @Test
  void shouldReadBackWhatItWroteAndWriteItAgainTheSame() throws Exception {
    for (MapTaskSpec spec :
        List.of(
            MapTask.of(t1(MODULE, false)).build(),
            MapTask.of(t1(MODULE, true)).concurrency(3).minSuccesses(2).build(),
            MapTask.of(t1(MODULE, false)).minSuccessRatio(0.5f).runAllSubNodes(true).build(),
            MapTask.of(t1(MODULE, true)).legacy().concurrency(4).build())) {
      String json = DefinitionWriter.toJson(spec);
      MapTaskSpec read = DefinitionReader.read("map.json", json.getBytes(StandardCharsets.UTF_8));
      assertThat(read).as(spec.name()).isEqualTo(spec);
      assertThat(DefinitionWriter.toJson(read)).isEqualTo(json);
      byte[] binary = DefinitionWriter.toBinary(spec);
      assertThat(DefinitionWriter.toBinary(DefinitionReader.read("map.pb", binary)))
          .isEqualTo(binary);
    }
  }

  @Test
  void shouldRunTheMapWithTheScalarInterfacePerElement() {
    // What each element gets and gives: the task's own interface, not the lists.
    MapTaskSpec spec = MapTask.of(t1(MODULE, false)).build();
    assertThat(
            LiteralTypes.describe(
                spec.subTask().scalarInterface().getInputs().getVariablesMap().get("a").getType()))
        .isEqualTo("int");
    assertThat(spec.originalSubNodeInterface()).isFalse();
  }

  @Test
  void shouldRefuseToMapAMapTaskTemplate() {
    TaskTemplate mapTemplate = MapTask.of(t1(MODULE, true)).build().subTask().template();

    assertThatThrownBy(() -> MapTask.of(mapTemplate).build())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("runs pyflyte-map-execute (already a map task)");
  }

  private static flyteidl.core.Interface.Variable variableOf(LiteralType type) {
    return flyteidl.core.Interface.Variable.newBuilder().setType(type).build();
  }

  private static LiteralType variable(TaskTemplate t, boolean input, String name) {
    return (input ? t.getInterface().getInputs() : t.getInterface().getOutputs())
        .getVariablesMap()
        .get(name)
        .getType();
  }

  private static String json(com.google.protobuf.Struct struct) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(struct);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static Path fixture(String name) {
    try {
      return Path.of(FlytekitSerializationTest.class.getResource("/flyte-public/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

package org.flytebeam.idl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowNode;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.Bindings;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionReaderTest {
  /** The shared examples, from the module directory that tests run in. */
  static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../../shared/examples").normalize();

  static final Path FLYTEKIT = EXAMPLES.resolve("arraynode-flytekit.def.json");
  static final Path RAW_CONTAINER = EXAMPLES.resolve("arraynode-rawcontainer.def.json");
  static final Path LEGACY = EXAMPLES.resolve("legacy-container-array.def.json");

  @TempDir Path tmp;

  static WorkflowClosure closure(Path json) throws Exception {
    WorkflowClosure.Builder closure = WorkflowClosure.newBuilder();
    JsonFormat.parser().merge(Files.readString(json), closure);
    return closure.build();
  }

  static TaskTemplate template(Path json) throws Exception {
    TaskTemplate.Builder template = TaskTemplate.newBuilder();
    JsonFormat.parser().merge(Files.readString(json), template);
    return template.build();
  }

  private Path writeJson(String name, Message message) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, JsonFormat.printer().print(message));
    return file;
  }

  private static String describe(
      Map<String, flyteidl.core.Interface.Variable> variables, String name) {
    return LiteralTypes.describe(variables.get(name).getType());
  }

  @Test
  void shouldReadFlytekitArrayNodeWhenSubTaskIsInListForm() {
    MapTaskSpec spec = DefinitionReader.read(FLYTEKIT);

    assertThat(spec.form()).isEqualTo(MapTaskSpec.Form.ARRAY_NODE);
    assertThat(spec.name())
        .isEqualTo("examples.map_to_upper_6b3bd0353da5de6e84d7982921ead2b3-arraynode");
    assertThat(spec.subTask().type()).isEqualTo("python-task");
    assertThat(spec.subTask().id().name()).isEqualTo(spec.name());
    assertThat(spec.originalSubNodeInterface()).isFalse();
    // list form unwrapped: word: List[str] -> o0: List[str] becomes word: str -> o0: str
    assertThat(describe(spec.subTask().scalarInterface().getInputs().getVariablesMap(), "word"))
        .isEqualTo("str");
    assertThat(describe(spec.subTask().scalarInterface().getOutputs().getVariablesMap(), "o0"))
        .isEqualTo("str");
    assertThat(spec.mappedInterface()).isEqualTo(spec.subTask().template().getInterface());
    assertThat(spec.boundInputs()).isEmpty();
    assertThat(spec.mappedInputs()).containsExactly("word");
    assertThat(spec.parallelism()).isEqualTo(OptionalInt.of(4));
    assertThat(spec.minSuccessRatio()).contains(1.0f);
    assertThat(spec.minSuccesses()).isEmpty();
    assertThat(spec.inputBindings())
        .containsExactly(Map.entry("word", Bindings.workflowInput("word")));
    assertThat(spec.workflowOutputs()).containsExactly(Map.entry("o0", "o0"));
    assertThat(spec.subTask().retries()).isZero();
    assertThat(spec.subTask().timeout()).isEmpty();
    assertThat(spec.subTask().cacheVersion()).isEmpty();
    assertThat(spec.subTask().isJavaTask()).isFalse();
    assertThat(spec.runAllSubNodes()).isFalse();
  }

  @Test
  void shouldReadRawContainerArrayNodeWhenInterfaceIsOriginal() {
    MapTaskSpec spec = DefinitionReader.read(RAW_CONTAINER);

    assertThat(spec.name()).isEqualTo("scale");
    assertThat(spec.subTask().type()).isEqualTo("raw-container");
    assertThat(spec.originalSubNodeInterface()).isTrue();
    assertThat(spec.subTask().scalarInterface())
        .isEqualTo(spec.subTask().template().getInterface());
    assertThat(spec.boundInputs()).containsExactly("k");
    assertThat(spec.mappedInputs()).containsExactly("x");
    assertThat(spec.minSuccessRatio()).contains(0.8f);
    assertThat(spec.parallelism()).isEmpty();
    assertThat(spec.subTask().retries()).isEqualTo(1);
    assertThat(spec.subTask().timeout()).contains(Duration.ofSeconds(30));
    assertThat(spec.inputBindings())
        .containsExactly(
            Map.entry("x", Bindings.workflowInput("x")),
            Map.entry("k", Bindings.workflowInput("k")));
    assertThat(spec.workflowOutputs()).containsExactly(Map.entry("y", "y"));
    var mapped = spec.mappedInterface();
    assertThat(describe(mapped.getInputs().getVariablesMap(), "x")).isEqualTo("List[int]");
    assertThat(describe(mapped.getInputs().getVariablesMap(), "k")).isEqualTo("int");
    assertThat(describe(mapped.getOutputs().getVariablesMap(), "y"))
        .isEqualTo("List[Optional[int]]");
    assertThat(describe(spec.workflowInterface().getOutputs().getVariablesMap(), "y"))
        .isEqualTo("List[Optional[int]]");
    // float32 0.8 widens to 0.800000011920929: ceil(4.00000006) = 5 of 5, as flytepropeller counts
    assertThat(spec.requiredSuccesses(5)).isEqualTo(5);
    assertThat(spec.requiredSuccesses(10)).isEqualTo(9);
  }

  @Test
  void shouldReadLegacyTemplateWhenTypeIsContainerArray() {
    MapTaskSpec spec = DefinitionReader.read(LEGACY);

    assertThat(spec.form()).isEqualTo(MapTaskSpec.Form.LEGACY);
    assertThat(spec.name()).isEqualTo("examples.map_to_upper_d41d8cd98f00b204e9800998ecf8427e");
    assertThat(spec.subTask().type()).isEqualTo("container_array");
    assertThat(spec.parallelism()).isEqualTo(OptionalInt.of(2));
    assertThat(spec.minSuccessRatio()).contains(1.0f);
    assertThat(spec.boundInputs()).isEmpty();
    assertThat(describe(spec.subTask().scalarInterface().getInputs().getVariablesMap(), "word"))
        .isEqualTo("str");
    assertThat(describe(spec.subTask().scalarInterface().getOutputs().getVariablesMap(), "o0"))
        .isEqualTo("str");
    assertThat(spec.workflowInterface()).isEqualTo(spec.subTask().template().getInterface());
    assertThat(spec.mappedInterface()).isEqualTo(spec.workflowInterface());
    assertThat(spec.inputBindings())
        .containsExactly(Map.entry("word", Bindings.workflowInput("word")));
    assertThat(spec.workflowOutputs()).containsExactly(Map.entry("o0", "o0"));
    assertThat(spec.originalSubNodeInterface()).isFalse();
  }

  @Test
  void shouldReadTheSameSpecWhenTheDefinitionIsBinary() throws Exception {
    for (Path example : List.of(FLYTEKIT, RAW_CONTAINER)) {
      byte[] binary = closure(example).toByteArray();
      assertThat(DefinitionReader.read(binary, false)).isEqualTo(DefinitionReader.read(example));
      Path pb = tmp.resolve(example.getFileName() + ".pb");
      Files.write(pb, binary);
      assertThat(DefinitionReader.read(pb)).isEqualTo(DefinitionReader.read(example));
    }
    byte[] legacy = template(LEGACY).toByteArray();
    assertThat(DefinitionReader.read(legacy, false)).isEqualTo(DefinitionReader.read(LEGACY));
    assertThat(DefinitionReader.read(Files.readAllBytes(LEGACY), true))
        .isEqualTo(DefinitionReader.read(LEGACY));
  }

  @Test
  void shouldReadTheCacheSettingsOfTheSubTask() throws Exception {
    WorkflowClosure.Builder closure = closure(FLYTEKIT).toBuilder();
    closure
        .getTasksBuilder(0)
        .getMetadataBuilder()
        .setDiscoverable(true)
        .setDiscoveryVersion("1.2")
        .addCacheIgnoreInputVars("a");

    MapTaskSpec spec = DefinitionReader.read(writeJson("cached.json", closure.build()));

    assertThat(spec.subTask().cacheVersion()).contains("1.2");
    assertThat(spec.subTask().cacheIgnoreInputVars()).containsExactly("a");
  }

  @Test
  void shouldRefuseACacheableSubTaskWithoutADiscoveryVersion() throws Exception {
    for (String version : List.of("", "  ")) {
      WorkflowClosure.Builder closure = closure(FLYTEKIT).toBuilder();
      closure
          .getTasksBuilder(0)
          .getMetadataBuilder()
          .setDiscoverable(true)
          .setDiscoveryVersion(version);
      Path file = writeJson("unversioned.json", closure.build());

      assertThatThrownBy(() -> DefinitionReader.read(file))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining(
              "is cacheable (discoverable) but its discovery_version [" + version + "] is empty")
          .hasMessageContaining("set the cache version");
    }
    TaskTemplate.Builder legacy = template(LEGACY).toBuilder();
    legacy.getMetadataBuilder().setDiscoverable(true);
    Path file = writeJson("legacy-unversioned.json", legacy.build());
    assertThatThrownBy(() -> DefinitionReader.read(file))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("discovery_version [] is empty");
  }

  @Test
  void shouldTakeMinSuccessesWhenTheOneofHoldsIt() throws Exception {
    WorkflowClosure closure = closure(FLYTEKIT);
    WorkflowClosure.Builder b = closure.toBuilder();
    b.getWorkflowBuilder().getNodesBuilder(0).getArrayNodeBuilder().setMinSuccesses(3);

    MapTaskSpec spec = DefinitionReader.read(b.build());

    assertThat(spec.minSuccesses()).isEqualTo(OptionalLong.of(3));
    assertThat(spec.minSuccessRatio()).isEmpty();
  }

  @Test
  void shouldRejectRatiosOutsideZeroToOneWhenAFileHoldsThem() throws Exception {
    for (float ratio : new float[] {Float.NaN, 1.5f, -0.1f}) {
      WorkflowClosure.Builder b = closure(FLYTEKIT).toBuilder();
      b.getWorkflowBuilder().getNodesBuilder(0).getArrayNodeBuilder().setMinSuccessRatio(ratio);

      assertThatThrownBy(() -> DefinitionReader.read(b.build()))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("min_success_ratio [" + ratio + "] must be within [0, 1]");
    }
  }

  @Test
  void shouldRejectNegativeMinSuccessesWhenALegacyTemplateHoldsThem() throws Exception {
    TaskTemplate legacy = template(LEGACY);
    TaskTemplate negative =
        legacy.toBuilder()
            .setCustom(
                com.google.protobuf.Struct.newBuilder()
                    .putFields(
                        "minSuccesses",
                        com.google.protobuf.Value.newBuilder().setStringValue("-2").build()))
            .build();

    assertThatThrownBy(() -> DefinitionReader.read(negative))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("min_successes [-2] must be >= 0");
  }

  @Test
  void shouldReadBoundValuesAndBoundNamesWhenNodeBindsThem() throws Exception {
    // an older flytekit: bound inputs only in the resolver args, partial value in the binding
    WorkflowClosure.Builder b = closure(RAW_CONTAINER).toBuilder();
    var arrayNode = b.getWorkflowBuilder().getNodesBuilder(0).getArrayNodeBuilder();
    arrayNode.clearBoundInputs();
    b.getTasksBuilder(0)
        .getContainerBuilder()
        .clearArgs()
        .addAllArgs(List.of("run", "--", "vars", "k"));
    b.getWorkflowBuilder()
        .getNodesBuilder(0)
        .setInputs(1, Binding.newBuilder().setVar("k").setBinding(Bindings.of(Literals.of(7))));
    b.getWorkflowBuilder().getInterfaceBuilder().getInputsBuilder().removeVariables("k");

    MapTaskSpec spec = DefinitionReader.read(b.build());

    assertThat(spec.boundInputs()).containsExactly("k");
    assertThat(Bindings.toLiteral(spec.inputBindings().get("k"))).isEqualTo(Literals.of(7));
  }

  @Test
  void shouldCheckValuesWrittenInTheNodeWhenTheyDoNotFit() throws Exception {
    WorkflowClosure.Builder b = closure(RAW_CONTAINER).toBuilder();
    var node = b.getWorkflowBuilder().getNodesBuilder(0);
    // k is bound whole (int), x is mapped (List[int])
    node.setInputs(0, Binding.newBuilder().setVar("x").setBinding(Bindings.of(Literals.of(1))));
    node.setInputs(
        1, Binding.newBuilder().setVar("k").setBinding(Bindings.of(Literals.of("three"))));

    assertThatThrownBy(() -> DefinitionReader.read(b.build()))
        .isInstanceOfSatisfying(
            InvalidDefinitionException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(2)
                    .allSatisfy(p -> assertThat(p).endsWith("(the value written in node [n0])"))
                    .anySatisfy(p -> assertThat(p).startsWith("input [x] expects [List[int]]"))
                    .anySatisfy(p -> assertThat(p).startsWith("input [k] expects [int]")));
  }

  @Test
  void shouldAcceptListValueWrittenInTheNodeWhenTheInputIsMapped() throws Exception {
    WorkflowClosure.Builder b = closure(RAW_CONTAINER).toBuilder();
    Literal xs = Literals.collection(List.of(Literals.of(1), Literals.of(2)));
    b.getWorkflowBuilder()
        .getNodesBuilder(0)
        .setInputs(0, Binding.newBuilder().setVar("x").setBinding(Bindings.of(xs)));

    MapTaskSpec spec = DefinitionReader.read(b.build());

    assertThat(Bindings.toLiteral(spec.inputBindings().get("x"))).isEqualTo(xs);
    assertThat(spec.mappedInputs()).containsExactly("x");
  }

  @Test
  void shouldReadBoundInputsFromArgsWhenLegacy() {
    assertThat(
            DefinitionReader.boundInputsFromArgs(
                List.of("a", "--", "vars", "b,c", "resolver", "r")))
        .contains(List.of("b", "c"));
    assertThat(
            DefinitionReader.boundInputsFromArgs(List.of("a", "--", "vars", "", "resolver", "r")))
        .contains(List.of());
    // flytekit 0.x: loader args without vars, which could not bind anything
    assertThat(
            DefinitionReader.boundInputsFromArgs(
                List.of("pyflyte-map-execute", "--", "task-module", "m", "task-name", "f")))
        .contains(List.of());
    assertThat(DefinitionReader.boundInputsFromArgs(List.of("run"))).isEmpty();
  }

  @Test
  void shouldReadOldFlytekitLegacyTemplateWhenArgsHaveNoVars() throws Exception {
    TaskTemplate.Builder t = template(LEGACY).toBuilder();
    t.getIdBuilder().setName("examples.mapper_to_upper_0");
    t.getContainerBuilder()
        .clearArgs()
        .addAllArgs(
            List.of(
                "pyflyte-map-execute",
                "--inputs",
                "{{.input}}",
                "--output-prefix",
                "{{.outputPrefix}}",
                "--resolver",
                "flytekit.core.python_auto_container.default_task_resolver",
                "--",
                "task-module",
                "examples",
                "task-name",
                "to_upper"));

    MapTaskSpec spec = DefinitionReader.read(t.build());

    assertThat(spec.name()).isEqualTo("examples.mapper_to_upper_0");
    assertThat(spec.boundInputs()).isEmpty();
    assertThat(spec.mappedInputs()).containsExactly("word");
  }

  @Test
  void shouldNameFileAndProblemInOneLineWhenJsonIsMalformed() throws Exception {
    Path bad = tmp.resolve("bad.def.json");
    Files.writeString(bad, "{\n \"workflow\": {\n  \"id\": \n");

    assertThatThrownBy(() -> DefinitionReader.read(bad))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageStartingWith("cannot parse [" + bad + "] as JSON: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void shouldNameTheFieldWhenJsonHasAnUnknownField() throws Exception {
    Path bad = tmp.resolve("unknown.json");
    Files.writeString(bad, "{\"workflow\": {\"nodez\": []}}");

    assertThatThrownBy(() -> DefinitionReader.read(bad))
        .hasMessageStartingWith("cannot parse [" + bad + "] as JSON WorkflowClosure: ")
        .hasMessageContaining("nodez")
        .hasMessageNotContaining("\n");
  }

  @Test
  void shouldSayWhatWasFoundWhenJsonIsNeitherForm() {
    assertThatThrownBy(
            () ->
                DefinitionReader.read("{\"literals\": {}}".getBytes(StandardCharsets.UTF_8), true))
        .hasMessageStartingWith(
            "the JSON definition is not supported: found a JSON object with keys [literals], which"
                + " is neither a WorkflowClosure (key [workflow]) nor a TaskTemplate (key [type]);"
                + " supported: a WorkflowClosure whose workflow holds exactly one ArrayNode node");
  }

  @Test
  void shouldReportMalformedBinaryWhenBytesAreNotProtobuf() {
    assertThatThrownBy(
            () -> DefinitionReader.read(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}, false))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageStartingWith("cannot parse the binary definition as binary protobuf: ");
  }

  @Test
  void shouldRefuseFileWhenExtensionIsNeitherJsonNorPb() throws Exception {
    Path yaml = Files.writeString(tmp.resolve("def.yaml"), "workflow: {}");

    assertThatThrownBy(() -> DefinitionReader.read(yaml))
        .hasMessage(
            "definition file ["
                + yaml
                + "] must end in .json (protobuf JSON) or .pb (binary protobuf)");
  }

  @Test
  void shouldNameTheFileWhenItCannotBeRead() {
    Path missing = tmp.resolve("missing.json");

    assertThatThrownBy(() -> DefinitionReader.read(missing))
        .hasMessage("definition file [" + missing + "] does not exist: check the path");
  }

  @Test
  void shouldRefuseWorkflowWhenItHasTwoNodes() throws Exception {
    WorkflowClosure.Builder b = closure(FLYTEKIT).toBuilder();
    b.getWorkflowBuilder().addNodes(b.getWorkflow().getNodes(0).toBuilder().setId("n1"));
    Path file = writeJson("two.json", b.build());

    assertThatThrownBy(() -> DefinitionReader.read(file))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage(
            "workflow [examples.wf_acc.map_to_upper_6b3bd0353da5de6e84d7982921ead2b3-arraynode]"
                + " has 2 nodes [n0, n1], which is not supported; supported: a WorkflowClosure"
                + " whose workflow holds exactly one ArrayNode node with a task sub-node, or a"
                + " TaskTemplate of type [container_array] (flytekit's legacy map task)");
  }

  @Test
  void shouldRefuseNodeWhenItIsNotAnArrayNode() throws Exception {
    WorkflowClosure.Builder b = closure(FLYTEKIT).toBuilder();
    b.getWorkflowBuilder()
        .getNodesBuilder(0)
        .setTaskNode(TaskNode.newBuilder().setReferenceId(b.getTasks(0).getId()));

    assertThatThrownBy(() -> DefinitionReader.read(b.build()))
        .hasMessageStartingWith(
            "node [n0] of workflow [examples.wf_acc.map_to_upper_6b3bd0353da5de6e84d7982921ead2b3"
                + "-arraynode] is a task node, which is not supported; supported: ");
  }

  @Test
  void shouldRefuseLaunchPlanWhenSubNodeIsAWorkflowNode() throws Exception {
    WorkflowClosure.Builder b = closure(FLYTEKIT).toBuilder();
    b.getWorkflowBuilder()
        .getNodesBuilder(0)
        .getArrayNodeBuilder()
        .getNodeBuilder()
        .setWorkflowNode(
            WorkflowNode.newBuilder()
                .setLaunchplanRef(Identifier.newBuilder().setName("examples.lp").build()));

    assertThatThrownBy(() -> DefinitionReader.read(b.build()))
        .hasMessage(
            "the ArrayNode [n0] maps a workflow node (launch plan [examples.lp]): mapping a launch"
                + " plan or sub-workflow is not supported, only a task sub-node (TaskNode) is");
  }

  @Test
  void shouldNameTheMissingTaskWhenTheTemplateIsNotInTheClosure() throws Exception {
    WorkflowClosure closure = closure(FLYTEKIT).toBuilder().clearTasks().build();
    Path file = writeJson("missing-task.json", closure);

    assertThatThrownBy(() -> DefinitionReader.read(file))
        .hasMessage(
            "the ArrayNode's sub-node"
                + " [examples.map_to_upper_6b3bd0353da5de6e84d7982921ead2b3-arraynode] references"
                + " task"
                + " [examples/development/examples.map_to_upper_6b3bd0353da5de6e84d7982921ead2b3-arraynode/1],"
                + " which is not among the closure's tasks []: add its template to [tasks]");
  }

  @Test
  void shouldRefuseTemplateWhenItsTypeIsNotContainerArray() throws Exception {
    TaskTemplate template = template(LEGACY).toBuilder().setType("python-task").build();
    Path file = writeJson("python-task.json", template);

    assertThatThrownBy(() -> DefinitionReader.read(file))
        .hasMessageStartingWith(
            "found a TaskTemplate [examples.map_to_upper_d41d8cd98f00b204e9800998ecf8427e] of"
                + " type [python-task], which is not supported: a template alone must be of type"
                + " [container_array]; supported: ");
    Path pb = tmp.resolve("python-task.pb");
    Files.write(pb, template.toByteArray());
    assertThatThrownBy(() -> DefinitionReader.read(pb))
        .hasMessageContaining("of type [python-task]");
  }

  @Test
  void shouldRefuseCustomWhenItIsNotAnArrayJob() throws Exception {
    TaskTemplate template =
        template(LEGACY).toBuilder()
            .setCustom(
                Struct.newBuilder()
                    .putFields("bogus", Value.newBuilder().setNumberValue(1).build()))
            .build();

    assertThatThrownBy(() -> DefinitionReader.read(template))
        .hasMessageStartingWith(
            "custom of container_array template"
                + " [examples.map_to_upper_d41d8cd98f00b204e9800998ecf8427e] is not an ArrayJob"
                + " (")
        .hasMessageContaining("bogus");
  }

  @Test
  void shouldListEveryProblemWhenBindingsDoNotFitTheTask() throws Exception {
    WorkflowClosure.Builder b = closure(RAW_CONTAINER).toBuilder();
    var node = b.getWorkflowBuilder().getNodesBuilder(0);
    node.removeInputs(1); // k no longer bound
    node.addInputs(Binding.newBuilder().setVar("z").setBinding(Bindings.workflowInput("z")));
    node.getArrayNodeBuilder().addBoundInputs("q");
    b.getWorkflowBuilder().getOutputsBuilder(0).getBindingBuilder().getPromiseBuilder().setVar("w");

    assertThatThrownBy(() -> DefinitionReader.read(b.build()))
        .isInstanceOfSatisfying(
            InvalidDefinitionException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "bound input [q] is not an input of task [scale] (inputs: [x, k])",
                        "node [n0] binds [z], which is not an input of task [scale] (inputs: [x,"
                            + " k])",
                        "input [k] of task [scale] is not bound by node [n0]: bind it to a workflow"
                            + " input or a value",
                        "workflow output [y] reads [n0.w], which is not an output of the mapped"
                            + " task (outputs: [y])"));
  }

  @Test
  void shouldRefuseListFormWhenAnUnboundInputIsNotAList() throws Exception {
    WorkflowClosure.Builder b = closure(RAW_CONTAINER).toBuilder();
    b.getWorkflowBuilder()
        .getNodesBuilder(0)
        .getArrayNodeBuilder()
        .setIsOriginalSubNodeInterface(com.google.protobuf.BoolValue.of(false));

    assertThatThrownBy(() -> DefinitionReader.read(b.build()))
        .hasMessageContaining("input [x] of task [scale] is [int], not a list")
        .hasMessageContaining("output [y] of task [scale] is [int], not a list");
  }

  @Test
  void shouldNotReadSubTaskOfAnotherNodeWhenTaskIdsDiffer() throws Exception {
    // the lookup compares project, domain, name and version
    WorkflowClosure.Builder b = closure(FLYTEKIT).toBuilder();
    b.getTasksBuilder(0).getIdBuilder().setVersion("2");

    assertThatThrownBy(() -> DefinitionReader.read(b.build()))
        .hasMessageContaining("references task [examples/development/")
        .hasMessageContaining("-arraynode/1], which is not among the closure's tasks [[examples/")
        .hasMessageContaining("-arraynode/2]]");
  }

  @Test
  void shouldReadSubNodeInputsWhenTheOuterNodeHasNone() throws Exception {
    WorkflowClosure.Builder b = closure(FLYTEKIT).toBuilder();
    Node.Builder node = b.getWorkflowBuilder().getNodesBuilder(0);
    node.clearInputs();

    assertThat(DefinitionReader.read(b.build())).isEqualTo(DefinitionReader.read(FLYTEKIT));
  }
}

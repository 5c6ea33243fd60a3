package org.flytebeam.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.SimpleType;
import flyteidl.core.Workflow.ArrayNode.DataMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.TestTasks.Cached;
import org.flytebeam.spec.TestTasks.Describe;
import org.flytebeam.spec.TestTasks.DescribeReordered;
import org.flytebeam.spec.TestTasks.JoinLists;
import org.flytebeam.spec.TestTasks.Multiply;
import org.flytebeam.spec.TestTasks.SayHello;
import org.flytebeam.spec.TestTasks.Split;
import org.flytebeam.spec.TestTasks.Unsupported;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapTaskTest {
  private static final String PACKAGE = "org.flytebeam.spec";

  /** Variable name to the python-like type, in interface order. */
  static Map<String, String> types(VariableMap variables) {
    return variables.getVariablesMap().entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> LiteralTypes.describe(e.getValue().getType()),
                (a, b) -> a,
                LinkedHashMap::new));
  }

  @Test
  void shouldMapEveryInputAndOutputToListsWhenNothingIsBound() {
    // case 1: say_hello(name: str) -> str
    MapTaskSpec spec = MapTask.of(new SayHello()).build();

    assertThat(spec.form()).isEqualTo(MapTaskSpec.Form.ARRAY_NODE);
    assertThat(spec.name())
        .isEqualTo(PACKAGE + ".map_say_hello_6b3bd0353da5de6e84d7982921ead2b3-arraynode");
    assertThat(types(spec.mappedInterface().getInputs()))
        .containsExactly(Map.entry("name", "List[str]"));
    assertThat(types(spec.mappedInterface().getOutputs()))
        .containsExactly(Map.entry("o0", "List[str]"));
    assertThat(types(spec.workflowInterface().getInputs()))
        .containsExactly(Map.entry("name", "List[str]"));
    assertThat(types(spec.workflowInterface().getOutputs()))
        .containsExactly(Map.entry("o0", "List[str]"));
    assertThat(spec.inputBindings())
        .containsExactly(Map.entry("name", Bindings.workflowInput("name")));
    assertThat(spec.workflowOutputs()).containsExactly(Map.entry("o0", "o0"));
    assertThat(spec.mappedInputs()).containsExactly("name");
    assertThat(spec.boundInputs()).isEmpty();
    assertThat(spec.parallelism()).isEmpty();
    assertThat(spec.minSuccesses()).isEmpty();
    assertThat(spec.minSuccessRatio()).contains(1.0f);
    assertThat(spec.runAllSubNodes()).isFalse();
    assertThat(spec.dataMode()).isEqualTo(DataMode.SINGLE_INPUT_FILE);
    assertThat(spec.originalSubNodeInterface()).isTrue();
  }

  @Test
  void shouldKeepPartialInputScalarAndWriteItsValueWhenBound() {
    // case 2: (a: int, b: float, c: str), partial c="c"
    MapTaskSpec spec = MapTask.of(new Describe()).bind("c", "c").build();

    assertThat(types(spec.mappedInterface().getInputs()))
        .containsExactly(
            Map.entry("a", "List[int]"), Map.entry("b", "List[float]"), Map.entry("c", "str"));
    assertThat(types(spec.mappedInterface().getOutputs()))
        .containsExactly(Map.entry("o0", "List[str]"));
    // the partial value is written in the binding, so the workflow does not take it as an input
    assertThat(types(spec.workflowInterface().getInputs()))
        .containsExactly(Map.entry("a", "List[int]"), Map.entry("b", "List[float]"));
    assertThat(spec.inputBindings())
        .containsExactly(
            Map.entry("a", Bindings.workflowInput("a")),
            Map.entry("b", Bindings.workflowInput("b")),
            Map.entry("c", Bindings.of(Literals.of("c"))));
    assertThat(spec.boundInputs()).containsExactly("c");
    assertThat(spec.mappedInputs()).containsExactly("a", "b");
    assertThat(spec.name())
        .isEqualTo(PACKAGE + ".map_describe_7df6892fe8ce5343c76197a0b6127e80-arraynode");
  }

  @Test
  void shouldMapByNameWhateverTheParameterOrderWhenPartialBindsC() {
    // case 2, "whatever the parameter order"
    MapTaskSpec spec = MapTask.of(new DescribeReordered()).bind("c", "c").build();

    assertThat(types(spec.mappedInterface().getInputs()))
        .containsExactly(
            Map.entry("c", "str"), Map.entry("b", "List[float]"), Map.entry("a", "List[int]"));
    assertThat(spec.mappedInputs()).containsExactly("b", "a");
    assertThat(spec.inputBindings().get("c")).isEqualTo(Bindings.of(Literals.of("c")));
  }

  @Test
  void shouldNestListsAndKeepBoundListWhenParametersAreLists() {
    // case 3: list-typed params mapped over lists of lists, c=["c","d","e"] bound whole
    Literal cde =
        Literals.collection(List.of(Literals.of("c"), Literals.of("d"), Literals.of("e")));
    MapTaskSpec spec = MapTask.of(new JoinLists()).boundInputsValues(Map.of("c", cde)).build();

    assertThat(types(spec.mappedInterface().getInputs()))
        .containsExactly(
            Map.entry("a", "List[List[int]]"),
            Map.entry("b", "List[List[str]]"),
            Map.entry("c", "List[str]"));
    BindingData c = spec.inputBindings().get("c");
    assertThat(c.getCollection().getBindingsList())
        .extracting(b -> b.getScalar().getPrimitive().getStringValue())
        .containsExactly("c", "d", "e");
    assertThat(Bindings.toLiteral(c)).isEqualTo(cde);
  }

  @Test
  void shouldAcceptJavaListWhenPartialBindsAListInput() {
    MapTaskSpec spec = MapTask.of(new JoinLists()).bind("c", List.of("c", "d", "e")).build();

    assertThat(Bindings.toLiteral(spec.inputBindings().get("c")))
        .isEqualTo(
            Literals.collection(List.of(Literals.of("c"), Literals.of("d"), Literals.of("e"))));
  }

  @Test
  void shouldRefuseWhenAListIsBoundToAStrInput() {
    // case 3: a list bound to a str param is an error, by partial and by bound value
    assertThatThrownBy(() -> MapTask.of(new Describe()).bind("c", List.of("c", "d")).build())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("cannot bind input [c]")
        .hasMessageContaining("[str]");
    Literal list = Literals.collection(List.of(Literals.of("c"), Literals.of("d")));
    assertThatThrownBy(
            () -> MapTask.of(new Describe()).boundInputsValues(Map.of("c", list)).build())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("bound input [c] expects [str]")
        .hasMessageContaining("must be of the input's type");
  }

  @Test
  void shouldLetBoundValueWinWhenPartialBindsTheSameInput() {
    // case 4: partial c="c" plus bound value c="d" -> "d"
    MapTaskSpec spec =
        MapTask.of(new Describe())
            .bind("c", "c")
            .boundInputsValues(Map.of("c", Literals.of("d")))
            .build();

    assertThat(spec.inputBindings().get("c")).isEqualTo(Bindings.of(Literals.of("d")));
    assertThat(spec.boundInputs()).containsExactly("c");
  }

  @Test
  void shouldBindWorkflowInputOfSameNameWhenOnlyNamesAreGiven() {
    MapTaskSpec spec = MapTask.of(new Describe()).boundInputs(Set.of("c")).build();

    assertThat(spec.inputBindings().get("c")).isEqualTo(Bindings.workflowInput("c"));
    assertThat(types(spec.workflowInterface().getInputs()))
        .containsExactly(
            Map.entry("a", "List[int]"), Map.entry("b", "List[float]"), Map.entry("c", "str"));
    assertThat(spec.boundInputs()).containsExactly("c");
  }

  @Test
  void shouldWriteValuesWhenBothBoundInputsAndTheirValuesAreGiven() {
    MapTaskSpec spec =
        MapTask.of(new Describe())
            .boundInputs(Set.of("c"))
            .boundInputsValues(Map.of("c", Literals.of("x")))
            .build();

    assertThat(spec.inputBindings().get("c")).isEqualTo(Bindings.of(Literals.of("x")));
  }

  @Test
  void shouldMakeOutputsOptionalWhenRatioIsSetAndNotOne() {
    MapTaskSpec half = MapTask.of(new Describe()).minSuccessRatio(0.5f).build();
    MapTaskSpec one = MapTask.of(new Describe()).minSuccessRatio(1f).build();
    MapTaskSpec zero = MapTask.of(new Describe()).minSuccessRatio(0f).build();

    assertThat(types(half.mappedInterface().getOutputs()))
        .containsExactly(Map.entry("o0", "List[Optional[str]]"));
    assertThat(types(half.workflowInterface().getOutputs()))
        .containsExactly(Map.entry("o0", "List[Optional[str]]"));
    assertThat(types(one.mappedInterface().getOutputs()))
        .containsExactly(Map.entry("o0", "List[str]"));
    assertThat(types(zero.mappedInterface().getOutputs()))
        .containsExactly(Map.entry("o0", "List[Optional[str]]"));
    assertThat(half.minSuccessRatio()).contains(0.5f);
  }

  @Test
  void shouldKeepMinSuccessesAndDropRatioWhenMinSuccessesIsSet() {
    MapTaskSpec spec = MapTask.of(new Describe()).minSuccesses(3).build();

    assertThat(spec.minSuccesses()).isEqualTo(OptionalLong.of(3));
    assertThat(spec.minSuccessRatio()).isEmpty();
    assertThat(spec.requiredSuccesses(10)).isEqualTo(3);
    // flytekit hashes its default ratio next to min_successes: "None31.0"
    assertThat(spec.name())
        .isEqualTo(PACKAGE + ".map_describe_34e40dcf32ab1425446d91cf20760b08-arraynode");
    assertThat(types(spec.mappedInterface().getOutputs()))
        .containsExactly(Map.entry("o0", "List[str]"));
  }

  @Test
  void shouldMapEveryOutputWhenTaskHasSeveral() {
    MapTaskSpec spec = MapTask.of(new Split()).minSuccessRatio(0.5f).build();

    assertThat(types(spec.mappedInterface().getOutputs()))
        .containsExactly(
            Map.entry("half", "List[Optional[int]]"), Map.entry("label", "List[Optional[str]]"));
    // the workflow's outputs keep the task's output names
    assertThat(types(spec.workflowInterface().getOutputs()))
        .containsExactly(
            Map.entry("half", "List[Optional[int]]"), Map.entry("label", "List[Optional[str]]"));
    assertThat(spec.workflowOutputs())
        .containsExactly(Map.entry("half", "half"), Map.entry("label", "label"));
  }

  @Test
  void shouldAcceptTaskWhenEveryInputIsBound() {
    MapTaskSpec spec = MapTask.of(new Multiply()).bind("a", 1).bind("b", 2).bind("c", 3L).build();

    assertThat(spec.mappedInputs()).isEmpty();
    assertThat(spec.workflowInterface().getInputs().getVariablesMap()).isEmpty();
    assertThat(spec.boundInputs()).containsExactly("a", "b", "c");
    assertThat(Bindings.toLiteral(spec.inputBindings().get("a"))).isEqualTo(Literals.of(1));
  }

  @Test
  void shouldCarrySettingsWhenSet() {
    MapTaskSpec spec =
        MapTask.of(new Multiply())
            .concurrency(2)
            .runAllSubNodes(true)
            .dataMode(DataMode.INDIVIDUAL_INPUT_FILES)
            .build();

    assertThat(spec.parallelism()).isEqualTo(OptionalInt.of(2));
    assertThat(spec.runAllSubNodes()).isTrue();
    assertThat(spec.dataMode()).isEqualTo(DataMode.INDIVIDUAL_INPUT_FILES);
  }

  @Test
  void shouldNotChangeTheOriginalWhenAMethodIsCalled() {
    MapTask base = MapTask.of(new Describe());
    MapTask changed = base.concurrency(3).bind("c", "c").minSuccessRatio(0.5f).legacy();

    assertThat(base.build().parallelism()).isEmpty();
    assertThat(base.build().boundInputs()).isEmpty();
    assertThat(base.build().form()).isEqualTo(MapTaskSpec.Form.ARRAY_NODE);
    assertThat(changed.allBoundInputs()).containsExactly("c");
  }

  @Test
  void shouldDescribeJavaTaskInItsTemplateWhenBuilt() throws Exception {
    MapTaskSpec spec = MapTask.of(new Cached()).build();
    TaskTemplate template = spec.subTask().template();

    assertThat(template.getType()).isEqualTo("java-task");
    assertThat(template.getId().getName()).isEqualTo("cached");
    assertThat(template.getContainer().getImage()).isEqualTo("flyte-beam");
    assertThat(template.getContainer().getArgsList())
        .containsExactly(
            "flyte-beam",
            "execute",
            "--task",
            "cached",
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
    assertThat(JsonFormat.printer().omittingInsignificantWhitespace().print(template.getCustom()))
        .isEqualTo("{\"javaTask\":\"cached\"}");
    assertThat(template.getMetadata().getRetries().getRetries()).isEqualTo(2);
    assertThat(template.getMetadata().getTimeout())
        .isEqualTo(com.google.protobuf.Duration.newBuilder().setSeconds(30).setNanos(500).build());
    assertThat(template.getMetadata().getDiscoverable()).isTrue();
    assertThat(template.getMetadata().getDiscoveryVersion()).isEqualTo("v1");
    assertThat(types(template.getInterface().getInputs()))
        .containsExactly(Map.entry("word", "str"), Map.entry("times", "Optional[int]"));
    assertThat(spec.subTask().scalarInterface()).isEqualTo(template.getInterface());
    assertThat(spec.subTask().retries()).isEqualTo(2);
    assertThat(spec.subTask().timeout()).contains(Duration.ofSeconds(30, 500));
    assertThat(spec.subTask().cacheVersion()).contains("v1");
    assertThat(spec.subTask().isJavaTask()).isTrue();
    assertThat(spec.subTask().javaTaskName()).contains("cached");
  }

  @Test
  void shouldWriteCacheSettingsIntoTheSubTaskAndReadThemBack(@TempDir Path dir) {
    List<MapTask> forms =
        List.of(
            MapTask.of(new Describe()),
            MapTask.of(new Describe()).legacy().boundInputs(Set.of("c")));
    for (MapTask builder : forms) {
      MapTaskSpec spec = builder.cache("v2").cacheIgnoreInputVars("c").build();
      Path file = dir.resolve("cached-" + spec.form() + ".pb");
      DefinitionWriter.write(spec, file);
      MapTaskSpec read = DefinitionReader.read(file);

      assertThat(spec.subTask().template().getMetadata().getDiscoverable()).isTrue();
      assertThat(spec.subTask().cacheVersion()).contains("v2");
      assertThat(spec.subTask().cacheIgnoreInputVars()).containsExactly("c");
      assertThat(read.subTask().cacheVersion()).as(spec.form().name()).contains("v2");
      assertThat(read.subTask().cacheIgnoreInputVars()).containsExactly("c");
    }
    // The builder's version wins over the task's own.
    assertThat(MapTask.of(new Cached()).cache("v9").build().subTask().cacheVersion())
        .contains("v9");
    assertThat(MapTask.of(new Describe()).build().subTask().cacheVersion()).isEmpty();
  }

  @Test
  void shouldRejectABlankCacheVersionAndUnknownIgnoredInputs() {
    MapTask bad = MapTask.of(new Describe()).cache(" ").cacheIgnoreInputVars("d");

    assertThatThrownBy(bad::build)
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining(
            "task [describe] is cacheable (discoverable) but its discovery_version [ ] is empty")
        .hasMessageContaining(
            "cache_ignore_input_vars names [d]: task [describe] has no such input"
                + " (inputs: [a, b, c])");
  }

  @Test
  void shouldFindJavaTaskNameInArgsWhenCustomLacksIt() {
    TaskTemplate template =
        MapTask.javaTaskTemplate(new SayHello()).toBuilder().clearCustom().setType("other").build();

    assertThat(
            new SubTask(
                    template,
                    template.getInterface(),
                    0,
                    Optional.empty(),
                    Optional.empty(),
                    List.of())
                .javaTaskName())
        .contains("say_hello");
    TaskTemplate python = template.toBuilder().clearContainer().build();
    assertThat(
            new SubTask(
                    python, python.getInterface(), 0, Optional.empty(), Optional.empty(), List.of())
                .isJavaTask())
        .isFalse();
  }

  @Test
  void shouldWriteContainerArrayTemplateWhenLegacy() throws Exception {
    MapTaskSpec spec =
        MapTask.of(new Describe()).boundInputs(Set.of("c")).concurrency(99).legacy().build();
    TaskTemplate template = spec.subTask().template();

    assertThat(spec.form()).isEqualTo(MapTaskSpec.Form.LEGACY);
    assertThat(spec.name()).isEqualTo(PACKAGE + ".map_describe_4a8a08f09d37b73795649038408b5f33");
    assertThat(template.getType()).isEqualTo("container_array");
    assertThat(template.getTaskTypeVersion()).isEqualTo(1);
    assertThat(template.getId().getName()).isEqualTo(spec.name());
    assertThat(template.getInterface()).isEqualTo(spec.mappedInterface());
    assertThat(spec.workflowInterface()).isEqualTo(spec.mappedInterface());
    assertThat(JsonFormat.printer().omittingInsignificantWhitespace().print(template.getCustom()))
        .isEqualTo("{\"parallelism\":\"99\",\"minSuccessRatio\":1.0}");
    assertThat(template.getContainer().getArgsList())
        .endsWith("--prev-checkpoint", "{{.prevCheckpointPrefix}}", "--", "vars", "c");
    assertThat(spec.subTask().javaTaskName()).contains("describe");
    assertThat(spec.subTask().scalarInterface())
        .isEqualTo(MapTask.javaTaskTemplate(new Describe()).getInterface());
    assertThat(spec.parallelism()).isEqualTo(OptionalInt.of(99));
    assertThat(spec.originalSubNodeInterface()).isFalse();
    assertThat(spec.inputBindings().keySet()).containsExactly("a", "b", "c");
  }

  @Test
  void shouldWriteOnlyTheRatioWhenLegacyHasNoConcurrency() throws Exception {
    // case 9: ratio 0.271828 -> {"minSuccessRatio":0.271828}
    MapTaskSpec spec = MapTask.of(new SayHello()).minSuccessRatio(0.271828f).legacy().build();

    assertThat(
            JsonFormat.printer()
                .omittingInsignificantWhitespace()
                .print(spec.subTask().template().getCustom()))
        .isEqualTo("{\"minSuccessRatio\":0.271828}");
    assertThat(
            ArrayJobs.toJson(
                ArrayJobs.of(OptionalInt.of(99), OptionalLong.empty(), Optional.of(1f))))
        .isEqualTo("{\"parallelism\":\"99\",\"minSuccessRatio\":1.0}");
    assertThat(spec.parallelism()).isEqualTo(OptionalInt.of(0));
    assertThat(spec.name()).isEqualTo(PACKAGE + ".map_say_hello_d41d8cd98f00b204e9800998ecf8427e");
  }

  @Test
  void shouldNameTemplateMapAsFlytekitWhenTemplateNameHasAModule() {
    TaskTemplate template = template("examples.to_upper", "python-task");

    MapTaskSpec spec = MapTask.of(template).build();

    assertThat(spec.name())
        .isEqualTo("examples.map_to_upper_6b3bd0353da5de6e84d7982921ead2b3-arraynode");
    assertThat(spec.subTask().template()).isEqualTo(template);
    assertThat(spec.subTask().isJavaTask()).isFalse();
    assertThat(MapTask.of(template("scale", "raw-container")).name())
        .isEqualTo("raw-container.map_scale_6b3bd0353da5de6e84d7982921ead2b3-arraynode");
  }

  @Test
  void shouldBindTemplateInputWhenValueIsPlain() {
    MapTaskSpec spec =
        MapTask.of(template("examples.to_upper", "python-task")).bind("k", 3L).build();

    assertThat(spec.inputBindings().get("k")).isEqualTo(Bindings.of(Literals.of(3)));
  }

  @Test
  void shouldReportRatioOutOfRangeWhenAbove1() {
    assertThatThrownBy(() -> MapTask.of(new SayHello()).minSuccessRatio(1.5f).build())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage("min_success_ratio [1.5] must be within [0, 1]");
    assertThatThrownBy(() -> MapTask.of(new SayHello()).minSuccessRatio(Float.NaN).build())
        .hasMessage("min_success_ratio [NaN] must be within [0, 1]");
    assertThatThrownBy(() -> MapTask.of(new SayHello()).minSuccessRatio(-0.1f).build())
        .hasMessage("min_success_ratio [-0.1] must be within [0, 1]");
  }

  @Test
  void shouldReportNegativeNumbersWhenSet() {
    assertThatThrownBy(() -> MapTask.of(new SayHello()).concurrency(-1).build())
        .hasMessage("concurrency [-1] must be >= 0 (0 means unlimited)");
    assertThatThrownBy(() -> MapTask.of(new SayHello()).minSuccesses(-2).build())
        .hasMessage("min_successes [-2] must be >= 0");
    assertThatThrownBy(() -> MapTask.of(new SayHello()).minSuccesses(1L << 32).build())
        .hasMessage("min_successes [4294967296] must be at most 4294967295 (a uint32)");
  }

  @Test
  void shouldNameKnownInputsWhenBindingAnUnknownOne() {
    assertThatThrownBy(() -> MapTask.of(new Describe()).bind("d", 1).build())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage("cannot bind [d]: task [describe] has no such input (inputs: [a, b, c])");
    assertThatThrownBy(() -> MapTask.of(new Describe()).boundInputs(Set.of("z")).build())
        .hasMessage("cannot bind [z]: task [describe] has no such input (inputs: [a, b, c])");
  }

  @Test
  void shouldReportDifferentKeySetsWhenBoundInputsAndValuesDisagree() {
    assertThatThrownBy(
            () ->
                MapTask.of(new Describe())
                    .boundInputs(Set.of("b", "c"))
                    .boundInputsValues(Map.of("c", Literals.of("x")))
                    .build())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage(
            "bound_inputs [b, c] and bound_inputs_values [c] must name the same inputs: give one"
                + " of them, or the same names to both");
  }

  @Test
  void shouldListEveryProblemWhenSeveralAreFound() {
    InvalidDefinitionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidDefinitionException.class,
            () ->
                MapTask.of(new Describe())
                    .minSuccessRatio(2f)
                    .concurrency(-3)
                    .minSuccesses(-1)
                    .bind("d", 1)
                    .bind("a", "not a number")
                    .build());

    assertThat(e.problems())
        .containsExactly(
            "min_success_ratio [2.0] must be within [0, 1]",
            "concurrency [-3] must be >= 0 (0 means unlimited)",
            "min_successes [-1] must be >= 0",
            "cannot bind [d]: task [describe] has no such input (inputs: [a, b, c])",
            "cannot bind input [a]: variable [a] expects [int] but found [String \"not a"
                + " number\"]");
    assertThat(e.getMessage()).isEqualTo(String.join("; ", e.problems()));
  }

  @Test
  void shouldReportUnsupportedComponentTypeWhenTaskRecordsCannotBeTyped() {
    assertThatThrownBy(() -> MapTask.of(new Unsupported()).build())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("thread");
  }

  @Test
  void shouldRefuseBoundValuesWhenLegacy() {
    assertThatThrownBy(() -> MapTask.of(new Describe()).bind("c", "c").legacy().build())
        .hasMessage(
            "the legacy (container_array) form can not hold bound values [c]: bind them by name"
                + " with boundInputs(...) and pass them with the inputs, or use the ArrayNode"
                + " form");
    assertThatThrownBy(() -> MapTask.of(new Describe()).runAllSubNodes(true).legacy().build())
        .hasMessageContaining("run_all_sub_nodes can not be written in the legacy");
  }

  @Test
  void shouldRefuseContainerArrayWhenGivenAsSubTask() {
    assertThatThrownBy(() -> MapTask.of(template("m.f", "container_array")).build())
        .hasMessageContaining("is a container_array (already a map task)");
  }

  static TaskTemplate template(String name, String type) {
    LiteralType str = LiteralType.newBuilder().setSimple(SimpleType.STRING).build();
    LiteralType integer = LiteralType.newBuilder().setSimple(SimpleType.INTEGER).build();
    return TaskTemplate.newBuilder()
        .setId(TaskId.of(name).toProto(flyteidl.core.IdentifierOuterClass.ResourceType.TASK))
        .setType(type)
        .setInterface(
            TypedInterface.newBuilder()
                .setInputs(
                    VariableMap.newBuilder()
                        .putVariables("word", Variable.newBuilder().setType(str).build())
                        .putVariables("k", Variable.newBuilder().setType(integer).build()))
                .setOutputs(
                    VariableMap.newBuilder()
                        .putVariables("o0", Variable.newBuilder().setType(str).build())))
        .setContainer(flyteidl.core.Tasks.Container.newBuilder().setImage("img").addArgs("run"))
        .build();
  }
}

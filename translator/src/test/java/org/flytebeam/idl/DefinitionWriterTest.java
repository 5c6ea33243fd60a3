package org.flytebeam.idl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.flytebeam.idl.DefinitionReaderTest.FLYTEKIT;
import static org.flytebeam.idl.DefinitionReaderTest.LEGACY;
import static org.flytebeam.idl.DefinitionReaderTest.RAW_CONTAINER;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.TestTasks.Cached;
import org.flytebeam.spec.TestTasks.Describe;
import org.flytebeam.spec.TestTasks.JoinLists;
import org.flytebeam.spec.TestTasks.Multiply;
import org.flytebeam.spec.TestTasks.SayHello;
import org.flytebeam.spec.TestTasks.Split;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefinitionWriterTest {
  @TempDir Path tmp;

  static Stream<Arguments> specs() throws Exception {
    Literal cde =
        Literals.collection(List.of(Literals.of("c"), Literals.of("d"), Literals.of("e")));
    TaskTemplate pythonTask =
        DefinitionReaderTest.closure(RAW_CONTAINER).getTasks(0).toBuilder()
            .setType("python-task")
            .build();
    return Stream.of(
        Arguments.of("say_hello", MapTask.of(new SayHello()).build()),
        Arguments.of(
            "describe partial c, concurrency 4, ratio 0.75",
            MapTask.of(new Describe())
                .bind("c", "c")
                .concurrency(4)
                .minSuccessRatio(0.75f)
                .build()),
        Arguments.of(
            "join_lists bound list value",
            MapTask.of(new JoinLists()).boundInputsValues(Map.of("c", cde)).build()),
        Arguments.of(
            "split min_successes 1, run all, individual files",
            MapTask.of(new Split())
                .minSuccesses(1)
                .runAllSubNodes(true)
                .dataMode(ArrayNode.DataMode.INDIVIDUAL_INPUT_FILES)
                .build()),
        Arguments.of("cached ratio 0", MapTask.of(new Cached()).minSuccessRatio(0f).build()),
        Arguments.of(
            "multiply all bound",
            MapTask.of(new Multiply()).bind("a", 1).bind("b", 2).bind("c", 3).build()),
        Arguments.of(
            "describe bound name c",
            MapTask.of(new Describe()).boundInputs(Set.of("c")).concurrency(0).build()),
        Arguments.of(
            "template bound value k",
            MapTask.of(pythonTask).bind("k", 3L).minSuccessRatio(0.5f).build()),
        Arguments.of(
            "legacy describe bound c, concurrency 99",
            MapTask.of(new Describe()).boundInputs(Set.of("c")).concurrency(99).legacy().build()),
        Arguments.of(
            "legacy say_hello ratio 0.271828",
            MapTask.of(new SayHello()).minSuccessRatio(0.271828f).legacy().build()),
        Arguments.of(
            "legacy cached min_successes 2",
            MapTask.of(new Cached()).minSuccesses(2).legacy().build()),
        Arguments.of("example flytekit", DefinitionReader.read(FLYTEKIT)),
        Arguments.of("example raw container", DefinitionReader.read(RAW_CONTAINER)),
        Arguments.of("example legacy", DefinitionReader.read(LEGACY)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void shouldReadBackAnEqualSpecWhenWrittenAsJson(String name, MapTaskSpec spec) throws Exception {
    Path file = tmp.resolve("def.json");

    DefinitionWriter.write(spec, file);

    Message written = parse(Files.readString(file), DefinitionWriter.toProto(spec));
    assertSameFields(written, DefinitionWriter.toProto(spec), "");
    assertThat(DefinitionReader.read(file)).isEqualTo(spec);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void shouldReadBackAnEqualSpecWhenWrittenAsBinary(String name, MapTaskSpec spec)
      throws Exception {
    Path file = tmp.resolve("def.pb");

    DefinitionWriter.write(spec, file);

    Message expected = DefinitionWriter.toProto(spec);
    Message written = expected.getParserForType().parseFrom(Files.readAllBytes(file));
    assertSameFields(written, expected, "");
    assertThat(DefinitionReader.read(file)).isEqualTo(spec);
    assertThat(DefinitionReader.read(DefinitionWriter.toBinary(spec), false)).isEqualTo(spec);
  }

  @Test
  void shouldWriteArrayNodeAsFlytekitWhenSpecCameFromFlytekit() throws Exception {
    WorkflowClosure original = DefinitionReaderTest.closure(FLYTEKIT);

    WorkflowClosure written = DefinitionWriter.toClosure(DefinitionReader.read(FLYTEKIT));

    assertThat(written.getTasksList()).isEqualTo(original.getTasksList());
    WorkflowTemplate wf = written.getWorkflow();
    WorkflowTemplate originalWf = original.getWorkflow();
    assertThat(wf.getInterface()).isEqualTo(originalWf.getInterface());
    assertThat(wf.getOutputsList()).isEqualTo(originalWf.getOutputsList());
    assertThat(wf.hasMetadata()).isTrue();
    Node node = wf.getNodes(0);
    Node originalNode = originalWf.getNodes(0);
    assertThat(node.getId()).isEqualTo("n0");
    assertThat(node.getInputsList()).isEqualTo(originalNode.getInputsList());
    ArrayNode arrayNode = node.getArrayNode();
    // sub-node: id and metadata name = the map task name, retries, inputs, task reference,
    // overrides
    assertSameFields(arrayNode.getNode(), originalNode.getArrayNode().getNode(), "node");
    assertThat(arrayNode.getParallelismOptionCase())
        .isEqualTo(ArrayNode.ParallelismOptionCase.PARALLELISM);
    assertThat(arrayNode.getParallelism()).isEqualTo(4);
    assertThat(arrayNode.getSuccessCriteriaCase())
        .isEqualTo(ArrayNode.SuccessCriteriaCase.MIN_SUCCESS_RATIO);
    assertThat(arrayNode.getMinSuccessRatio()).isEqualTo(1.0f);
    assertThat(arrayNode.hasIsOriginalSubNodeInterface()).isTrue();
    assertThat(arrayNode.getIsOriginalSubNodeInterface().getValue()).isFalse();
    assertThat(arrayNode.getExecutionMode()).isEqualTo(ArrayNode.ExecutionMode.MINIMAL_STATE);
    assertThat(arrayNode.getDataMode()).isEqualTo(ArrayNode.DataMode.SINGLE_INPUT_FILE);
    assertThat(arrayNode.getBoundInputsList()).isEmpty();
    assertThat(arrayNode.getRunAllSubNodes()).isFalse();
  }

  @Test
  void shouldWriteLegacyTemplateUnchangedWhenSpecCameFromFlytekit() throws Exception {
    TaskTemplate original = DefinitionReaderTest.template(LEGACY);

    TaskTemplate written = DefinitionWriter.toLegacyTemplate(DefinitionReader.read(LEGACY));

    assertSameFields(written, original, "");
    assertThat(written).isEqualTo(original);
  }

  @Test
  void shouldLetMinSuccessesWinInTheOneofWhenSet() {
    // flytekit writes min_successes, then its default ratio 1.0 into the same oneof: the ratio won
    ArrayNode arrayNode =
        DefinitionWriter.toClosure(MapTask.of(new SayHello()).minSuccesses(3).build())
            .getWorkflow()
            .getNodes(0)
            .getArrayNode();

    assertThat(arrayNode.getSuccessCriteriaCase())
        .isEqualTo(ArrayNode.SuccessCriteriaCase.MIN_SUCCESSES);
    assertThat(arrayNode.getMinSuccesses()).isEqualTo(3);
  }

  @Test
  void shouldWriteJavaMapAsOneArrayNodeWorkflowWhenBuilt() throws Exception {
    MapTaskSpec spec = MapTask.of(new Describe()).bind("c", "c").concurrency(4).build();

    WorkflowClosure closure = DefinitionWriter.toClosure(spec);

    WorkflowTemplate wf = closure.getWorkflow();
    assertThat(wf.getId().getName()).isEqualTo(spec.name());
    assertThat(wf.getNodesList()).hasSize(1);
    ArrayNode arrayNode = wf.getNodes(0).getArrayNode();
    assertThat(arrayNode.getNode().getId()).isEqualTo(spec.name());
    assertThat(arrayNode.getNode().getMetadata().getName()).isEqualTo(spec.name());
    assertThat(arrayNode.getNode().getTaskNode().getReferenceId())
        .isEqualTo(spec.subTask().template().getId());
    assertThat(arrayNode.getBoundInputsList()).containsExactly("c");
    assertThat(arrayNode.getIsOriginalSubNodeInterface().getValue()).isTrue();
    assertThat(wf.getNodes(0).getInputsList())
        .extracting(b -> b.getVar() + "=" + b.getBinding().getValueCase())
        .containsExactly("a=PROMISE", "b=PROMISE", "c=SCALAR");
    assertThat(wf.getOutputsList())
        .extracting(
            b ->
                b.getVar()
                    + "="
                    + b.getBinding().getPromise().getNodeId()
                    + "."
                    + b.getBinding().getPromise().getVar())
        .containsExactly("o0=n0.o0");
    assertThat(closure.getTasksList()).containsExactly(spec.subTask().template());
  }

  @Test
  void shouldWriteCaseNineCustomWhenLegacyJsonIsWritten() throws Exception {
    MapTaskSpec ratio = MapTask.of(new SayHello()).minSuccessRatio(0.271828f).legacy().build();
    MapTaskSpec concurrency = MapTask.of(new SayHello()).concurrency(99).legacy().build();

    TaskTemplate.Builder parsed = TaskTemplate.newBuilder();
    JsonFormat.parser().merge(DefinitionWriter.toJson(ratio), parsed);
    TaskTemplate.Builder parsed99 = TaskTemplate.newBuilder();
    JsonFormat.parser().merge(DefinitionWriter.toJson(concurrency), parsed99);

    JsonFormat.Printer compact = JsonFormat.printer().omittingInsignificantWhitespace();
    assertThat(compact.print(parsed.getCustom())).isEqualTo("{\"minSuccessRatio\":0.271828}");
    assertThat(compact.print(parsed99.getCustom()))
        .isEqualTo("{\"parallelism\":\"99\",\"minSuccessRatio\":1.0}");
    assertThat(parsed.getType()).isEqualTo("container_array");
  }

  @Test
  void shouldRefuseFileWhenExtensionIsUnknown() {
    MapTaskSpec spec = MapTask.of(new SayHello()).build();

    assertThatThrownBy(() -> DefinitionWriter.write(spec, tmp.resolve("def.txt")))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("must end in .json (protobuf JSON) or .pb (binary protobuf)");
  }

  @Test
  void shouldRefuseTheOtherFormWhenAskedForOne() {
    MapTaskSpec legacy = MapTask.of(new SayHello()).legacy().build();

    assertThatThrownBy(() -> DefinitionWriter.toClosure(legacy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is in the LEGACY form, not ARRAY_NODE");
  }

  private static Message parse(String json, Message prototype) throws Exception {
    Message.Builder builder = prototype.newBuilderForType();
    JsonFormat.parser().merge(json, builder);
    return builder.build();
  }

  /** Compares two messages field by field, naming the path of every field that differs. */
  static void assertSameFields(Message actual, Message expected, String path) {
    List<String> differences = new ArrayList<>();
    collectDifferences(actual, expected, path, differences);
    assertThat(differences).as("fields that differ").isEmpty();
    assertThat(actual).isEqualTo(expected);
  }

  private static void collectDifferences(
      Message actual, Message expected, String path, List<String> differences) {
    for (FieldDescriptor field : expected.getDescriptorForType().getFields()) {
      String at = path.isEmpty() ? field.getName() : path + "." + field.getName();
      Object a = actual.getField(field);
      Object e = expected.getField(field);
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !field.isRepeated()
          && !field.isMapField()) {
        if (actual.hasField(field) != expected.hasField(field)) {
          differences.add(at + " is set in only one of them");
        } else if (expected.hasField(field)) {
          collectDifferences((Message) a, (Message) e, at, differences);
        }
      } else if (!a.equals(e)) {
        differences.add(at + ": [" + a + "] instead of [" + e + "]");
      }
    }
  }
}

package org.flytebeam.examples;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Compiler.CompiledTask;
import flyteidl.core.Compiler.CompiledWorkflow;
import flyteidl.core.Compiler.CompiledWorkflowClosure;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowMetadata;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.MappedInterface;
import org.flytebeam.spec.WorkflowMap;
import org.flytebeam.types.Literals;

/**
 * The example definitions in {@code examples/definitions/}, made from the Java builder: the maps
 * ({@code STEM.def.json}) and the workflows ({@code STEM.wf.json}, each a {@code WorkflowClosure}
 * in protobuf JSON with its tasks). A test checks the committed files equal what this writes;
 * {@code main} rewrites them.
 */
public final class ExampleDefinitions {
  private ExampleDefinitions() {}

  /** The project, domain and version of the example workflows' identifiers. */
  private static final String PROJECT = "flyte-beam";

  private static final String DOMAIN = "development";
  private static final String VERSION = "1";

  /** The name of the example workflow {@code square-then-total}. */
  public static final String SQUARE_THEN_TOTAL = "org.flytebeam.examples.square_then_total";

  /** The name of the example workflow {@code sum-of-squares}. */
  public static final String SUM_OF_SQUARES = "org.flytebeam.examples.sum_of_squares";

  /** The map over a sub-workflow ({@link #mapOverWorkflow}). */
  public static final String MAP_OVER_WORKFLOW = "org.flytebeam.examples.map_checked_times_ten";

  /** The workflow each element of {@link #MAP_OVER_WORKFLOW} runs. */
  public static final String CHECKED_TIMES_TEN = "org.flytebeam.examples.checked_times_ten";

  /** File name stem to definition. */
  public static Map<String, MapTaskSpec> all() {
    return Map.of(
        "say-hello", MapTask.of(new SayHello()).concurrency(4).build(),
        "multiply", MapTask.of(new Multiply()).build(),
        "format-abc-partial", MapTask.of(new FormatAbc()).bind("c", "c").build(),
        "fail-on-two-ratio", MapTask.of(new FailOnTwo()).minSuccessRatio(0.75f).build(),
        "square-legacy", MapTask.of(new Square()).concurrency(2).legacy().build(),
        "burn-cpu", MapTask.of(new Burn()).build());
  }

  /** File name stem to workflow definition. */
  public static Map<String, WorkflowClosure> workflows() {
    Map<String, WorkflowClosure> out = new LinkedHashMap<>();
    out.put("square-then-total", squareThenTotal());
    out.put("sum-of-squares", sumOfSquares());
    return out;
  }

  /**
   * File name stem to workflow definitions that need sub-workflows, as {@code
   * CompiledWorkflowClosure}s (what flytectl and the console hand out): a core {@code
   * WorkflowClosure} has no room for them.
   */
  public static Map<String, CompiledWorkflowClosure> compiledWorkflows() {
    Map<String, CompiledWorkflowClosure> out = new LinkedHashMap<>();
    out.put("map-over-workflow", mapOverWorkflow());
    return out;
  }

  /**
   * {@code square_then_total(xs: List[int]) -> (squares: List[int], total: int)}: the shape of
   * every flytesnacks map example, a map then a task reducing its list. {@code n0} maps {@code
   * square} over {@code xs}; {@code n1} is {@code total} of {@code n0}'s list.
   */
  static WorkflowClosure squareThenTotal() {
    MapTaskSpec map = MapTask.of(new Square()).build();
    TaskTemplate total = MapTask.javaTaskTemplate(new Total());
    WorkflowTemplate workflow =
        workflow(
                SQUARE_THEN_TOTAL,
                interfaceOf(
                    ordered("xs", input(total, "xs")),
                    ordered("squares", mapOutput(map, "o0"), "total", output(total, "o0"))))
            .addNodes(arrayNode("n0", map, ordered("x", promise("", "xs"))))
            .addNodes(taskNode("n1", total, ordered("xs", promise("n0", "o0"))))
            .addOutputs(binding("squares", promise("n0", "o0")))
            .addOutputs(binding("total", promise("n1", "o0")))
            .build();
    return WorkflowClosure.newBuilder()
        .setWorkflow(workflow)
        .addTasks(map.subTask().template())
        .addTasks(total)
        .build();
  }

  /**
   * {@code sum_of_squares(n: int) -> (total: int, report: str)}, five nodes in a line: {@code n0}
   * prepares {@code [0, n)} ({@code range}), {@code n1} maps {@code square} over it, {@code n2}
   * totals the squares, {@code n3} formats the total ({@code format_abc}) and {@code n4}
   * upper-cases that ({@code to_upper}). The benchmark runs it at {@code n = 100000} against the
   * map alone.
   */
  static WorkflowClosure sumOfSquares() {
    TaskTemplate range = MapTask.javaTaskTemplate(new Range());
    MapTaskSpec map = MapTask.of(new Square()).build();
    TaskTemplate total = MapTask.javaTaskTemplate(new Total());
    TaskTemplate format = MapTask.javaTaskTemplate(new FormatAbc());
    TaskTemplate upper = MapTask.javaTaskTemplate(new ToUpper());
    Map<String, BindingData> formatInputs =
        ordered(
            "a", promise("n2", "o0"),
            "b", value(Literals.of(0.5)),
            "c", value(Literals.of("sum of squares")));
    WorkflowTemplate workflow =
        workflow(
                SUM_OF_SQUARES,
                interfaceOf(
                    ordered("n", input(range, "n")),
                    ordered("total", output(total, "o0"), "report", output(upper, "o0"))))
            .addNodes(taskNode("n0", range, ordered("n", promise("", "n"))))
            .addNodes(arrayNode("n1", map, ordered("x", promise("n0", "o0"))))
            .addNodes(taskNode("n2", total, ordered("xs", promise("n1", "o0"))))
            .addNodes(taskNode("n3", format, formatInputs))
            .addNodes(taskNode("n4", upper, ordered("word", promise("n3", "o0"))))
            .addOutputs(binding("total", promise("n2", "o0")))
            .addOutputs(binding("report", promise("n4", "o0")))
            .build();
    return WorkflowClosure.newBuilder()
        .setWorkflow(workflow)
        .addTasks(range)
        .addTasks(map.subTask().template())
        .addTasks(total)
        .addTasks(format)
        .addTasks(upper)
        .build();
  }

  /**
   * {@code map_checked_times_ten(xs: List[int]) -> List[Optional[int]]}: a map over the
   * sub-workflow {@code checked_times_ten(x: int) -> int} ({@code n0 = fail_if_equal(x, bad=1)},
   * {@code n1 = multiply(n0, 10, 1)}), written as flytekit writes {@code map_task(workflow)} with
   * {@code min_success_ratio=0.75}: over [1, 2, 3, 4] element 0 fails in its node n0 and the map
   * still succeeds with [null, 20, 30, 40].
   */
  static CompiledWorkflowClosure mapOverWorkflow() {
    TaskTemplate check = MapTask.javaTaskTemplate(new FailIfEqual());
    TaskTemplate multiply = MapTask.javaTaskTemplate(new Multiply());
    TypedInterface elementIface =
        interfaceOf(ordered("x", input(check, "x")), ordered("o0", output(multiply, "o0")));
    WorkflowTemplate element =
        workflow(CHECKED_TIMES_TEN, elementIface)
            .addNodes(
                taskNode("n0", check, ordered("x", promise("", "x"), "bad", value(Literals.of(1)))))
            .addNodes(
                taskNode(
                    "n1",
                    multiply,
                    ordered(
                        "a",
                        promise("n0", "o0"),
                        "b",
                        value(Literals.of(10)),
                        "c",
                        value(Literals.of(1)))))
            .addOutputs(binding("o0", promise("n1", "o0")))
            .build();
    float ratio = 0.75f;
    TypedInterface mapped =
        MappedInterface.of(elementIface, List.of(), java.util.Optional.of(ratio));
    WorkflowTemplate top =
        workflow(
                MAP_OVER_WORKFLOW,
                interfaceOf(
                    ordered("xs", mapped.getInputs().getVariablesOrThrow("x")),
                    ordered("o0", mapped.getOutputs().getVariablesOrThrow("o0"))))
            .addNodes(
                WorkflowMap.overSubWorkflow(element.getId())
                    .minSuccessRatio(ratio)
                    .input("x", promise("", "xs"))
                    .node("n0"))
            .addOutputs(binding("o0", promise("n0", "o0")))
            .build();
    return CompiledWorkflowClosure.newBuilder()
        .setPrimary(CompiledWorkflow.newBuilder().setTemplate(top))
        .addSubWorkflows(CompiledWorkflow.newBuilder().setTemplate(element))
        .addTasks(CompiledTask.newBuilder().setTemplate(check))
        .addTasks(CompiledTask.newBuilder().setTemplate(multiply))
        .build();
  }

  private static WorkflowTemplate.Builder workflow(String name, TypedInterface iface) {
    return WorkflowTemplate.newBuilder()
        .setId(
            Identifier.newBuilder()
                .setResourceType(ResourceType.WORKFLOW)
                .setProject(PROJECT)
                .setDomain(DOMAIN)
                .setName(name)
                .setVersion(VERSION))
        .setMetadata(WorkflowMetadata.getDefaultInstance())
        .setInterface(iface);
  }

  private static TypedInterface interfaceOf(
      Map<String, Variable> inputs, Map<String, Variable> outputs) {
    return TypedInterface.newBuilder()
        .setInputs(VariableMap.newBuilder().putAllVariables(inputs))
        .setOutputs(VariableMap.newBuilder().putAllVariables(outputs))
        .build();
  }

  private static Variable input(TaskTemplate task, String name) {
    return task.getInterface().getInputs().getVariablesOrThrow(name);
  }

  private static Variable output(TaskTemplate task, String name) {
    return task.getInterface().getOutputs().getVariablesOrThrow(name);
  }

  /** A map's output: the list of its sub-task's output. */
  private static Variable mapOutput(MapTaskSpec map, String name) {
    return map.mappedInterface().getOutputs().getVariablesOrThrow(name);
  }

  /** A promise of {@code node}'s output {@code var}; the empty node id is the workflow's input. */
  private static BindingData promise(String node, String var) {
    return BindingData.newBuilder()
        .setPromise(OutputReference.newBuilder().setNodeId(node).setVar(var))
        .build();
  }

  private static BindingData value(Literal literal) {
    return BindingData.newBuilder().setScalar(literal.getScalar()).build();
  }

  private static Binding binding(String var, BindingData data) {
    return Binding.newBuilder().setVar(var).setBinding(data).build();
  }

  private static List<Binding> bindings(Map<String, BindingData> inputs) {
    return inputs.entrySet().stream().map(e -> binding(e.getKey(), e.getValue())).toList();
  }

  private static Node taskNode(String id, TaskTemplate task, Map<String, BindingData> inputs) {
    return Node.newBuilder()
        .setId(id)
        .setMetadata(NodeMetadata.newBuilder().setName(task.getId().getName()))
        .addAllInputs(bindings(inputs))
        .setTaskNode(TaskNode.newBuilder().setReferenceId(task.getId()))
        .build();
  }

  /** The map's ArrayNode as the builder writes it, its id and input bindings those given. */
  private static Node arrayNode(String id, MapTaskSpec map, Map<String, BindingData> inputs) {
    Node written = DefinitionWriter.toClosure(map).getWorkflow().getNodes(0);
    List<Binding> bound = bindings(inputs);
    Node.Builder node = written.toBuilder().setId(id).clearInputs().addAllInputs(bound);
    node.getArrayNodeBuilder().getNodeBuilder().clearInputs().addAllInputs(bound);
    return node.build();
  }

  /** Keys and values in the order given: the written files keep the order, run after run. */
  private static <V> Map<String, V> ordered(String k1, V v1) {
    Map<String, V> out = new LinkedHashMap<>();
    out.put(k1, v1);
    return out;
  }

  private static <V> Map<String, V> ordered(String k1, V v1, String k2, V v2) {
    Map<String, V> out = ordered(k1, v1);
    out.put(k2, v2);
    return out;
  }

  private static <V> Map<String, V> ordered(String k1, V v1, String k2, V v2, String k3, V v3) {
    Map<String, V> out = ordered(k1, v1, k2, v2);
    out.put(k3, v3);
    return out;
  }

  /** The JSON of a workflow definition, as the committed file holds it. */
  public static String toJson(com.google.protobuf.MessageOrBuilder closure) {
    try {
      return JsonFormat.printer().print(closure) + "\n";
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a built closure always prints", e);
    }
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "examples/definitions");
    Files.createDirectories(dir);
    for (Map.Entry<String, MapTaskSpec> e : all().entrySet()) {
      DefinitionWriter.write(e.getValue(), dir.resolve(e.getKey() + ".def.json"));
    }
    for (Map.Entry<String, WorkflowClosure> e : workflows().entrySet()) {
      Files.writeString(
          dir.resolve(e.getKey() + ".wf.json"), toJson(e.getValue()), StandardCharsets.UTF_8);
    }
    for (Map.Entry<String, CompiledWorkflowClosure> e : compiledWorkflows().entrySet()) {
      Files.writeString(
          dir.resolve(e.getKey() + ".wf.json"), toJson(e.getValue()), StandardCharsets.UTF_8);
    }
  }
}

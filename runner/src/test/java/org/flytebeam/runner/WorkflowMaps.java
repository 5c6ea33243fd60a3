package org.flytebeam.runner;

import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.Parameter;
import flyteidl.core.Interface.ParameterMap;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Types.SimpleType;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.examples.FailIfEqual;
import org.flytebeam.examples.Multiply;
import org.flytebeam.examples.Square;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.LaunchPlanDef;
import org.flytebeam.graph.Promises;
import org.flytebeam.spec.MappedInterface;
import org.flytebeam.types.Literals;

/**
 * Packages holding maps over launch plans and sub-workflows, as flytekit 1.16 serializes them
 * ({@code flytekit/core/array_node.py}, {@code tools/translator.py}): an ArrayNode whose sub-node
 * (id: the launch plan's name, dnsified) is a workflow node with {@code launchplan_ref}, {@code
 * is_original_sub_node_interface} true, execution mode FULL_STATE, the launch plan's fixed inputs
 * not among its inputs.
 *
 * <p>The element workflow {@code wf.element(x, bad, factor)}: {@code n0 = fail_if_equal(x, bad)};
 * {@code n1 = multiply(n0, factor, 1)}; output {@code o0 = n1.o0}. Its launch plan {@code
 * lp.element} fixes {@code bad = 1} and defaults {@code factor = 10}: f(x) = 10x, failing on 1.
 */
final class WorkflowMaps {
  static final TaskTemplate FAIL_IF_EQUAL =
      org.flytebeam.spec.MapTask.javaTaskTemplate(new FailIfEqual());
  static final TaskTemplate MULTIPLY = org.flytebeam.spec.MapTask.javaTaskTemplate(new Multiply());
  static final TaskTemplate SQUARE = org.flytebeam.spec.MapTask.javaTaskTemplate(new Square());
  static final String LP = "lp.element";
  static final String TOP = "wf.map_over_lp";

  private WorkflowMaps() {}

  static final LiteralType INT = LiteralType.newBuilder().setSimple(SimpleType.INTEGER).build();

  static Variable var(LiteralType t) {
    return Variable.newBuilder().setType(t).build();
  }

  static LiteralType listOf(LiteralType t) {
    return LiteralType.newBuilder().setCollectionType(t).build();
  }

  static Binding promise(String var, String node, String out) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId(node).setVar(out)))
        .build();
  }

  static Binding scalar(String var, long value) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(BindingData.newBuilder().setScalar(Literals.of(value).getScalar()))
        .build();
  }

  static Identifier id(ResourceType type, String name) {
    return Identifier.newBuilder().setResourceType(type).setName(name).build();
  }

  static Node taskNode(String id, TaskTemplate task, Binding... inputs) {
    return Node.newBuilder()
        .setId(id)
        .setMetadata(NodeMetadata.newBuilder().setName(task.getId().getName()))
        .addAllInputs(List.of(inputs))
        .setTaskNode(TaskNode.newBuilder().setReferenceId(task.getId()))
        .build();
  }

  /** The element workflow; {@code sleep}: a sleep gate first, so an element lasts that long. */
  static WorkflowTemplate element(Duration sleep) {
    WorkflowTemplate.Builder wf =
        WorkflowTemplate.newBuilder()
            .setId(id(ResourceType.WORKFLOW, "wf.element"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        VariableMap.newBuilder()
                            .putVariables("x", var(INT))
                            .putVariables("bad", var(INT))
                            .putVariables("factor", var(INT)))
                    .setOutputs(VariableMap.newBuilder().putVariables("o0", var(INT))));
    Node n0 =
        taskNode(
            "n0",
            FAIL_IF_EQUAL,
            promise("x", Promises.START_NODE, "x"),
            promise("bad", Promises.START_NODE, "bad"));
    if (!sleep.isZero()) {
      wf.addNodes(
          Node.newBuilder()
              .setId("z")
              .setGateNode(
                  flyteidl.core.Workflow.GateNode.newBuilder()
                      .setSleep(
                          flyteidl.core.Workflow.SleepCondition.newBuilder()
                              .setDuration(
                                  com.google.protobuf.Duration.newBuilder()
                                      .setNanos((int) sleep.toNanos())))));
      n0 = n0.toBuilder().addUpstreamNodeIds("z").build();
    }
    return wf.addNodes(n0)
        .addNodes(
            taskNode(
                "n1",
                MULTIPLY,
                promise("a", "n0", "o0"),
                promise("b", Promises.START_NODE, "factor"),
                scalar("c", 1)))
        .addOutputs(promise("o0", "n1", "o0"))
        .build();
  }

  static LaunchPlanDef launchPlan() {
    return new LaunchPlanDef(
        LP,
        "wf.element",
        ParameterMap.newBuilder()
            .putParameters("x", Parameter.newBuilder().setVar(var(INT)).setRequired(true).build())
            .putParameters(
                "factor",
                Parameter.newBuilder().setVar(var(INT)).setDefault(Literals.of(10)).build())
            .build(),
        LiteralMap.newBuilder().putLiterals("bad", Literals.of(1)).build());
  }

  /** The criteria of a map, as flytekit writes them. */
  record Criteria(Optional<Long> minSuccesses, Optional<Float> ratio) {
    static Criteria ratio(float r) {
      return new Criteria(Optional.empty(), Optional.of(r));
    }

    static Criteria min(long n) {
      return new Criteria(Optional.of(n), Optional.empty());
    }

    /** flytekit's default: min_success_ratio 1.0. */
    static Criteria all() {
      return ratio(1.0f);
    }

    void applyTo(ArrayNode.Builder a) {
      minSuccesses.ifPresent(n -> a.setMinSuccesses(n.intValue()));
      ratio.ifPresent(a::setMinSuccessRatio);
    }
  }

  /** The ArrayNode {@code id} over launch plan {@code lp}, its {@code x} from {@code from}. */
  static Node mapOverLaunchPlan(
      String id, String lp, Binding x, Criteria criteria, Optional<Integer> parallelism) {
    Node sub =
        Node.newBuilder()
            .setId(dns(lp))
            .setMetadata(NodeMetadata.newBuilder().setName(lp))
            .addInputs(x)
            .setWorkflowNode(
                WorkflowNode.newBuilder().setLaunchplanRef(id(ResourceType.LAUNCH_PLAN, lp)))
            .build();
    ArrayNode.Builder array =
        ArrayNode.newBuilder()
            .setNode(sub)
            .setExecutionMode(ArrayNode.ExecutionMode.FULL_STATE)
            .setIsOriginalSubNodeInterface(
                com.google.protobuf.BoolValue.newBuilder().setValue(true));
    criteria.applyTo(array);
    parallelism.ifPresent(array::setParallelism);
    return Node.newBuilder()
        .setId(id)
        .setMetadata(NodeMetadata.newBuilder().setName(lp))
        .addInputs(x)
        .setArrayNode(array)
        .build();
  }

  /** flytekit's {@code _dnsify} for the short names used here: dots and underscores to dashes. */
  static String dns(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[._]", "-");
  }

  /** The output type of a map of {@code criteria} over an int output (flytekit's rule). */
  static LiteralType outputType(Criteria criteria) {
    TypedInterface mapped =
        MappedInterface.of(
            TypedInterface.newBuilder()
                .setOutputs(VariableMap.newBuilder().putVariables("o0", var(INT)))
                .build(),
            List.of(),
            criteria.ratio());
    return mapped.getOutputs().getVariablesOrThrow("o0").getType();
  }

  /** {@code wf.map_over_lp(xs: List[int]) -> List[int]}: n0 maps lp.element over xs. */
  static FlytePackage mapOverLaunchPlan(
      Criteria criteria, Optional<Integer> parallelism, Duration sleep) {
    WorkflowTemplate top =
        WorkflowTemplate.newBuilder()
            .setId(id(ResourceType.WORKFLOW, TOP))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(VariableMap.newBuilder().putVariables("xs", var(listOf(INT))))
                    .setOutputs(
                        VariableMap.newBuilder().putVariables("o0", var(outputType(criteria)))))
            .addNodes(
                mapOverLaunchPlan(
                    "n0", LP, promise("x", Promises.START_NODE, "xs"), criteria, parallelism))
            .addOutputs(promise("o0", "n0", "o0"))
            .build();
    return pkg(top, element(sleep));
  }

  static FlytePackage pkg(WorkflowTemplate... workflows) {
    Map<String, WorkflowTemplate> wfs = new LinkedHashMap<>();
    for (WorkflowTemplate w : workflows) {
      wfs.put(w.getId().getName(), w);
    }
    Map<String, TaskTemplate> tasks = new LinkedHashMap<>();
    for (TaskTemplate t : List.of(FAIL_IF_EQUAL, MULTIPLY, SQUARE)) {
      tasks.put(t.getId().getName(), t);
    }
    return new FlytePackage("[test]", tasks, wfs, Map.of(LP, launchPlan()), Optional.empty());
  }

  static LiteralMap xs(long... values) {
    return LiteralMap.newBuilder()
        .putLiterals(
            "xs",
            Literals.collection(java.util.Arrays.stream(values).mapToObj(Literals::of).toList()))
        .build();
  }

  static final TaskTemplate TIMED =
      org.flytebeam.spec.MapTask.javaTaskTemplate(
          new org.flytebeam.runner.testing.TestTasks.Timed());

  /** {@code test_counted}, cacheable (version "1"). */
  static final TaskTemplate COUNTED =
      cacheable(
          org.flytebeam.spec.MapTask.javaTaskTemplate(
              new org.flytebeam.runner.testing.TestTasks.Counted()));

  static TaskTemplate cacheable(TaskTemplate t) {
    return t.toBuilder()
        .setMetadata(t.getMetadata().toBuilder().setDiscoverable(true).setDiscoveryVersion("1"))
        .build();
  }

  /** A workflow {@code name(x: int) -> o0: int} of one node {@code n0 = task(x)}. */
  static WorkflowTemplate oneTask(String name, TaskTemplate task) {
    return WorkflowTemplate.newBuilder()
        .setId(id(ResourceType.WORKFLOW, name))
        .setInterface(
            TypedInterface.newBuilder()
                .setInputs(VariableMap.newBuilder().putVariables("x", var(INT)))
                .setOutputs(VariableMap.newBuilder().putVariables("o0", var(INT))))
        .addNodes(taskNode("n0", task, promise("x", Promises.START_NODE, "x")))
        .addOutputs(promise("o0", "n0", "o0"))
        .build();
  }

  /**
   * {@code top(xs: List[int]) -> List[int]}: n0 maps the sub-workflow {@code sub} (a {@code
   * sub_workflow_ref}) over xs.
   */
  static WorkflowTemplate mapOverSubWorkflow(
      String name, WorkflowTemplate sub, Criteria criteria, Optional<Integer> parallelism) {
    Binding x = promise("x", Promises.START_NODE, "xs");
    Node subNode =
        Node.newBuilder()
            .setId(dns(sub.getId().getName()))
            .addInputs(x)
            .setWorkflowNode(WorkflowNode.newBuilder().setSubWorkflowRef(sub.getId()))
            .build();
    ArrayNode.Builder array =
        ArrayNode.newBuilder()
            .setNode(subNode)
            .setExecutionMode(ArrayNode.ExecutionMode.FULL_STATE)
            .setIsOriginalSubNodeInterface(
                com.google.protobuf.BoolValue.newBuilder().setValue(true));
    criteria.applyTo(array);
    parallelism.ifPresent(array::setParallelism);
    return WorkflowTemplate.newBuilder()
        .setId(id(ResourceType.WORKFLOW, name))
        .setInterface(
            TypedInterface.newBuilder()
                .setInputs(VariableMap.newBuilder().putVariables("xs", var(listOf(INT))))
                .setOutputs(VariableMap.newBuilder().putVariables("o0", var(outputType(criteria)))))
        .addNodes(Node.newBuilder().setId("n0").addInputs(x).setArrayNode(array))
        .addOutputs(promise("o0", "n0", "o0"))
        .build();
  }

  static FlytePackage pkg(
      List<WorkflowTemplate> workflows, List<TaskTemplate> tasks, List<LaunchPlanDef> lps) {
    Map<String, WorkflowTemplate> wfs = new LinkedHashMap<>();
    workflows.forEach(w -> wfs.put(w.getId().getName(), w));
    Map<String, TaskTemplate> ts = new LinkedHashMap<>();
    tasks.forEach(t -> ts.put(t.getId().getName(), t));
    Map<String, LaunchPlanDef> ls = new LinkedHashMap<>();
    lps.forEach(l -> ls.put(l.name(), l));
    return new FlytePackage("[test]", ts, wfs, ls, Optional.empty());
  }

  /**
   * Nested maps: {@code lp.inner} launches {@code wf.inner(xs: List[int]) -> List[Optional[int]]},
   * a task map of {@code test_counted} (ratio 0.5) over xs; {@code wf.outer(xss)} maps lp.inner
   * over xss (ratio {@code outerRatio}).
   */
  static FlytePackage nested(float outerRatio) {
    Criteria innerCriteria = Criteria.ratio(0.5f);
    LiteralType innerOut = outputType(innerCriteria);
    Node taskSub =
        Node.newBuilder()
            .setId("n0")
            .addInputs(promise("x", Promises.START_NODE, "xs"))
            .setTaskNode(TaskNode.newBuilder().setReferenceId(COUNTED.getId()))
            .build();
    ArrayNode.Builder innerArray =
        ArrayNode.newBuilder()
            .setNode(taskSub)
            .setIsOriginalSubNodeInterface(
                com.google.protobuf.BoolValue.newBuilder().setValue(true));
    innerCriteria.applyTo(innerArray);
    WorkflowTemplate inner =
        WorkflowTemplate.newBuilder()
            .setId(id(ResourceType.WORKFLOW, "wf.inner"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(VariableMap.newBuilder().putVariables("xs", var(listOf(INT))))
                    .setOutputs(VariableMap.newBuilder().putVariables("o0", var(innerOut))))
            .addNodes(
                Node.newBuilder()
                    .setId("n0")
                    .addInputs(promise("x", Promises.START_NODE, "xs"))
                    .setArrayNode(innerArray))
            .addOutputs(promise("o0", "n0", "o0"))
            .build();
    LaunchPlanDef lp =
        new LaunchPlanDef(
            "lp.inner",
            "wf.inner",
            ParameterMap.getDefaultInstance(),
            LiteralMap.getDefaultInstance());
    Criteria outerCriteria = Criteria.ratio(outerRatio);
    LiteralType outerOut =
        MappedInterface.of(
                TypedInterface.newBuilder()
                    .setOutputs(VariableMap.newBuilder().putVariables("o0", var(innerOut)))
                    .build(),
                List.of(),
                outerCriteria.ratio())
            .getOutputs()
            .getVariablesOrThrow("o0")
            .getType();
    Node outerMap =
        mapOverLaunchPlan(
            "n0",
            "lp.inner",
            promise("xs", Promises.START_NODE, "xss"),
            outerCriteria,
            Optional.empty());
    WorkflowTemplate outer =
        WorkflowTemplate.newBuilder()
            .setId(id(ResourceType.WORKFLOW, "wf.outer"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        VariableMap.newBuilder().putVariables("xss", var(listOf(listOf(INT)))))
                    .setOutputs(VariableMap.newBuilder().putVariables("o0", var(outerOut))))
            .addNodes(outerMap)
            .addOutputs(promise("o0", "n0", "o0"))
            .build();
    return pkg(List.of(outer, inner), List.of(COUNTED), List.of(lp));
  }
}

package org.flytebeam.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.Condition.ComparisonExpression;
import flyteidl.core.Condition.Operand;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.Interface.ParameterMap;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.BranchNode;
import flyteidl.core.Workflow.GateNode;
import flyteidl.core.Workflow.IfBlock;
import flyteidl.core.Workflow.IfElseBlock;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.SleepCondition;
import flyteidl.core.Workflow.WorkflowMetadata.OnFailurePolicy;
import flyteidl.core.Workflow.WorkflowNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.ExecutionGraph.ArrayCall;
import org.flytebeam.graph.ExecutionGraph.Branch;
import org.flytebeam.graph.ExecutionGraph.GraphNode;
import org.flytebeam.graph.ExecutionGraph.LaunchPlanCall;
import org.flytebeam.graph.ExecutionGraph.Sleep;
import org.flytebeam.graph.ExecutionGraph.SubWorkflow;
import org.flytebeam.graph.ExecutionGraph.TaskCall;
import org.flytebeam.idl.PackageReader;
import org.junit.jupiter.api.Test;

class WorkflowCompilerTest {

  /** Until the real type checks land: types bind when they are equal. */
  private static Optional<String> sameType(LiteralType up, LiteralType down) {
    return up.equals(down)
        ? Optional.empty()
        : Optional.of(
            "a [" + up.toString().strip() + "] cannot bind to [" + down.toString().strip() + "]");
  }

  private static FlytePackage read(String file) throws IOException {
    try (InputStream in = WorkflowCompilerTest.class.getResourceAsStream("/workflows/" + file)) {
      return PackageReader.read(file, in.readAllBytes());
    }
  }

  private static ExecutionGraph compile(FlytePackage pkg) {
    return WorkflowCompiler.compile(
        pkg, pkg.select(Optional.empty()), WorkflowCompilerTest::sameType);
  }

  @Test
  void mapThenReduceCompilesInOrderWithItsFailurePolicy() throws IOException {
    ExecutionGraph g = compile(read("map_then_reduce.json"));

    assertThat(g.name()).isEqualTo("wf.map_then_reduce");
    assertThat(g.onFailure()).isEqualTo(OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE);
    assertThat(g.nodes()).extracting(GraphNode::id).containsExactly("n0", "n1");
    GraphNode map = g.nodes().get(0);
    assertThat(map.target()).isInstanceOf(ArrayCall.class);
    assertThat(map.iface().getOutputs().getVariablesMap().get("o0").getType().hasCollectionType())
        .isTrue();
    GraphNode reduce = g.nodes().get(1);
    assertThat(reduce.target()).isInstanceOf(TaskCall.class);
    assertThat(reduce.upstream()).containsExactly("n0");
    assertThat(reduce.metadata().getRetries().getRetries()).isEqualTo(2);
  }

  @Test
  void aCycleIsRefusedNamingItsNodes() throws IOException {
    assertThatThrownBy(() -> compile(read("cycle.json")))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("nodes [n0, n1] wait for each other in a cycle");
  }

  @Test
  void aBindingOfTheWrongTypeNamesTheNodeAndInput() throws IOException {
    assertThatThrownBy(() -> compile(read("type_mismatch.json")))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("node [n1] input [xs]: a [")
        .hasMessageContaining("STRING");
  }

  @Test
  void everyProblemIsListedAtOnce() throws IOException {
    assertThatThrownBy(() -> compile(read("many_problems.json")))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("3 problems")
        .hasMessageContaining("node [n1]: task [wf.gone] is not in [many_problems.json]")
        .hasMessageContaining(
            "gate node [n2] waits for an approval [ok], which flyte-beam cannot give")
        .hasMessageContaining("outputs input [o0]: reads output [nope] of node [n0]");
  }

  private static final LiteralType INT = LiteralType.newBuilder().setSimpleValue(1).build();

  private static flyteidl.core.Interface.TypedInterface iface(String in, String out) {
    flyteidl.core.Interface.TypedInterface.Builder b =
        flyteidl.core.Interface.TypedInterface.newBuilder();
    if (in != null) {
      b.getInputsBuilder()
          .putVariables(in, flyteidl.core.Interface.Variable.newBuilder().setType(INT).build());
    }
    if (out != null) {
      b.getOutputsBuilder()
          .putVariables(out, flyteidl.core.Interface.Variable.newBuilder().setType(INT).build());
    }
    return b.build();
  }

  private static Binding promise(String var, String node, String out) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId(node).setVar(out)))
        .build();
  }

  private static Identifier id(String name) {
    return Identifier.newBuilder().setName(name).build();
  }

  private static Node taskNode(String nodeId, String task, String fromNode, String fromVar) {
    return Node.newBuilder()
        .setId(nodeId)
        .addInputs(promise("x", fromNode, fromVar))
        .setTaskNode(flyteidl.core.Workflow.TaskNode.newBuilder().setReferenceId(id(task)))
        .build();
  }

  private static final TaskTemplate INC =
      TaskTemplate.newBuilder().setId(id("inc")).setInterface(iface("x", "o0")).build();

  private static WorkflowTemplate workflow(String name, Node... nodes) {
    WorkflowTemplate.Builder b =
        WorkflowTemplate.newBuilder()
            .setId(id(name))
            .setInterface(iface("x", "o0"))
            .addOutputs(promise("o0", nodes[nodes.length - 1].getId(), "o0"));
    for (Node n : nodes) {
      b.addNodes(n);
    }
    return b.build();
  }

  private static FlytePackage pkg(Map<String, LaunchPlanDef> lps, WorkflowTemplate... wfs) {
    Map<String, WorkflowTemplate> w = new LinkedHashMap<>();
    for (WorkflowTemplate wf : wfs) {
      w.put(wf.getId().getName(), wf);
    }
    return new FlytePackage("[test]", Map.of("inc", INC), w, lps, Optional.empty());
  }

  @Test
  void subWorkflowsLaunchPlansBranchesAndSleepsCompileToTheirTargets() {
    WorkflowTemplate sub = workflow("sub", taskNode("a", "inc", "start-node", "x"));
    LaunchPlanDef lp =
        new LaunchPlanDef(
            "lp", "sub", ParameterMap.getDefaultInstance(), LiteralMap.getDefaultInstance());
    Node subNode =
        Node.newBuilder()
            .setId("s")
            .addInputs(promise("x", "", "x"))
            .setWorkflowNode(WorkflowNode.newBuilder().setSubWorkflowRef(id("sub")))
            .build();
    Node lpNode =
        Node.newBuilder()
            .setId("l")
            .addInputs(promise("x", "s", "o0"))
            .setWorkflowNode(WorkflowNode.newBuilder().setLaunchplanRef(id("lp")))
            .build();
    Node sleep =
        Node.newBuilder()
            .setId("z")
            .addUpstreamNodeIds("l")
            .setGateNode(
                GateNode.newBuilder()
                    .setSleep(
                        SleepCondition.newBuilder()
                            .setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(3))))
            .build();
    BooleanExpression cond =
        BooleanExpression.newBuilder()
            .setComparison(
                ComparisonExpression.newBuilder()
                    .setLeftValue(Operand.newBuilder().setVar("l.o0"))
                    .setRightValue(Operand.newBuilder().setVar(".x")))
            .build();
    Node branch =
        Node.newBuilder()
            .setId("b")
            .addUpstreamNodeIds("z")
            .setBranchNode(
                BranchNode.newBuilder()
                    .setIfElse(
                        IfElseBlock.newBuilder()
                            .setCase(
                                IfBlock.newBuilder()
                                    .setCondition(cond)
                                    .setThenNode(taskNode("b-n0", "inc", "l", "o0")))
                            .setError(
                                flyteidl.core.Types.Error.newBuilder()
                                    .setFailedNodeId("b")
                                    .setMessage("too small"))))
            .build();
    // Listed out of order on purpose: the graph puts upstream first.
    WorkflowTemplate top = workflow("top", branch, subNode, lpNode, sleep);
    top = top.toBuilder().setOutputs(0, promise("o0", "b", "o0")).build();

    ExecutionGraph g =
        WorkflowCompiler.compile(
            pkg(Map.of("lp", lp), top, sub),
            new FlytePackage.WorkflowEntity(top),
            WorkflowCompilerTest::sameType);

    assertThat(g.nodes()).extracting(GraphNode::id).containsExactly("s", "l", "z", "b");
    assertThat(g.nodes().get(0).target()).isInstanceOf(SubWorkflow.class);
    assertThat(g.nodes().get(1).target()).isInstanceOf(LaunchPlanCall.class);
    assertThat(((Sleep) g.nodes().get(2).target()).duration()).isEqualTo(Duration.ofSeconds(3));
    Branch br = (Branch) g.nodes().get(3).target();
    assertThat(br.cases()).hasSize(1);
    assertThat(br.elseFail()).contains("too small");
    assertThat(g.nodes().get(3).upstream()).containsExactlyInAnyOrder("z", "l");
  }

  @Test
  void aFixedLaunchPlanInputMayNotBeBoundAndMissingReferencesAreNamed() {
    WorkflowTemplate sub = workflow("sub", taskNode("a", "inc", "start-node", "x"));
    LaunchPlanDef lp =
        new LaunchPlanDef(
            "lp",
            "sub",
            ParameterMap.getDefaultInstance(),
            LiteralMap.newBuilder()
                .putLiterals("x", flyteidl.core.Literals.Literal.getDefaultInstance())
                .build());
    Node lpNode =
        Node.newBuilder()
            .setId("l")
            .addInputs(promise("x", "", "x"))
            .setWorkflowNode(WorkflowNode.newBuilder().setLaunchplanRef(id("lp")))
            .build();
    Node missing =
        Node.newBuilder()
            .setId("m")
            .addInputs(promise("x", "l", "o0"))
            .setWorkflowNode(WorkflowNode.newBuilder().setSubWorkflowRef(id("nowhere")))
            .build();
    WorkflowTemplate top = workflow("top", lpNode, missing);

    assertThatThrownBy(
            () ->
                WorkflowCompiler.compile(
                    pkg(Map.of("lp", lp), top, sub),
                    new FlytePackage.WorkflowEntity(top),
                    WorkflowCompilerTest::sameType))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("node [l]: input [x] is fixed by launch plan [lp]")
        .hasMessageContaining("node [m]: sub-workflow [nowhere] is not in [test]");
  }

  @Test
  void aWorkflowThatContainsItselfIsRefused() {
    Node self =
        Node.newBuilder()
            .setId("s")
            .addInputs(promise("x", "", "x"))
            .setWorkflowNode(WorkflowNode.newBuilder().setSubWorkflowRef(id("loop")))
            .build();
    WorkflowTemplate loop = workflow("loop", self);

    assertThatThrownBy(
            () ->
                WorkflowCompiler.compile(
                    pkg(Map.of(), loop),
                    new FlytePackage.WorkflowEntity(loop),
                    WorkflowCompilerTest::sameType))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("workflow [loop] runs itself");
  }

  @Test
  void aLoneTaskRunsAsAOneNodeGraph() {
    ExecutionGraph g =
        WorkflowCompiler.compile(
            pkg(Map.of()), new FlytePackage.TaskEntity(INC), WorkflowCompilerTest::sameType);

    assertThat(g.nodes()).singleElement().satisfies(n -> assertThat(n.id()).isEqualTo("n0"));
    assertThat(g.outputs()).extracting(Binding::getVar).containsExactly("o0");
  }

  @Test
  void branchNodeBindsWhatItsConditionsReadUnderFlytekitsNames() throws Exception {
    // flytesnacks' merge_sort (flytectl's test package): its branch node's inputs are named
    // [.numbers_count], the promises its condition reads, with no input in its interface
    FlytePackage pkg =
        PackageReader.read(
            java.nio.file.Path.of(
                WorkflowCompilerTest.class
                    .getResource("/flyte-public/flytesnacks-core.tgz")
                    .toURI()));
    FlytePackage.Entity mergeSort =
        pkg.select(Optional.of("core.control_flow.run_merge_sort.merge_sort"));

    ExecutionGraph g = WorkflowCompiler.compile(pkg, mergeSort);

    assertThat(g.nodes()).anyMatch(n -> n.target() instanceof ExecutionGraph.Branch);
    assertThat(pkg.workflowsWithFailureNode(mergeSort)).isEmpty();
  }

  @Test
  void failureNodesOfTheEntitysWorkflowsAreNamed() throws IOException {
    FlytePackage plain = read("map_then_reduce.json");
    WorkflowTemplate w = ((FlytePackage.WorkflowEntity) plain.select(Optional.empty())).workflow();
    WorkflowTemplate withFailureNode =
        w.toBuilder().setFailureNode(w.getNodes(w.getNodesCount() - 1)).build();
    FlytePackage pkg =
        PackageReader.ofClosure(
            "f.json",
            flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure.newBuilder()
                .setWorkflow(withFailureNode)
                .addAllTasks(plain.tasks().values())
                .build());

    assertThat(pkg.workflowsWithFailureNode(pkg.select(Optional.empty())))
        .containsExactly("wf.map_then_reduce");
    assertThat(plain.workflowsWithFailureNode(plain.select(Optional.empty()))).isEmpty();
  }
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.Condition.ComparisonExpression;
import flyteidl.core.Condition.ConjunctionExpression;
import flyteidl.core.Condition.Operand;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.BindingDataCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.BranchNode;
import flyteidl.core.Workflow.IfBlock;
import flyteidl.core.Workflow.IfElseBlock;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.examples.Square;
import org.flytebeam.examples.Total;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * A branch of if (a conjunction) / else-if / else, as flytekit writes one, on the DirectRunner: the
 * first case that holds runs (its bindings a promise of a workflow input with an empty node id, a
 * collection of such promises, a scalar), else the else node.
 */
class WorkflowBranchTest {
  private static final TaskTemplate SQUARE = MapTask.javaTaskTemplate(new Square());
  private static final TaskTemplate TOTAL = MapTask.javaTaskTemplate(new Total());

  private static BindingData x() {
    return BindingData.newBuilder()
        .setPromise(OutputReference.newBuilder().setNodeId("").setVar("x"))
        .build();
  }

  private static BooleanExpression compare(ComparisonExpression.Operator op, long value) {
    return BooleanExpression.newBuilder()
        .setComparison(
            ComparisonExpression.newBuilder()
                .setOperator(op)
                .setLeftValue(Operand.newBuilder().setVar("x"))
                .setRightValue(Operand.newBuilder().setScalar(Literals.of(value).getScalar())))
        .build();
  }

  private static Node task(String id, TaskTemplate task, String var, BindingData value) {
    return Node.newBuilder()
        .setId(id)
        .addInputs(Binding.newBuilder().setVar(var).setBinding(value))
        .setTaskNode(TaskNode.newBuilder().setReferenceId(task.getId()))
        .build();
  }

  private static long pick(long x) {
    BooleanExpression between =
        BooleanExpression.newBuilder()
            .setConjunction(
                ConjunctionExpression.newBuilder()
                    .setOperator(ConjunctionExpression.LogicalOperator.AND)
                    .setLeftExpression(compare(ComparisonExpression.Operator.GT, 10))
                    .setRightExpression(compare(ComparisonExpression.Operator.LT, 20)))
            .build();
    Node branch =
        Node.newBuilder()
            .setId("b")
            .setBranchNode(
                BranchNode.newBuilder()
                    .setIfElse(
                        IfElseBlock.newBuilder()
                            .setCase(
                                IfBlock.newBuilder()
                                    .setCondition(between)
                                    .setThenNode(task("b-n0", SQUARE, "x", x())))
                            .addOther(
                                IfBlock.newBuilder()
                                    .setCondition(compare(ComparisonExpression.Operator.EQ, 3))
                                    .setThenNode(
                                        task(
                                            "b-n1",
                                            TOTAL,
                                            "xs",
                                            BindingData.newBuilder()
                                                .setCollection(
                                                    BindingDataCollection.newBuilder()
                                                        .addBindings(x())
                                                        .addBindings(x()))
                                                .build())))
                            .setElseNode(
                                task(
                                    "b-n2",
                                    SQUARE,
                                    "x",
                                    BindingData.newBuilder()
                                        .setScalar(Literals.of(7L).getScalar())
                                        .build()))))
            .build();
    WorkflowTemplate wf =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setName("wf.pick"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(SQUARE.getInterface().getInputs())
                    .setOutputs(SQUARE.getInterface().getOutputs()))
            .addNodes(branch)
            .addOutputs(
                Binding.newBuilder()
                    .setVar("o0")
                    .setBinding(
                        BindingData.newBuilder()
                            .setPromise(OutputReference.newBuilder().setNodeId("b").setVar("o0"))))
            .build();
    FlytePackage pkg =
        new FlytePackage(
            "[test]",
            Map.of(SQUARE.getId().getName(), SQUARE, TOTAL.getId().getName(), TOTAL),
            Map.of(wf.getId().getName(), wf),
            Map.of(),
            Optional.empty());
    WorkflowResult r =
        FlyteBeam.runWorkflow(
            pkg,
            "wf.pick",
            LiteralMap.newBuilder().putLiterals("x", Literals.of(x)).build(),
            RunOptions.defaults());
    assertThat(r.error()).isEmpty();
    return r.outputs().getLiteralsOrThrow("o0").getScalar().getPrimitive().getInteger();
  }

  @Test
  void theFirstCaseThatHoldsRunsElseTheElseNode() {
    assertThat(pick(15)).as("10 < 15 < 20: the if, square(15)").isEqualTo(225);
    assertThat(pick(3)).as("3 == 3: the else-if, total([3, 3])").isEqualTo(6);
    assertThat(pick(25)).as("25 is not < 20 and not 3: the else, square(7)").isEqualTo(49);
  }
}

package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlan;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlanSpec;
import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.admin.WorkflowOuterClass.WorkflowSpec;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.GateNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.SignalCondition;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flytebeam.examples.Square;
import org.flytebeam.examples.Total;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each class of bad input to {@code run} of a workflow is refused before anything runs with exit 2
 * and one {@code error:} line naming the problem and the fix.
 */
class WorkflowBadInputsTest {
  @TempDir Path dir;

  private static final TaskTemplate SQUARE = MapTask.javaTaskTemplate(new Square());
  private static final TaskTemplate TOTAL = MapTask.javaTaskTemplate(new Total());

  private static Binding input(String var, String wfInput) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId("").setVar(wfInput)))
        .build();
  }

  private static Identifier id(ResourceType type, String name) {
    return Identifier.newBuilder().setResourceType(type).setName(name).build();
  }

  /** wf.squared(x: int) -> o0 = square(x). */
  private static WorkflowTemplate squared(Node... extra) {
    return WorkflowTemplate.newBuilder()
        .setId(id(ResourceType.WORKFLOW, "wf.squared"))
        .setInterface(SQUARE.getInterface())
        .addNodes(
            Node.newBuilder()
                .setId("n0")
                .addInputs(input("x", "x"))
                .setTaskNode(TaskNode.newBuilder().setReferenceId(SQUARE.getId())))
        .addAllNodes(List.of(extra))
        .addOutputs(
            Binding.newBuilder()
                .setVar("o0")
                .setBinding(
                    BindingData.newBuilder()
                        .setPromise(OutputReference.newBuilder().setNodeId("n0").setVar("o0"))))
        .build();
  }

  private Path closure(WorkflowTemplate wf, TaskTemplate... tasks) throws Exception {
    return Cli.write(
        dir,
        "wf.json",
        JsonFormat.printer()
            .print(WorkflowClosure.newBuilder().setWorkflow(wf).addAllTasks(List.of(tasks))));
  }

  /** A pyflyte-style folder: the task, the workflow and a launch plan fixing x to 3. */
  private Path packageWithLaunchPlan() throws Exception {
    Path pkg = Files.createDirectories(dir.resolve("pkg"));
    Files.write(
        pkg.resolve("0_wf.square_1.pb"),
        TaskSpec.newBuilder().setTemplate(SQUARE).build().toByteArray());
    Files.write(
        pkg.resolve("1_wf.squared_2.pb"),
        WorkflowSpec.newBuilder().setTemplate(squared()).build().toByteArray());
    Files.write(
        pkg.resolve("2_wf.squared_3.pb"),
        LaunchPlan.newBuilder()
            .setId(id(ResourceType.LAUNCH_PLAN, "lp.three"))
            .setSpec(
                LaunchPlanSpec.newBuilder()
                    .setWorkflowId(id(ResourceType.WORKFLOW, "wf.squared"))
                    .setFixedInputs(LiteralMap.newBuilder().putLiterals("x", Literals.of(3L))))
            .build()
            .toByteArray());
    return pkg;
  }

  private static List<String> errorLines(Cli cli) {
    return Containers.lines(cli.err()).stream().filter(l -> l.startsWith("error:")).toList();
  }

  /** Exit 2 and exactly one line on stderr, an {@code error:} line, which is returned. */
  private static String refused(Cli cli) {
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(cli.err())).as(cli.err()).hasSize(1);
    assertThat(errorLines(cli)).hasSize(1);
    return errorLines(cli).get(0);
  }

  @Test
  void aMissingEntityIsNamedWithTheNamesThereAre() throws Exception {
    Path def = closure(squared(), SQUARE);

    String line = refused(Cli.run("run", "--definition", def.toString(), "--workflow", "wf.gone"));

    assertThat(line).contains("wf.gone").contains("wf.squared");
  }

  @Test
  void anAmbiguousDefinitionListsItsNames() throws Exception {
    String line =
        refused(
            Cli.run("run", "--definition", DescribePackageTest.fixture("flytesnacks-core.tgz")));

    assertThat(line).contains("--workflow").contains("core.control_flow.map_task.my_map_workflow");
  }

  @Test
  void aBindingOfTheWrongTypeNamesTheNodeAndInput() throws Exception {
    // total(xs: List[int]) bound to the workflow's x: int.
    Node wrong =
        Node.newBuilder()
            .setId("n1")
            .addInputs(input("xs", "x"))
            .setTaskNode(TaskNode.newBuilder().setReferenceId(TOTAL.getId()))
            .build();
    Path def = closure(squared(wrong), SQUARE, TOTAL);

    String line = refused(Cli.run("run", "--definition", def.toString()));

    assertThat(line).contains("n1").contains("xs");
  }

  @Test
  void aSignalGateIsRefusedNamingIt() throws Exception {
    Node gate =
        Node.newBuilder()
            .setId("wait")
            .setGateNode(
                GateNode.newBuilder().setSignal(SignalCondition.newBuilder().setSignalId("go")))
            .build();
    Path def = closure(squared(gate), SQUARE);

    String line = refused(Cli.run("run", "--definition", def.toString()));

    assertThat(line).contains("wait").contains("go");
  }

  @Test
  void aMissingRequiredInputIsNamed() throws Exception {
    Path def = closure(squared(), SQUARE);

    String line = refused(Cli.run("run", "--definition", def.toString()));

    assertThat(line).contains("input [x]").contains("--inputs");
  }

  @Test
  void aLaunchPlansFixedInputRunsAndMayNotBeOverridden() throws Exception {
    Path pkg = packageWithLaunchPlan();
    Path in = Cli.write(dir, "in.json", "{\"x\": 4}");

    Cli fixed = Cli.run("run", "--definition", pkg.toString(), "--workflow", "lp.three", "--quiet");
    String line =
        refused(
            Cli.run(
                "run",
                "--definition",
                pkg.toString(),
                "--workflow",
                "lp.three",
                "--inputs",
                in.toString()));

    assertThat(fixed.exitCode()).as(fixed.err()).isZero();
    assertThat(fixed.out().replaceAll("\\s", "")).isEqualTo("{\"o0\":9}");
    assertThat(line).contains("input [x] is fixed by launch plan [lp.three]");
  }
}

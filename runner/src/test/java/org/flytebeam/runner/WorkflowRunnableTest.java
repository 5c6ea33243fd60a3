package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.flytebeam.examples.Total;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workflow whose later node cannot run here (its program is not installed) is refused before its
 * first node starts: exit 2, one line naming the node, no run folder made.
 */
class WorkflowRunnableTest {
  @TempDir Path dir;

  private static Binding promise(String var, String node, String out) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId(node).setVar(out)))
        .build();
  }

  @Test
  void aLaterNodeWhoseProgramIsMissingIsRefusedBeforeTheFirstNodeRuns() throws Exception {
    // given: n0 = total(xs) (a Java task, runnable), n1 = report(total: n0.o0), whose program is
    // not installed
    TaskTemplate total = MapTask.javaTaskTemplate(new Total());
    TaskTemplate report =
        TaskTemplate.newBuilder()
            .setId(Identifier.newBuilder().setResourceType(ResourceType.TASK).setName("wf.report"))
            .setType("python-task")
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(
                        VariableMap.newBuilder()
                            .putVariables(
                                "total",
                                total.getInterface().getOutputs().getVariablesOrThrow("o0"))))
            .setContainer(
                Container.newBuilder()
                    .setImage("python:3.12-slim")
                    .addArgs("flyte-beam-test-no-such-program")
                    .addArgs("--inputs")
                    .addArgs("{{.input}}"))
            .build();
    WorkflowTemplate wf =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setResourceType(ResourceType.WORKFLOW).setName("wf.wf"))
            .setInterface(TypedInterface.newBuilder().setInputs(total.getInterface().getInputs()))
            .addNodes(
                Node.newBuilder()
                    .setId("n0")
                    .addInputs(promise("xs", "", "xs"))
                    .setTaskNode(TaskNode.newBuilder().setReferenceId(total.getId())))
            .addNodes(
                Node.newBuilder()
                    .setId("n1")
                    .addInputs(promise("total", "n0", "o0"))
                    .setTaskNode(TaskNode.newBuilder().setReferenceId(report.getId())))
            .build();
    Path definition =
        Cli.write(
            dir,
            "wf.json",
            JsonFormat.printer()
                .print(
                    WorkflowClosure.newBuilder()
                        .setWorkflow(wf)
                        .addTasks(total)
                        .addTasks(report)
                        .build()));
    Path inputs = Cli.write(dir, "inputs.json", "{\"xs\": [1, 2, 3]}");
    Path workDir = Files.createDirectories(dir.resolve("work"));

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            definition.toString(),
            "--inputs",
            inputs.toString(),
            "--work-dir",
            workDir.toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err())
        .startsWith("error: ")
        .contains(
            "the program [flyte-beam-test-no-such-program] of sub-task [wf.report] is not on PATH:"
                + " install it on every worker");
    assertThat(cli.err().strip()).doesNotContain("\n");
    assertThat(cli.out()).isEmpty();
    try (Stream<Path> runs = Files.list(workDir)) {
      assertThat(runs.toList()).as("no run folder: nothing ran").isEmpty();
    }
  }

  @Test
  void aDynamicTaskFailsItsElementSayingDynamicWorkflowsAreNotRunYet() throws Exception {
    // given: a task that does what flytekit's @dynamic tasks do: write futures.pb, no outputs.pb
    TaskTemplate dynamic =
        Containers.withoutDataConfig(
            Containers.rawContainer(
                "wf.dynamic",
                Containers.vars("x", org.flytebeam.types.LiteralTypes.of(Long.class)),
                Containers.vars("o0", org.flytebeam.types.LiteralTypes.of(Long.class)),
                "touch {{.outputPrefix}}/futures.pb"));
    Path definition = Containers.mapOver(dir, "dynamic.def.json", dynamic);
    Path inputs = Cli.write(dir, "inputs.json", "{\"x\": [1]}");

    // when
    Cli cli = Cli.run("run", "--definition", definition.toString(), "--inputs", inputs.toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err())
        .contains(
            "DynamicWorkflowNotSupported: sub-task [wf.dynamic] wrote futures.pb, the workflow a"
                + " @dynamic task makes at run time, which flyte-beam does not run yet");
  }

  @Test
  void aFailedTaskNodeSaysWhyItsElementFailed() throws Exception {
    // given: a workflow whose one task node is a @dynamic stand-in (futures.pb, no outputs.pb)
    Path definition =
        Cli.write(
            dir,
            "dynamic.wf.json",
            "{\"workflow\": {\"id\": {\"resourceType\": \"WORKFLOW\", \"name\": \"wf.dyn\"},"
                + " \"interface\": {\"inputs\": {\"variables\": {\"n\": {\"type\": {\"simple\":"
                + " \"INTEGER\"}}}}}, \"nodes\": [{\"id\": \"n0\", \"inputs\": [{\"var\": \"n\","
                + " \"binding\": {\"promise\": {\"nodeId\": \"start-node\", \"var\": \"n\"}}}],"
                + " \"taskNode\": {\"referenceId\": {\"resourceType\": \"TASK\", \"name\":"
                + " \"wf.make\"}}}, {\"id\": \"n1\", \"upstreamNodeIds\": [\"n0\"], \"gateNode\":"
                + " {\"sleep\": {\"duration\": \"0s\"}}}]}, \"tasks\": [{\"id\": {\"resourceType\":"
                + " \"TASK\", \"name\": \"wf.make\"}, \"type\": \"python-task\", \"interface\":"
                + " {\"inputs\": {\"variables\": {\"n\": {\"type\": {\"simple\": \"INTEGER\"}}}},"
                + " \"outputs\": {\"variables\": {\"o0\": {\"type\": {\"simple\": \"INTEGER\"}}}}},"
                + " \"container\": {\"args\": [\"sh\", \"-c\", \"touch"
                + " {{.outputPrefix}}/futures.pb\"]}}]}");
    Path inputs = Cli.write(dir, "n.json", "{\"n\": 3}");

    // when
    Cli cli = Cli.run("run", "--definition", definition.toString(), "--inputs", inputs.toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err())
        .contains(
            "error: node [n0] failed: DynamicWorkflowNotSupported: sub-task [wf.make] wrote"
                + " futures.pb");
    assertThat(cli.out()).isEmpty();
  }
}

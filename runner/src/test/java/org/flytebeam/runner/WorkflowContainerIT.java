package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.KeyValuePair;
import flyteidl.core.Literals.RetryStrategy;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.Resources;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.TaskNodeOverrides;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container task nodes in workflows, through the CLI with flytekit's {@code pyflyte-execute} (the
 * python3 stand-in, which reads inputs.pb, runs the user's function and writes outputs.pb or
 * error.pb): one invocation with the task's own inputs and no array variables, and the node's
 * retries, timeout and cache settings over the task's.
 */
class WorkflowContainerIT {
  @TempDir Path dir;
  private Path bin;
  private Path log;

  private Path code;

  /** The user's module {@code wf}: each function logs its name, attempt and array variables. */
  private static final String MODULE =
      String.join(
          "\n",
          "import os",
          "import time",
          "from flytekit import task",
          "",
          "def _log(name):",
          "    with open(os.environ['WF_LOG'], 'a') as f:",
          "        f.write('%s %s %s %s\\n' % (name, os.environ['FLYTE_ATTEMPT_NUMBER'],",
          "            os.environ.get('BATCH_JOB_ARRAY_INDEX_VAR_NAME', '-'),",
          "            os.environ.get('FLYTE_K8S_ARRAY_INDEX', '-')))",
          "",
          "@task",
          "def flaky_double(x: int) -> int:",
          "    _log('flaky_double')",
          "    if os.environ['FLYTE_ATTEMPT_NUMBER'] == '0':",
          "        os._exit(3)  # no error.pb, exit 3: a recoverable error",
          "    return 2 * x",
          "",
          "@task",
          "def double(x: int) -> int:",
          "    _log('double')",
          "    return 2 * x",
          "",
          "@task",
          "def sleepy(x: int) -> int:",
          "    _log('sleepy')",
          "    time.sleep(60)",
          "    return x",
          "");

  @BeforeEach
  void fake() throws Exception {
    bin = Containers.fakeFlytekit(dir);
    log = dir.resolve("attempts.log");
    code = Files.createDirectories(dir.resolve("code"));
    Files.writeString(code.resolve("wf.py"), MODULE);
  }

  /** A flytekit python task over {@code function} (x: int -> o0: int), as pyflyte serializes it. */
  private TaskTemplate task(String function, UnaryOperator<TaskMetadata.Builder> metadata) {
    return TaskTemplate.newBuilder()
        .setId(Identifier.newBuilder().setResourceType(ResourceType.TASK).setName("wf." + function))
        .setType("python-task")
        .setMetadata(metadata.apply(TaskMetadata.newBuilder()))
        .setInterface(
            TypedInterface.newBuilder()
                .setInputs(Containers.vars("x", LiteralTypes.of(Long.class)))
                .setOutputs(Containers.vars("o0", LiteralTypes.of(Long.class))))
        .setContainer(
            Container.newBuilder()
                .setImage("ghcr.io/flyteorg/flytekit:py3.12-1.16.0")
                .addAllArgs(
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
                        "flytekit.core.python_auto_container.default_task_resolver",
                        "--",
                        "task-module",
                        "wf",
                        "task-name",
                        function))
                .addEnv(KeyValuePair.newBuilder().setKey("PATH").setValue(Containers.pathWith(bin)))
                .addEnv(KeyValuePair.newBuilder().setKey("PYTHONPATH").setValue(code.toString()))
                .addEnv(KeyValuePair.newBuilder().setKey("WF_LOG").setValue(log.toString())))
        .build();
  }

  private static Binding promise(String var, String node, String out) {
    return Binding.newBuilder()
        .setVar(var)
        .setBinding(
            BindingData.newBuilder()
                .setPromise(OutputReference.newBuilder().setNodeId(node).setVar(out)))
        .build();
  }

  private static Node node(String id, TaskTemplate task, Binding input, NodeMetadata metadata) {
    return Node.newBuilder()
        .setId(id)
        .setMetadata(metadata)
        .addInputs(input)
        .setTaskNode(TaskNode.newBuilder().setReferenceId(task.getId()))
        .build();
  }

  /** wf(x) -> n0 = first(x) -> n1 = second(n0.o0) -> o0, written as a WorkflowClosure. */
  private Path workflow(Node first, Node second, TaskTemplate... tasks) throws Exception {
    WorkflowTemplate wf =
        WorkflowTemplate.newBuilder()
            .setId(Identifier.newBuilder().setResourceType(ResourceType.WORKFLOW).setName("wf.wf"))
            .setInterface(tasks[0].getInterface())
            .addNodes(first)
            .addNodes(second)
            .addOutputs(promise("o0", second.getId(), "o0"))
            .build();
    WorkflowClosure closure =
        WorkflowClosure.newBuilder().setWorkflow(wf).addAllTasks(List.of(tasks)).build();
    return Cli.write(dir, "wf.json", JsonFormat.printer().print(closure));
  }

  private Cli run(Path definition, String... extra) throws Exception {
    Path in = Cli.write(dir, "in.json", "{\"x\": 5}");
    Path out = dir.resolve("out.json");
    Files.deleteIfExists(out);
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "run",
                "--definition",
                definition.toString(),
                "--inputs",
                in.toString(),
                "--outputs",
                out.toString(),
                "--quiet"));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  /** The outputs file: the workflow's outputs as a LiteralMap in protobuf JSON. */
  private static final String Y20 =
      "{\"literals\":{\"o0\":{\"scalar\":{\"primitive\":{\"integer\":\"20\"}}}}}";

  private String outputs() throws Exception {
    return Files.readString(dir.resolve("out.json")).replaceAll("\\s", "");
  }

  @Test
  void aTaskNodeRunsOnceWithItsOwnInputsNoArrayVariablesAndTheNodesRetries() throws Exception {
    TaskTemplate flaky = task("flaky_double", m -> m);
    TaskTemplate twice =
        task("double", m -> m.setRetries(RetryStrategy.newBuilder().setRetries(3)));
    Path def =
        workflow(
            node(
                "n0",
                flaky,
                promise("x", "", "x"),
                NodeMetadata.newBuilder()
                    .setRetries(RetryStrategy.newBuilder().setRetries(1))
                    .build()),
            // Retries 0 on the node leave the task's, as flytepropeller decides.
            node(
                "n1",
                twice,
                promise("x", "n0", "o0"),
                NodeMetadata.newBuilder()
                    .setRetries(RetryStrategy.newBuilder().setRetries(0))
                    .build()),
            flaky,
            twice);

    Path outputsDir = dir.resolve("outputs-dir");
    Cli cli = run(def, "--outputs-dir", outputsDir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(outputs()).isEqualTo(Y20);
    // --outputs-dir as for a map: its outputs.pb holds the workflow's outputs.
    assertThat(Containers.outputs(outputsDir.resolve("outputs.pb")).getLiteralsOrThrow("o0"))
        .isEqualTo(org.flytebeam.types.Literals.of(20L));
    // The node's retry let the flaky task try again; neither node saw an array variable.
    assertThat(Containers.attempts(log))
        .containsExactly("flaky_double 0 - -", "flaky_double 1 - -", "double 0 - -");
  }

  @Test
  void aNodesTimeoutOverridesTheTasksAndFailsTheRunNamingTheNode() throws Exception {
    TaskTemplate sleepy = task("sleepy", m -> m);
    TaskTemplate twice = task("double", m -> m);
    Path def =
        workflow(
            node(
                "slow",
                sleepy,
                promise("x", "", "x"),
                NodeMetadata.newBuilder()
                    .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                    .build()),
            node("n1", twice, promise("x", "slow", "o0"), NodeMetadata.getDefaultInstance()),
            sleepy,
            twice);

    Cli cli = run(def);

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err())
        .contains("error: node [slow] failed: TimeoutError: attempt timed out after 1s");
    // One attempt (killed before or after it logged, as the machine's load decides); n1 never ran.
    assertThat(Containers.attempts(log)).isSubsetOf("sleepy 0 - -");
  }

  @Test
  void aNodesCacheSettingsCacheATaskThatHasNoneAndItsOverridesAreNamedOnceInAWarning()
      throws Exception {
    TaskTemplate twice = task("double", m -> m);
    NodeMetadata cached =
        NodeMetadata.newBuilder().setCacheable(true).setCacheVersion("v1").build();
    Node first = node("n0", twice, promise("x", "", "x"), cached);
    Node second =
        node("n1", twice, promise("x", "n0", "o0"), NodeMetadata.getDefaultInstance()).toBuilder()
            .setTaskNode(
                TaskNode.newBuilder()
                    .setReferenceId(twice.getId())
                    .setOverrides(
                        TaskNodeOverrides.newBuilder()
                            .setResources(
                                Resources.newBuilder()
                                    .addRequests(
                                        Resources.ResourceEntry.newBuilder()
                                            .setName(Resources.ResourceName.MEMORY)
                                            .setValue("300Mi")))
                            .setContainerImage("example.org/other:1")))
            .build();
    Path def = workflow(first, second, twice);
    Path cache = dir.resolve("cache");

    Cli cold = run(def, "--cache", cache.toString());
    Cli warm = run(def, "--cache", cache.toString());

    assertThat(cold.exitCode()).as(cold.err()).isZero();
    assertThat(warm.exitCode()).as(warm.err()).isZero();
    assertThat(outputs()).isEqualTo(Y20);
    // n0 ran once (the warm run read its cache entry), n1 twice (not cacheable).
    assertThat(Containers.attempts(log))
        .containsExactly("double 0 - -", "double 0 - -", "double 0 - -");
    List<String> warnings =
        Containers.lines(warm.err()).stream().filter(l -> l.contains("node [n1]")).toList();
    assertThat(warnings)
        .singleElement()
        .asString()
        .startsWith("warning: node [n1] asks for resources [")
        .contains("300Mi")
        .contains("the image [example.org/other:1]")
        .contains("which a local process does not honour");
  }
}

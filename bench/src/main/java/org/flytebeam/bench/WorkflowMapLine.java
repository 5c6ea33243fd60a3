package org.flytebeam.bench;

import com.google.protobuf.util.JsonFormat;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlan;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlanSpec;
import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.admin.WorkflowOuterClass.WorkflowSpec;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.Parameter;
import flyteidl.core.Interface.ParameterMap;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.TaskNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.flytebeam.bench.Bench.BenchFailedException;
import org.flytebeam.examples.Increment;
import org.flytebeam.examples.Square;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.MappedInterface;
import org.flytebeam.spec.WorkflowMap;

/**
 * The workflow-map line: a map over a launch plan whose workflow is three trivial Java task nodes
 * ({@code square -> increment -> increment}), against its honest twin, one workflow of three
 * chained maps of the same tasks ({@code map square -> map increment -> map increment}). Both are
 * one {@code flyte-beam run} process with one runner start over the same {@code n} ints, so both
 * make the same {@code 3n} task invocations and differ only in how: per element, a whole workflow;
 * or per node, a whole map. (Three separate map runs would add two JVM and runner starts to the
 * twin's side alone, flattering the launch plan map.)
 *
 * <p>Every run's outputs are checked: {@code o0[i] = i * i + 2}, in index order, none missing.
 */
final class WorkflowMapLine {
  private WorkflowMapLine() {}

  /** The map over the launch plan: workload name and the workflow run. */
  static final String LAUNCH_PLAN_MAP = "map_over_launch_plan";

  /** The twin: workload name and the workflow run. */
  static final String THREE_MAPS = "three_maps";

  static final String LP_WORKFLOW = "bench.map_over_three_steps";
  static final String TWIN_WORKFLOW = "bench.three_maps";
  static final String ELEMENT_WORKFLOW = "bench.three_steps";
  static final String LAUNCH_PLAN = "bench.three_steps_lp";

  /** Runs one process of the line under the bench's timer; a non-zero exit fails the bench. */
  interface Runner {
    ProcessTimer.Timed run(List<String> command, Path stdout, Path stderr, String what, int n)
        throws IOException, InterruptedException;
  }

  /**
   * {@code runs} times on each of {@link Bench#WORKFLOW_RUNNERS}, the twin and the launch plan map
   * alternating which goes first; each run's outputs checked.
   */
  static List<Measurement> measure(
      Layout layout, Path work, int n, int runs, Runner runner, PrintStream log)
      throws IOException, InterruptedException {
    Path lpPackage = writeLaunchPlanPackage(work.resolve("workflow-map-lp"));
    Path twin = work.resolve("workflow-map-three-maps.wf.json");
    Files.writeString(twin, JsonFormat.printer().print(threeMaps()) + "\n", StandardCharsets.UTF_8);
    Path inputs = work.resolve("workflow-map-" + n + ".inputs.pb");
    Bench.writeInputs(inputs, n);
    Checksum expected = expected(n);
    List<Measurement> out = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      for (Variant variant : Bench.WORKFLOW_RUNNERS) {
        List<String> order =
            run % 2 == 1
                ? List.of(THREE_MAPS, LAUNCH_PLAN_MAP)
                : List.of(LAUNCH_PLAN_MAP, THREE_MAPS);
        for (String what : order) {
          boolean lp = what.equals(LAUNCH_PLAN_MAP);
          String stem = "workflow-map-" + what + "-" + variant.id() + "-run" + run;
          Path stdout = work.resolve(stem + ".out");
          Path stderr = work.resolve(stem + ".err");
          Path outputs = work.resolve(stem + ".outputs.pb");
          List<String> command =
              new ArrayList<>(variant.runCommand(layout, lp ? lpPackage : twin, inputs, outputs));
          command.addAll(List.of("--workflow", lp ? LP_WORKFLOW : TWIN_WORKFLOW));
          ProcessTimer.Timed timed =
              runner.run(
                  command, stdout, stderr, "workflow-map line " + what + " on " + variant.id(), n);
          Checksum checksum = check(outputs, n, expected, what);
          Measurement m = Measurement.of(what, variant, n, run, timed, checksum);
          out.add(m);
          log.printf(
              Locale.ROOT,
              "[workflow-map] %-20s N=%-7d %-18s run %d: %7.2f s %7.2f CPU s %6s MiB, others"
                  + " %4.2f cores  %s%n",
              lp ? "map over launch plan" : "three maps",
              n,
              variant.id(),
              run,
              m.wallSeconds(),
              m.cpuSeconds(),
              Report.mib(m.peakRssBytes()),
              m.othersCores(),
              checksum);
          Files.deleteIfExists(outputs);
          Files.deleteIfExists(stdout);
          Files.deleteIfExists(stderr);
        }
      }
    }
    Files.deleteIfExists(inputs);
    return out;
  }

  /** What both sides must compute over {@code 0} to {@code n-1}: {@code i * i + 2} each. */
  static Checksum expected(int n) {
    long sum = 0;
    for (long i = 0; i < n; i++) {
      sum += i * i + 2;
    }
    return new Checksum(n, sum, 0);
  }

  /**
   * The outputs' {@code o0}, checked element by element: {@code n} values, {@code o0[i] = i * i +
   * 2}, in index order.
   */
  static Checksum check(Path outputs, int n, Checksum expected, String what) {
    flyteidl.core.Literals.LiteralMap map =
        Checksum.readOutputs(outputs, "workflow-map line: " + what + " N=" + n);
    flyteidl.core.Literals.Literal o0 = map.getLiteralsMap().get("o0");
    List<flyteidl.core.Literals.Literal> items =
        o0 == null ? List.of() : o0.getCollection().getLiteralsList();
    if (items.size() != n) {
      throw new BenchFailedException(
          String.format(
              Locale.ROOT,
              "workflow-map line: %s N=%d wrote %d items of o0, not %d",
              what,
              n,
              items.size(),
              n));
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
      long value = items.get(i).getScalar().getPrimitive().getInteger();
      long want = (long) i * i + 2;
      if (value != want || !items.get(i).getScalar().hasPrimitive()) {
        throw new BenchFailedException(
            String.format(
                Locale.ROOT,
                "workflow-map line: %s N=%d: o0[%d] is [%s] but must be %d",
                what,
                n,
                i,
                items.get(i).toString().strip(),
                want));
      }
      sum += value;
    }
    Checksum checksum = new Checksum(n, sum, 0);
    if (!checksum.equals(expected)) {
      throw new BenchFailedException(
          "workflow-map line: " + what + " outputs [" + checksum + "] but [" + expected + "]");
    }
    return checksum;
  }

  private static final TaskTemplate SQUARE = MapTask.javaTaskTemplate(new Square());
  private static final TaskTemplate INCREMENT = MapTask.javaTaskTemplate(new Increment());

  /**
   * A pyflyte-style folder: the two tasks, {@link #ELEMENT_WORKFLOW} ({@code x -> square ->
   * increment -> increment}), its launch plan {@link #LAUNCH_PLAN}, and {@link #LP_WORKFLOW}, which
   * maps that launch plan over {@code x}, written as flytekit writes {@code map_task(launch_plan)}.
   */
  static Path writeLaunchPlanPackage(Path folder) throws IOException {
    Files.createDirectories(folder);
    WorkflowTemplate element =
        workflow(ELEMENT_WORKFLOW, scalarInterface())
            .addNodes(taskNode("n0", SQUARE, promise("", "x")))
            .addNodes(taskNode("n1", INCREMENT, promise("n0", "o0")))
            .addNodes(taskNode("n2", INCREMENT, promise("n1", "o0")))
            .addOutputs(binding("o0", promise("n2", "o0")))
            .build();
    TypedInterface mapped = MappedInterface.of(scalarInterface(), List.of(), Optional.empty());
    Identifier lpId = id(ResourceType.LAUNCH_PLAN, LAUNCH_PLAN);
    WorkflowTemplate top =
        workflow(LP_WORKFLOW, mapped)
            .addNodes(
                WorkflowMap.overLaunchPlan(lpId, Set.of()).input("x", promise("", "x")).node("n0"))
            .addOutputs(binding("o0", promise("n0", "o0")))
            .build();
    LaunchPlan launchPlan =
        LaunchPlan.newBuilder()
            .setId(lpId)
            .setSpec(
                LaunchPlanSpec.newBuilder()
                    .setWorkflowId(element.getId())
                    .setDefaultInputs(
                        ParameterMap.newBuilder()
                            .putParameters(
                                "x",
                                Parameter.newBuilder()
                                    .setVar(
                                        SQUARE.getInterface().getInputs().getVariablesOrThrow("x"))
                                    .setRequired(true)
                                    .build())))
            .build();
    Files.write(
        folder.resolve("0_square_1.pb"),
        TaskSpec.newBuilder().setTemplate(SQUARE).build().toByteArray());
    Files.write(
        folder.resolve("1_increment_1.pb"),
        TaskSpec.newBuilder().setTemplate(INCREMENT).build().toByteArray());
    Files.write(
        folder.resolve("2_" + ELEMENT_WORKFLOW + "_2.pb"),
        WorkflowSpec.newBuilder().setTemplate(element).build().toByteArray());
    Files.write(folder.resolve("3_" + ELEMENT_WORKFLOW + "_3.pb"), launchPlan.toByteArray());
    Files.write(
        folder.resolve("4_" + LP_WORKFLOW + "_2.pb"),
        WorkflowSpec.newBuilder().setTemplate(top).build().toByteArray());
    return folder;
  }

  /**
   * {@link #TWIN_WORKFLOW}: {@code map square -> map increment -> map increment} over {@code x}.
   */
  static WorkflowClosure threeMaps() {
    MapTaskSpec square = MapTask.of(new Square()).build();
    MapTaskSpec increment = MapTask.of(new Increment()).build();
    WorkflowTemplate wf =
        workflow(TWIN_WORKFLOW, square.mappedInterface())
            .addNodes(arrayNode("n0", square, promise("", "x")))
            .addNodes(arrayNode("n1", increment, promise("n0", "o0")))
            .addNodes(arrayNode("n2", increment, promise("n1", "o0")))
            .addOutputs(binding("o0", promise("n2", "o0")))
            .build();
    return WorkflowClosure.newBuilder()
        .setWorkflow(wf)
        .addTasks(square.subTask().template())
        .addTasks(increment.subTask().template())
        .build();
  }

  /** {@code (x: int) -> o0: int}, the interface of every step. */
  private static TypedInterface scalarInterface() {
    return TypedInterface.newBuilder()
        .setInputs(
            VariableMap.newBuilder()
                .putVariables("x", SQUARE.getInterface().getInputs().getVariablesOrThrow("x")))
        .setOutputs(
            VariableMap.newBuilder()
                .putVariables("o0", SQUARE.getInterface().getOutputs().getVariablesOrThrow("o0")))
        .build();
  }

  private static Identifier id(ResourceType type, String name) {
    return Identifier.newBuilder()
        .setResourceType(type)
        .setProject("flyte-beam")
        .setDomain("development")
        .setName(name)
        .setVersion("1")
        .build();
  }

  private static WorkflowTemplate.Builder workflow(String name, TypedInterface iface) {
    return WorkflowTemplate.newBuilder().setId(id(ResourceType.WORKFLOW, name)).setInterface(iface);
  }

  /** A promise of {@code node}'s output {@code var}; the empty node id: the workflow's input. */
  private static BindingData promise(String node, String var) {
    return BindingData.newBuilder()
        .setPromise(OutputReference.newBuilder().setNodeId(node).setVar(var))
        .build();
  }

  private static Binding binding(String var, BindingData data) {
    return Binding.newBuilder().setVar(var).setBinding(data).build();
  }

  private static Node taskNode(String id, TaskTemplate task, BindingData x) {
    return Node.newBuilder()
        .setId(id)
        .setMetadata(NodeMetadata.newBuilder().setName(task.getId().getName()))
        .addInputs(binding("x", x))
        .setTaskNode(TaskNode.newBuilder().setReferenceId(task.getId()))
        .build();
  }

  /**
   * The map's ArrayNode as the builder writes it, with id {@code id} and its x bound to {@code x}.
   */
  private static Node arrayNode(String id, MapTaskSpec map, BindingData x) {
    Node written = org.flytebeam.idl.DefinitionWriter.toClosure(map).getWorkflow().getNodes(0);
    Node.Builder node = written.toBuilder().setId(id).clearInputs().addInputs(binding("x", x));
    node.getArrayNodeBuilder().getNodeBuilder().clearInputs().addInputs(binding("x", x));
    return node.build();
  }
}

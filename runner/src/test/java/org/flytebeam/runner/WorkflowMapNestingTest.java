package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Interface.ParameterMap;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.util.List;
import java.util.Optional;
import org.flytebeam.exec.NodeCounts;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.LaunchPlanDef;
import org.flytebeam.graph.Promises;
import org.flytebeam.runner.WorkflowMaps.Criteria;
import org.flytebeam.spec.MappedInterface;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

/**
 * Maps over launch plans whose workflows hold more than Java task nodes, on the DirectRunner (the
 * Spark twin is {@link WorkflowMapSparkDifferentialIT}): a raw container task node inside each
 * element; a task map inside each element, its own criteria deciding its node and the outer
 * criteria counting outer elements; and a map over a launch plan whose workflow maps over another
 * launch plan.
 */
class WorkflowMapNestingTest {

  /** {@code sh_square(x) -> o0}: a raw container (sh) squaring x, failing when x is 3. */
  static final TaskTemplate SH_SQUARE =
      Containers.rawContainer(
          "sh_square",
          Containers.vars("x", LiteralTypes.of(Long.class)),
          Containers.vars("o0", LiteralTypes.of(Long.class)),
          "if [ {{.inputs.x}} -eq 3 ]; then echo 'x must not be three' >&2; exit 1; fi;"
              + " cd /var/outputs && echo $(({{.inputs.x}} * {{.inputs.x}})) > o0");

  /**
   * {@code wf.top_sh(xs)} maps {@code lp.sh} over xs ({@code criteria}); lp.sh launches {@code
   * wf.sh(x, b)}: {@code n0 = sh_square(x)}, {@code n1 = multiply(n0, b, 1)}, b fixed to 3: f(x) =
   * 3x^2, failing on 3.
   */
  static FlytePackage containerPackage(Criteria criteria) {
    WorkflowTemplate element =
        WorkflowTemplate.newBuilder()
            .setId(
                WorkflowMaps.id(flyteidl.core.IdentifierOuterClass.ResourceType.WORKFLOW, "wf.sh"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(Containers.vars("x", WorkflowMaps.INT, "b", WorkflowMaps.INT))
                    .setOutputs(Containers.vars("o0", WorkflowMaps.INT)))
            .addNodes(
                WorkflowMaps.taskNode(
                    "n0", SH_SQUARE, WorkflowMaps.promise("x", Promises.START_NODE, "x")))
            .addNodes(
                WorkflowMaps.taskNode(
                        "n1",
                        WorkflowMaps.MULTIPLY,
                        WorkflowMaps.promise("a", "n0", "o0"),
                        WorkflowMaps.promise("b", Promises.START_NODE, "b"),
                        WorkflowMaps.scalar("c", 1))
                    .toBuilder()
                    .addUpstreamNodeIds("n0")
                    .build())
            .addOutputs(WorkflowMaps.promise("o0", "n1", "o0"))
            .build();
    LaunchPlanDef lp =
        new LaunchPlanDef(
            "lp.sh",
            "wf.sh",
            ParameterMap.getDefaultInstance(),
            LiteralMap.newBuilder().putLiterals("b", Literals.of(3)).build());
    WorkflowTemplate top =
        topMapping("wf.top_sh", "lp.sh", "xs", "x", WorkflowMaps.INT, WorkflowMaps.INT, criteria);
    return WorkflowMaps.pkg(
        List.of(top, element), List.of(SH_SQUARE, WorkflowMaps.MULTIPLY), List.of(lp));
  }

  /**
   * {@code name(<listVar>: List[itemType]) -> o0}: n0 maps launch plan {@code lp} (its input {@code
   * elementVar}, its output {@code o0: elementOut}) over the list.
   */
  static WorkflowTemplate topMapping(
      String name,
      String lp,
      String listVar,
      String elementVar,
      LiteralType itemType,
      LiteralType elementOut,
      Criteria criteria) {
    return WorkflowTemplate.newBuilder()
        .setId(WorkflowMaps.id(flyteidl.core.IdentifierOuterClass.ResourceType.WORKFLOW, name))
        .setInterface(
            TypedInterface.newBuilder()
                .setInputs(Containers.vars(listVar, WorkflowMaps.listOf(itemType)))
                .setOutputs(Containers.vars("o0", mappedOutput(elementOut, criteria))))
        .addNodes(
            WorkflowMaps.mapOverLaunchPlan(
                "n0",
                lp,
                WorkflowMaps.promise(elementVar, Promises.START_NODE, listVar),
                criteria,
                Optional.empty()))
        .addOutputs(WorkflowMaps.promise("o0", "n0", "o0"))
        .build();
  }

  /** The type of a map's output over elements of output type {@code out} (flytekit's rule). */
  static LiteralType mappedOutput(LiteralType out, Criteria criteria) {
    return MappedInterface.of(
            TypedInterface.newBuilder()
                .setOutputs(VariableMap.newBuilder().putVariables("o0", WorkflowMaps.var(out)))
                .build(),
            List.of(),
            criteria.ratio())
        .getOutputs()
        .getVariablesOrThrow("o0")
        .getType();
  }

  static WorkflowResult container(Criteria criteria, RunOptions options) {
    return FlyteBeam.runWorkflow(
        containerPackage(criteria), "wf.top_sh", WorkflowMaps.xs(1, 2, 3, 4), options);
  }

  @Test
  void aContainerTaskNodeRunsInsideEachElementAndAFailedOneNamesItsElementAndNode() {
    WorkflowResult ok = container(Criteria.ratio(0.5f), RunOptions.defaults());
    WorkflowResult failed = container(Criteria.all(), RunOptions.defaults());

    assertThat(ok.success()).as(String.valueOf(ok.error())).isTrue();
    assertThat(WorkflowMapTest.outputs(ok))
        .containsExactly(Literals.of(3), Literals.of(12), Literals.none(), Literals.of(48));
    // Elements 0, 1, 3: the container node and the Java node; element 2: the container fails.
    assertThat(WorkflowMapTest.nodes(ok, "n0")).isEqualTo(new NodeCounts(7, 6, 1, 0));
    assertThat(failed.success()).isFalse();
    assertThat(failed.error().orElseThrow())
        .contains("node [n0] failed")
        .contains("[2]: n0 (sh_square): ")
        .contains("x must not be three");
  }

  static LiteralMap xss(long[]... lists) {
    return WorkflowMapTest.xss(lists);
  }

  @Test
  void theOuterCriteriaCountOuterElementsWhoseInnerMapsDecideThemselves() {
    // [1, -1]: the inner map meets its ratio 0.5 with one failed item, its element succeeds;
    // [-1, -2]: the inner map fails, so does its outer element; [2, 3] succeeds.
    LiteralMap in = xss(new long[] {1, -1}, new long[] {-1, -2}, new long[] {2, 3});

    WorkflowResult twoOfThree =
        FlyteBeam.runWorkflow(WorkflowMaps.nested(0.6f), "wf.outer", in, RunOptions.defaults());
    WorkflowResult threeNeeded =
        FlyteBeam.runWorkflow(WorkflowMaps.nested(0.75f), "wf.outer", in, RunOptions.defaults());

    assertThat(twoOfThree.success()).as(String.valueOf(twoOfThree.error())).isTrue();
    assertThat(WorkflowMapTest.outputs(twoOfThree))
        .containsExactly(
            Literals.collection(List.of(Literals.of(10), Literals.none())),
            Literals.none(),
            Literals.collection(List.of(Literals.of(20), Literals.of(30))));
    assertThat(threeNeeded.success()).isFalse();
    // Fail fast: once element 1 failed, 3 of 3 could no longer succeed.
    assertThat(threeNeeded.error().orElseThrow())
        .contains("elements succeeded, 3 required")
        .contains("[1]: n0 (test_counted): 0 of 2 elements succeeded, 1 required");
  }

  /**
   * {@code wf.top_lp(xss)} maps {@code lp.mid} over xss ({@code outer}); lp.mid launches {@code
   * wf.mid(xs)}, whose n0 maps {@link WorkflowMaps#LP} (f(x) = 10x, failing on 1) over xs with
   * ratio 0.5.
   */
  static FlytePackage launchPlanOfLaunchPlans(Criteria outer) {
    Criteria inner = Criteria.ratio(0.5f);
    LiteralType midOut = mappedOutput(WorkflowMaps.INT, inner);
    WorkflowTemplate mid =
        topMapping("wf.mid", WorkflowMaps.LP, "xs", "x", WorkflowMaps.INT, WorkflowMaps.INT, inner);
    LaunchPlanDef midLp =
        new LaunchPlanDef(
            "lp.mid", "wf.mid", ParameterMap.getDefaultInstance(), LiteralMap.getDefaultInstance());
    WorkflowTemplate top =
        topMapping(
            "wf.top_lp",
            "lp.mid",
            "xss",
            "xs",
            WorkflowMaps.listOf(WorkflowMaps.INT),
            midOut,
            outer);
    return WorkflowMaps.pkg(
        List.of(top, mid, WorkflowMaps.element(java.time.Duration.ZERO)),
        List.of(WorkflowMaps.FAIL_IF_EQUAL, WorkflowMaps.MULTIPLY),
        List.of(midLp, WorkflowMaps.launchPlan()));
  }

  static WorkflowResult lpOfLps(Criteria outer, RunOptions options) {
    LiteralMap in = xss(new long[] {1, 2}, new long[] {3, 4}, new long[] {1, 1});
    LiteralMap renamed =
        LiteralMap.newBuilder().putLiterals("xss", in.getLiteralsOrThrow("xss")).build();
    return FlyteBeam.runWorkflow(launchPlanOfLaunchPlans(outer), "wf.top_lp", renamed, options);
  }

  static final List<Literal> LP_OF_LPS =
      List.of(
          Literals.collection(List.of(Literals.none(), Literals.of(20))),
          Literals.collection(List.of(Literals.of(30), Literals.of(40))),
          Literals.none());

  @Test
  void aMapOverALaunchPlanWhoseWorkflowMapsOverAnotherLaunchPlanRuns() {
    WorkflowResult r = lpOfLps(Criteria.ratio(0.6f), RunOptions.defaults());
    WorkflowResult tooFew = lpOfLps(Criteria.min(3), RunOptions.defaults());

    assertThat(r.success()).as(String.valueOf(r.error())).isTrue();
    assertThat(WorkflowMapTest.outputs(r)).isEqualTo(LP_OF_LPS);
    // [1, 2]: the inner map node, inner [0]'s n0 (failed), inner [1]'s n0 and n1: 4, 1 failed;
    // [3, 4]: 1 + 2 + 2, all succeeded; [1, 1]: the inner map node and both inner n0 failed.
    assertThat(WorkflowMapTest.nodes(r, "n0")).isEqualTo(new NodeCounts(12, 8, 4, 0));
    assertThat(tooFew.success()).isFalse();
    assertThat(tooFew.error().orElseThrow())
        .contains("[2]: n0 (lp.element): 0 of 2 elements succeeded, 1 required; [0]: n0")
        .contains("x must not be 1");
  }

  /**
   * {@code wf.outer_timed(xss)} maps {@code lp.timed} over xss; lp.timed launches {@code
   * wf.timed_inner(xs)}, whose n0 maps {@code test_timed} (sleeps x ms, records its interval) over
   * xs with {@code parallelism}.
   */
  static FlytePackage innerTimed(Optional<Integer> parallelism) {
    Criteria all = Criteria.all();
    flyteidl.core.Workflow.ArrayNode.Builder array =
        flyteidl.core.Workflow.ArrayNode.newBuilder()
            .setNode(
                flyteidl.core.Workflow.Node.newBuilder()
                    .setId("n0")
                    .addInputs(WorkflowMaps.promise("x", Promises.START_NODE, "xs"))
                    .setTaskNode(
                        flyteidl.core.Workflow.TaskNode.newBuilder()
                            .setReferenceId(WorkflowMaps.TIMED.getId())))
            .setIsOriginalSubNodeInterface(
                com.google.protobuf.BoolValue.newBuilder().setValue(true));
    all.applyTo(array);
    parallelism.ifPresent(array::setParallelism);
    LiteralType innerOut = mappedOutput(WorkflowMaps.INT, all);
    WorkflowTemplate inner =
        WorkflowTemplate.newBuilder()
            .setId(
                WorkflowMaps.id(
                    flyteidl.core.IdentifierOuterClass.ResourceType.WORKFLOW, "wf.timed_inner"))
            .setInterface(
                TypedInterface.newBuilder()
                    .setInputs(Containers.vars("xs", WorkflowMaps.listOf(WorkflowMaps.INT)))
                    .setOutputs(Containers.vars("o0", innerOut)))
            .addNodes(
                flyteidl.core.Workflow.Node.newBuilder()
                    .setId("n0")
                    .addInputs(WorkflowMaps.promise("x", Promises.START_NODE, "xs"))
                    .setArrayNode(array))
            .addOutputs(WorkflowMaps.promise("o0", "n0", "o0"))
            .build();
    LaunchPlanDef lp =
        new LaunchPlanDef(
            "lp.timed",
            "wf.timed_inner",
            ParameterMap.getDefaultInstance(),
            LiteralMap.getDefaultInstance());
    WorkflowTemplate top =
        topMapping(
            "wf.outer_timed",
            "lp.timed",
            "xss",
            "xs",
            WorkflowMaps.listOf(WorkflowMaps.INT),
            innerOut,
            all);
    return WorkflowMaps.pkg(List.of(top, inner), List.of(WorkflowMaps.TIMED), List.of(lp));
  }

  static WorkflowResult innerTimedRun(Optional<Integer> parallelism, RunOptions options) {
    LiteralMap in = xss(new long[] {300, 300, 300, 300, 300});
    LiteralMap renamed =
        LiteralMap.newBuilder().putLiterals("xss", in.getLiteralsOrThrow("xss")).build();
    return FlyteBeam.runWorkflow(innerTimed(parallelism), "wf.outer_timed", renamed, options);
  }

  /** The most intervals holding one instant at once. */
  static int peak(List<long[]> intervals) {
    int peak = 0;
    for (long[] i : intervals) {
      int at = 0;
      for (long[] other : intervals) {
        if (other[0] <= i[0] && i[0] < other[1]) {
          at++;
        }
      }
      peak = Math.max(peak, at);
    }
    return peak;
  }

  static final Literal FIVE_300S =
      Literals.collection(
          List.of(Literals.collection(java.util.Collections.nCopies(5, Literals.of(300)))));

  @Test
  void theItemsOfAnInnerMapRunAtOnceWithinItsBoundInsideTheElement() {
    org.flytebeam.runner.testing.TestTasks.reset();
    WorkflowResult two = innerTimedRun(Optional.of(2), RunOptions.defaults());
    List<long[]> twoIntervals = List.copyOf(org.flytebeam.runner.testing.TestTasks.INTERVALS);
    org.flytebeam.runner.testing.TestTasks.reset();
    WorkflowResult one = innerTimedRun(Optional.of(1), RunOptions.defaults());
    List<long[]> oneIntervals = List.copyOf(org.flytebeam.runner.testing.TestTasks.INTERVALS);

    assertThat(two.success()).as(String.valueOf(two.error())).isTrue();
    assertThat(two.outputs().getLiteralsOrThrow("o0")).isEqualTo(FIVE_300S);
    assertThat(one.outputs()).isEqualTo(two.outputs());
    assertThat(twoIntervals).hasSize(5);
    assertThat(peak(twoIntervals)).as("inner items at once, parallelism 2").isLessThanOrEqualTo(2);
    if (Runtime.getRuntime().availableProcessors() >= 2) {
      assertThat(peak(twoIntervals)).as("inner items at once, parallelism 2").isEqualTo(2);
    }
    assertThat(oneIntervals).hasSize(5);
    WorkflowMapTest.assertNoOverlap(oneIntervals);
  }

  @Test
  void anInnerMapRunsAsManyItemsAtOnceAsItsParallelismTheCoresAndItsSizeAllow() {
    assertThat(innerLanes(10, java.util.OptionalInt.of(3), 8)).isEqualTo(3);
    assertThat(innerLanes(10, java.util.OptionalInt.of(3), 2)).isEqualTo(2);
    assertThat(innerLanes(10, java.util.OptionalInt.empty(), 4)).isEqualTo(4);
    assertThat(innerLanes(10, java.util.OptionalInt.of(0), 4)).isEqualTo(4);
    assertThat(innerLanes(2, java.util.OptionalInt.empty(), 8)).isEqualTo(2);
    assertThat(innerLanes(0, java.util.OptionalInt.empty(), 8)).isEqualTo(1);
    assertThat(innerLanes(10, java.util.OptionalInt.of(1), 8)).isEqualTo(1);
  }

  private static int innerLanes(int size, java.util.OptionalInt parallelism, int cores) {
    return org.flytebeam.exec.WorkflowInvoker.lanes(size, parallelism, cores);
  }
}

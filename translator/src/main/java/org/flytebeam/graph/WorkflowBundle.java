package org.flytebeam.graph;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Interface.ParameterMap;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.WorkflowNode;
import flyteidl.core.Workflow.WorkflowTemplate;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;

/**
 * A workflow or launch plan with everything it refers to (tasks, sub-workflows, launch plans and
 * their workflows), as flyteidl bytes in a protobuf {@link Struct}: what a worker that runs a map
 * element as a whole workflow compiles again with {@link WorkflowCompiler}. The bytes are the
 * definition's own messages, so nothing Java-specific is serialized.
 */
public final class WorkflowBundle {
  private static final String KIND = "kind";
  private static final String NAME = "name";
  private static final String TASKS = "tasks";
  private static final String WORKFLOWS = "workflows";
  private static final String LAUNCH_PLANS = "launchPlans";
  private static final String FAST_BUNDLE = "fastBundle";
  private static final String LP_WORKFLOW = "workflow";
  private static final String LP_DEFAULTS = "defaults";
  private static final String LP_FIXED = "fixed";
  private static final String KIND_LAUNCH_PLAN = "launchPlan";
  private static final String KIND_WORKFLOW = "workflow";

  private WorkflowBundle() {}

  /** A decoded bundle: the package holding what the entity needs, and the entity. */
  public record Contents(FlytePackage pkg, FlytePackage.Entity entity) {}

  /** The bundle of launch plan {@code lp} of {@code pkg}. */
  public static Struct ofLaunchPlan(FlytePackage pkg, LaunchPlanDef lp) {
    return encode(pkg, KIND_LAUNCH_PLAN, lp.name());
  }

  /** The bundle of workflow {@code name} of {@code pkg}. */
  public static Struct ofWorkflow(FlytePackage pkg, String name) {
    return encode(pkg, KIND_WORKFLOW, name);
  }

  private static Struct encode(FlytePackage pkg, String kind, String name) {
    Map<String, TaskTemplate> tasks = new LinkedHashMap<>();
    Map<String, WorkflowTemplate> workflows = new LinkedHashMap<>();
    Map<String, LaunchPlanDef> launchPlans = new LinkedHashMap<>();
    Deque<Node> nodes = new ArrayDeque<>();
    if (kind.equals(KIND_LAUNCH_PLAN)) {
      addLaunchPlan(pkg, pkg.launchPlans().get(name), launchPlans, workflows, nodes);
    } else {
      addWorkflow(pkg.workflows().get(name), workflows, nodes);
    }
    while (!nodes.isEmpty()) {
      Node n = nodes.pop();
      if (n.hasTaskNode() && n.getTaskNode().hasReferenceId()) {
        String t = n.getTaskNode().getReferenceId().getName();
        Optional.ofNullable(pkg.tasks().get(t)).ifPresent(x -> tasks.put(t, x));
      }
      if (n.hasWorkflowNode()) {
        WorkflowNode wn = n.getWorkflowNode();
        if (wn.hasSubWorkflowRef()) {
          addWorkflow(pkg.workflows().get(wn.getSubWorkflowRef().getName()), workflows, nodes);
        } else if (wn.hasLaunchplanRef()) {
          addLaunchPlan(
              pkg,
              pkg.launchPlans().get(wn.getLaunchplanRef().getName()),
              launchPlans,
              workflows,
              nodes);
        }
      }
      nodes.addAll(FlytePackage.innerNodes(n));
    }
    Struct.Builder out =
        Struct.newBuilder()
            .putFields(KIND, string(kind))
            .putFields(NAME, string(name))
            .putFields(TASKS, list(tasks.values().stream().map(t -> bytes(t.toByteArray()))))
            .putFields(
                WORKFLOWS, list(workflows.values().stream().map(w -> bytes(w.toByteArray()))));
    ListValue.Builder lps = ListValue.newBuilder();
    for (LaunchPlanDef lp : launchPlans.values()) {
      lps.addValues(
          Value.newBuilder()
              .setStructValue(
                  Struct.newBuilder()
                      .putFields(NAME, string(lp.name()))
                      .putFields(LP_WORKFLOW, string(lp.workflowName()))
                      .putFields(LP_DEFAULTS, bytes(lp.defaultInputs().toByteArray()))
                      .putFields(LP_FIXED, bytes(lp.fixedInputs().toByteArray()))));
    }
    out.putFields(LAUNCH_PLANS, Value.newBuilder().setListValue(lps).build());
    pkg.fastBundle().ifPresent(f -> out.putFields(FAST_BUNDLE, string(f)));
    return out.build();
  }

  private static void addLaunchPlan(
      FlytePackage pkg,
      LaunchPlanDef lp,
      Map<String, LaunchPlanDef> launchPlans,
      Map<String, WorkflowTemplate> workflows,
      Deque<Node> nodes) {
    if (lp == null || launchPlans.putIfAbsent(lp.name(), lp) != null) {
      return;
    }
    addWorkflow(pkg.workflows().get(lp.workflowName()), workflows, nodes);
  }

  private static void addWorkflow(
      WorkflowTemplate w, Map<String, WorkflowTemplate> workflows, Deque<Node> nodes) {
    if (w == null || workflows.putIfAbsent(w.getId().getName(), w) != null) {
      return;
    }
    nodes.addAll(w.getNodesList());
  }

  /**
   * The package and entity of {@code bundle}.
   *
   * @throws InvalidDefinitionException when the bundle is not one {@link #ofLaunchPlan} or {@link
   *     #ofWorkflow} wrote
   */
  public static Contents decode(Struct bundle, String source) {
    try {
      Map<String, Value> f = bundle.getFieldsMap();
      Map<String, TaskTemplate> tasks = new LinkedHashMap<>();
      for (Value v : f.get(TASKS).getListValue().getValuesList()) {
        TaskTemplate t = TaskTemplate.parseFrom(unbytes(v));
        tasks.put(t.getId().getName(), t);
      }
      Map<String, WorkflowTemplate> workflows = new LinkedHashMap<>();
      for (Value v : f.get(WORKFLOWS).getListValue().getValuesList()) {
        WorkflowTemplate w = WorkflowTemplate.parseFrom(unbytes(v));
        workflows.put(w.getId().getName(), w);
      }
      Map<String, LaunchPlanDef> launchPlans = new LinkedHashMap<>();
      for (Value v : f.get(LAUNCH_PLANS).getListValue().getValuesList()) {
        Map<String, Value> lp = v.getStructValue().getFieldsMap();
        LaunchPlanDef def =
            new LaunchPlanDef(
                lp.get(NAME).getStringValue(),
                lp.get(LP_WORKFLOW).getStringValue(),
                ParameterMap.parseFrom(unbytes(lp.get(LP_DEFAULTS))),
                LiteralMap.parseFrom(unbytes(lp.get(LP_FIXED))));
        launchPlans.put(def.name(), def);
      }
      Optional<String> fast =
          f.containsKey(FAST_BUNDLE)
              ? Optional.of(f.get(FAST_BUNDLE).getStringValue())
              : Optional.empty();
      FlytePackage pkg = new FlytePackage(source, tasks, workflows, launchPlans, fast);
      String name = f.get(NAME).getStringValue();
      FlytePackage.Entity entity =
          KIND_LAUNCH_PLAN.equals(f.get(KIND).getStringValue())
              ? new FlytePackage.LaunchPlanEntity(launchPlans.get(name))
              : new FlytePackage.WorkflowEntity(workflows.get(name));
      boolean missing =
          (entity instanceof FlytePackage.LaunchPlanEntity l && l.launchPlan() == null)
              || (entity instanceof FlytePackage.WorkflowEntity w && w.workflow() == null);
      if (missing) {
        throw new InvalidDefinitionException(source + " does not hold [" + name + "]");
      }
      return new Contents(pkg, entity);
    } catch (InvalidProtocolBufferException | NullPointerException | IllegalArgumentException e) {
      throw new InvalidDefinitionException(
          source + " is not a workflow bundle flyte-beam wrote: " + e.getMessage(), e);
    }
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value bytes(byte[] b) {
    return string(Base64.getEncoder().encodeToString(b));
  }

  private static byte[] unbytes(Value v) {
    return Base64.getDecoder().decode(v.getStringValue());
  }

  private static Value list(java.util.stream.Stream<Value> values) {
    return Value.newBuilder()
        .setListValue(ListValue.newBuilder().addAllValues(values.toList()))
        .build();
  }
}

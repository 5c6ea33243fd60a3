package org.flytebeam.graph;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Tasks.TaskTemplate;
import java.util.Optional;
import org.flytebeam.graph.ExecutionGraph.ArrayWorkflowCall;

/**
 * The task a map over a launch plan or sub-workflow runs per element, as today's map machinery sees
 * it: a template of its own type ({@value #TYPE}) whose interface is one element's and whose {@code
 * custom} holds the workflow's {@link WorkflowBundle}. It never leaves flyte-beam: the definition
 * keeps its workflow node; this template is how the plan carries the workflow to the workers, where
 * {@code exec.WorkflowInvoker} runs it.
 */
public final class WorkflowElements {
  /** The template type of an element that runs a whole workflow. */
  public static final String TYPE = "flyte-beam-workflow-element";

  /** The key of the bundle in the template's {@code custom}. */
  public static final String CUSTOM_KEY = "workflowElement";

  private WorkflowElements() {}

  /** The element template of {@code call}: named after its launch plan or workflow. */
  public static TaskTemplate template(ArrayWorkflowCall call) {
    String name = call.launchPlan().map(LaunchPlanDef::name).orElse(call.graph().name());
    return TaskTemplate.newBuilder()
        .setId(Identifier.newBuilder().setResourceType(ResourceType.TASK).setName(name))
        .setType(TYPE)
        .setInterface(call.elementInterface())
        .setCustom(
            Struct.newBuilder()
                .putFields(CUSTOM_KEY, Value.newBuilder().setStructValue(call.bundle()).build()))
        .build();
  }

  /** Whether {@code template} is an element template. */
  public static boolean is(TaskTemplate template) {
    return TYPE.equals(template.getType());
  }

  /** The bundle of an element template. */
  public static Optional<Struct> bundle(TaskTemplate template) {
    Value v = template.getCustom().getFieldsMap().get(CUSTOM_KEY);
    return is(template) && v != null && v.hasStructValue()
        ? Optional.of(v.getStructValue())
        : Optional.empty();
  }
}

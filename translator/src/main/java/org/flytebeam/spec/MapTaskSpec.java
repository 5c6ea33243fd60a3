package org.flytebeam.spec;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Workflow.ArrayNode.DataMode;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One validated map task: the single form both front ends (the Java builder and flyteidl files)
 * produce, and the only thing the translator and the runners read.
 *
 * @param form which of Flyte's two shapes it came from (and serializes back to)
 * @param name the map task's name, in flytekit's naming scheme
 * @param subTask the task run once per element
 * @param workflowInterface the inputs and outputs of the enclosing workflow: what {@code --inputs}
 *     holds and what the outputs file gets. For the legacy form, the mapped interface itself.
 * @param inputBindings every input of the map node, by sub-task input name, in interface order: a
 *     promise on a workflow input ({@code start-node}) or a value written in the binding
 * @param boundInputs inputs passed whole to every element instead of being mapped
 * @param workflowOutputs workflow output name to the map node's output name
 * @param parallelism empty: unset; 0: unlimited; N: at most N elements running at once
 * @param minSuccesses when set, wins over the ratio
 * @param minSuccessRatio float32, as in the proto; ratio 0 means none required
 * @param runAllSubNodes run every element to its end before failing
 * @param dataMode how a process sub-task's {@code {{.input}}} file is formed
 * @param originalSubNodeInterface whether the serialized sub-task template holds the scalar
 *     (original) interface rather than the list form
 */
public record MapTaskSpec(
    Form form,
    String name,
    SubTask subTask,
    TypedInterface workflowInterface,
    Map<String, BindingData> inputBindings,
    List<String> boundInputs,
    Map<String, String> workflowOutputs,
    OptionalInt parallelism,
    OptionalLong minSuccesses,
    Optional<Float> minSuccessRatio,
    boolean runAllSubNodes,
    DataMode dataMode,
    boolean originalSubNodeInterface)
    implements Serializable {

  /** The two shapes of a Flyte map task, and a workflow's task node run as a map of one. */
  public enum Form {
    /** A workflow node of type ArrayNode (flytekit's current {@code map_task}). */
    ARRAY_NODE,
    /** A {@code container_array} task template (flytekit's legacy {@code MapPythonTask}). */
    LEGACY,
    /**
     * A workflow's task node, run as a map of one element: not an array element, so a process gets
     * its own inputs and none of the array's variables, as Flyte runs a plain task.
     */
    TASK_NODE
  }

  public MapTaskSpec {
    requireNonNull(form, "form");
    requireNonNull(name, "name");
    requireNonNull(subTask, "subTask");
    requireNonNull(workflowInterface, "workflowInterface");
    inputBindings =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputBindings));
    boundInputs = List.copyOf(boundInputs);
    workflowOutputs =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(workflowOutputs));
    requireNonNull(parallelism, "parallelism");
    requireNonNull(minSuccesses, "minSuccesses");
    requireNonNull(minSuccessRatio, "minSuccessRatio");
    requireNonNull(dataMode, "dataMode");
  }

  /** This spec in {@code form}. Does not modify this spec. */
  public MapTaskSpec withForm(Form form) {
    return form == this.form
        ? this
        : new MapTaskSpec(
            form,
            name,
            subTask,
            workflowInterface,
            inputBindings,
            boundInputs,
            workflowOutputs,
            parallelism,
            minSuccesses,
            minSuccessRatio,
            runAllSubNodes,
            dataMode,
            originalSubNodeInterface);
  }

  /** Inputs mapped over: every sub-task input that is not bound, in interface order. */
  public List<String> mappedInputs() {
    return subTask.scalarInterface().getInputs().getVariablesMap().keySet().stream()
        .filter(n -> !boundInputs.contains(n))
        .toList();
  }

  /**
   * The map task's own interface (SPEC section 2): inputs not bound become lists, bound inputs keep
   * their type, outputs become lists ({@code List[Optional[T]]} when a ratio other than 1 is set).
   */
  public TypedInterface mappedInterface() {
    return MappedInterface.of(subTask.scalarInterface(), boundInputs, minSuccessRatio);
  }

  /** The number of elements that must succeed for a map of {@code size} elements. */
  public long requiredSuccesses(long size) {
    return SuccessCriteria.requiredSuccesses(size, minSuccesses, minSuccessRatio);
  }
}
